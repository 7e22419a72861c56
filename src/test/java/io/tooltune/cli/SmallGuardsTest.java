package io.tooltune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Issue 21's smaller ones: synth's category count has a range, and a server bound beyond loopback says so. */
class SmallGuardsTest {
    @Test
    void synthCategoriesAboveTheTableAreRefusedWithTheRange(@TempDir Path tmp) {
        CliRun r = CliRun.of("synth", "--output", tmp.resolve("out").toString(), "--categories", "99");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().matches("(?s).*tooltune: --categories: must be 0 \\(all\\) or between 5 and \\d+ \\(the domain table's\\), got 99.*"), r.err());
        assertFalse(Files.exists(tmp.resolve("out/tools")));
    }

    private static String warning(String host) {
        return warning(host, false);
    }

    private static String warning(String host, boolean apiKeyRequired) {
        ListenOptions l = new ListenOptions();
        l.host = host;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        l.warnIfReachable(new PrintStream(b, true, StandardCharsets.UTF_8), apiKeyRequired);
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void hostsBeyondLoopbackGetAWarning() {
        assertTrue(warning("0.0.0.0").contains("--host 0.0.0.0 makes the server reachable from other machines"));
        assertEquals("", warning("127.0.0.1"));
        assertEquals("", warning("localhost"));
        assertEquals("", warning("::1"));
        assertEquals("", warning("0.0.0.0", true), "a server that requires an API key is meant to be reachable");
    }
}
