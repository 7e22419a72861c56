package io.tooltune.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * tokenizer.json files as Qwen2 and Llama 3 ship them (NFC, Split regexes with Unicode classes, added tokens
 * special or not, ignore_merges, BOS from TemplateProcessing) against huggingface/tokenizers' expected ids and
 * decodes, with and without special tokens.
 */
class HuggingFaceTokenizerFixtureTest {
    @ParameterizedTest
    @ValueSource(strings = {"tokenizer", "tokenizer/llama3-style"})
    void reproducesExpectedTokenization(String folder) throws Exception {
        Path dir = Shared.path("fixtures/llama/" + folder);
        JsonNode expected = Json.MAPPER.readTree(dir.resolve("expected_tokenization.json").toFile()).get("tokenization");
        assertEquals(14, expected.size());
        try (Tokenizer tok = Tokenizer.load(dir)) {
            for (JsonNode item : expected) {
                String text = item.get("text").asText();
                long[] ids = longs(item.get("ids"));
                assertArrayEquals(ids, tok.encode(text), "ids of " + text);
                assertArrayEquals(longs(item.get("ids_without_special_tokens")), tok.encode(text, false), "ids without specials of " + text);
                assertEquals(item.get("decoded").asText(), tok.decode(ids, false), "decode of " + text);
                assertEquals(item.get("decoded_skip_special_tokens").asText(), tok.decode(ids, true), "decode skipping specials of " + text);
            }
        }
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asLong();
        return out;
    }
}
