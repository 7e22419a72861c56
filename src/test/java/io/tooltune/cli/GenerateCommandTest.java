package io.tooltune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerateCommandTest {
    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void jsonOutputIsTheGreedyReference() throws Exception {
        Path dir = Shared.path("fixtures/opt/tiny-opt-prenorm");
        JsonNode ref = Json.MAPPER.readTree(dir.resolve("expected_generation.json").toFile());
        long[] prompt = Json.MAPPER.convertValue(ref.get("prompt_ids"), long[].class);
        long[] all = Json.MAPPER.convertValue(ref.get("greedy_ids"), long[].class);
        String text;
        try (Tokenizer t = Tokenizer.load(dir)) {
            text = t.decode(Arrays.copyOfRange(prompt, 1, prompt.length));
        }
        Result r = run("generate", "--model", dir.toString(), "--prompt", text, "--max-new-tokens", "24", "--no-eos-stop", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode out = Json.MAPPER.readTree(r.out());
        assertArrayEquals(prompt, Json.MAPPER.convertValue(out.get("prompt_ids"), long[].class));
        assertArrayEquals(Arrays.copyOfRange(all, prompt.length, all.length), Json.MAPPER.convertValue(out.get("output_ids"), long[].class));
        assertTrue(out.get("text").isTextual());
    }

    @Test
    void badInputExitsTwoWithOneLine() {
        Path dir = Shared.path("fixtures/opt/tiny-opt-prenorm");
        Result missing = run("generate", "--model", dir.resolve("nope").toString(), "--prompt", "x");
        assertEquals(2, missing.code());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        Result tooLong = run("generate", "--model", dir.toString(), "--prompt", "word ".repeat(200));
        assertEquals(2, tooLong.code());
        assertTrue(tooLong.err().contains("more than max_position_embeddings 128"), tooLong.err());
        assertEquals(1, tooLong.err().strip().lines().count(), tooLong.err());
    }
}
