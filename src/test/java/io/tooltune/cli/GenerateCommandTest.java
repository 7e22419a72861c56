package io.tooltune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerateCommandTest {
    private static CliRun run(String... args) {
        return CliRun.of(args);
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
        CliRun r = run("generate", "--model", dir.toString(), "--prompt", text, "--max-new-tokens", "24", "--no-eos-stop", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode out = Json.MAPPER.readTree(r.out());
        assertArrayEquals(prompt, Json.MAPPER.convertValue(out.get("prompt_ids"), long[].class));
        assertArrayEquals(Arrays.copyOfRange(all, prompt.length, all.length), Json.MAPPER.convertValue(out.get("output_ids"), long[].class));
        assertTrue(out.get("text").isTextual());
    }

    @Test
    void badInputExitsTwoWithOneLine() {
        Path dir = Shared.path("fixtures/opt/tiny-opt-prenorm");
        CliRun missing = run("generate", "--model", dir.resolve("nope").toString(), "--prompt", "x");
        assertEquals(2, missing.code());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        CliRun tooLong = run("generate", "--model", dir.toString(), "--prompt", "word ".repeat(200));
        assertEquals(2, tooLong.code());
        assertTrue(tooLong.err().contains("more than max_position_embeddings 128"), tooLong.err());
        assertEquals(1, tooLong.err().strip().lines().count(), tooLong.err());
    }

    @Test
    void moreNewTokensThanTheContextHoldsAreAnnounced() throws Exception {
        Path dir = Shared.path("fixtures/opt/tiny-opt-prenorm");
        CliRun r = run("generate", "--model", dir.toString(), "--prompt", "Hello", "--max-new-tokens", "400", "--no-eos-stop");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("leave room for") && r.err().contains("of --max-new-tokens 400"), r.err());
    }
}
