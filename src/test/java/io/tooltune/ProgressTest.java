package io.tooltune;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {

    @Test
    void onlyTerminalDevicesGetALiveBar() {
        assertTrue(Progress.isTerminalDevice("/dev/pts/3"));
        assertTrue(Progress.isTerminalDevice("/dev/tty1"));
        assertFalse(Progress.isTerminalDevice("/tmp/ci.log"));
        assertFalse(Progress.isTerminalDevice("pipe:[123456]"));
        assertFalse(Progress.isTerminalDevice("/dev/null"));
    }

    @Test
    void plainModeWritesAtMostOneLinePerFivePercent() {
        PrintStream saved = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try (Progress p = Progress.start("work", 10_000)) { // tests run without a terminal on stderr
            for (int i = 0; i < 10_000; i++) p.step();
        } finally {
            System.setErr(saved);
        }
        long lines = buf.toString(StandardCharsets.UTF_8).lines().count();
        assertTrue(lines <= 21 && lines >= 2, "lines: " + lines);
    }
}
