package io.tooltune.cli;

import io.tooltune.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code prepare} on input it cannot use: a --strict failure leaves no partial output (and an earlier output
 * untouched), an SFT file says what it is, and bytes that are not UTF-8 are reported with their file and line.
 */
class PrepareReliabilityTest {
    private static final String GOOD = "{\"id\":\"ok\",\"conversations\":[{\"from\":\"user\",\"value\":\"u\"},"
            + "{\"from\":\"assistant\",\"value\":\"a\"}]}";

    @TempDir
    Path tmp;

    private CliRun prepare(Path in, Path out, String... extra) throws Exception {
        String[] base = {"prepare", "--input", in.toString(), "--model", Shared.path("fixtures/opt/tokenizer").toString(),
                "--output", out.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    @Test
    void strictFailureLeavesNoPartialOutput() throws Exception {
        Path in = Files.writeString(tmp.resolve("in.jsonl"), GOOD + "\n" + GOOD.replace("\"ok\"", "\"ok2\"") + "\n{\"id\":\"noconv\"}\n");
        Path out = tmp.resolve("sft.jsonl");
        CliRun r = prepare(in, out, "--strict");
        assertEquals(2, r.code(), r.err());
        assertFalse(Files.exists(out), "no partial output");
        assertFalse(Files.exists(tmp.resolve("sft.jsonl.partial")), "no temporary file left");

        Files.writeString(out, "earlier output\n");
        assertEquals(2, prepare(in, out, "--strict").code());
        assertEquals("earlier output\n", Files.readString(out), "an earlier output stays as it was");

        Path good = Files.writeString(tmp.resolve("good.jsonl"), GOOD + "\n");
        CliRun ok = prepare(good, out, "--strict");
        assertEquals(0, ok.code(), ok.err());
        assertEquals(1, Files.readAllLines(out).size());
    }

    @Test
    void anSftFileSaysWhatItIs() throws Exception {
        Path sft = Files.writeString(tmp.resolve("sft.jsonl"), "{\"id\":\"a\",\"input_ids\":[2,5,2],\"labels\":[-100,5,2]}\n");
        CliRun r = prepare(sft, tmp.resolve("out.jsonl"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("tooltune: " + sft + ": holds SFT records (input_ids/labels), which prepare writes "
                + "and train takes with --data"), r.err());
        assertFalse(Files.exists(tmp.resolve("out.jsonl")));
    }

    @Test
    void bytesThatAreNotUtf8NameTheFileAndLine() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((GOOD + "\n\n").getBytes(StandardCharsets.UTF_8));
        b.writeBytes(GOOD.replace("\"u\"", "\"caf\u00e9\"").getBytes(StandardCharsets.ISO_8859_1)); // é as one Latin-1 byte
        b.writeBytes("\n".getBytes(StandardCharsets.UTF_8));
        Path in = Files.write(tmp.resolve("latin1.jsonl"), b.toByteArray());
        CliRun r = prepare(in, tmp.resolve("out.jsonl"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("tooltune: " + in + " line 3: not UTF-8 text"), r.err());
    }

    @Test
    void inputGivingNoRecordsIsRefusedInsteadOfAnEmptyOutput() throws Exception {
        Path empty = Files.writeString(tmp.resolve("empty.jsonl"), "");
        CliRun r = prepare(empty, tmp.resolve("out.jsonl"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("tooltune: " + empty + ": no training records (0 read, 0 skipped)"), r.err());
        Path notJson = Files.writeString(tmp.resolve("words.jsonl"), "hello world\n");
        r = prepare(notJson, tmp.resolve("out.jsonl"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(notJson + ": no training records (1 read, 1 skipped, reasons above)"), r.err());
        assertFalse(Files.exists(tmp.resolve("out.jsonl")));
        CliRun folder = prepare(Files.writeString(tmp.resolve("g.jsonl"), GOOD + "\n"), tmp);
        assertEquals(2, folder.code());
        assertTrue(folder.err().contains("tooltune: " + tmp + ": is a folder; --output takes a file name"), folder.err());
    }
}
