package io.tooltune.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerTest {

    @Test
    void reproducesExpectedTokenizationFromVocabAndMerges() throws Exception {
        Path dir = Shared.path("fixtures/opt/tokenizer");
        JsonNode expected = Json.MAPPER.readTree(dir.resolve("expected_tokenization.json").toFile()).get("tokenization");
        assertEquals(10, expected.size());
        try (Tokenizer tok = Tokenizer.load(dir)) {
            for (JsonNode item : expected) {
                String text = item.get("text").asText();
                long[] want = new long[item.get("ids").size()];
                for (int i = 0; i < want.length; i++) want[i] = item.get("ids").get(i).asLong();
                long[] got = tok.encode(text);
                assertArrayEquals(want, got, "ids of " + text);
                long[] body = java.util.Arrays.copyOfRange(got, 1, got.length);
                assertEquals(text, tok.decode(body), "decode of " + text);
            }
        }
    }

    @Test
    void doesNotTruncateLongInputs() {
        Path dir = Shared.path("fixtures/opt/tokenizer");
        try (Tokenizer tok = Tokenizer.load(dir)) {
            String text = "word ".repeat(1500);
            assertTrue(tok.encode(text).length > 1500);
        }
    }

    @Test
    void savedTokenizerJsonLoadsAgain(@TempDir Path tmp) {
        Path dir = Shared.path("fixtures/opt/tokenizer");
        try (Tokenizer tok = Tokenizer.load(dir)) {
            tok.saveTo(tmp);
            try (Tokenizer again = Tokenizer.load(tmp)) {
                assertArrayEquals(tok.encode("Action Input: {\"q\": 1}"), again.encode("Action Input: {\"q\": 1}"));
            }
        }
    }

    @Test
    void folderWithoutTokenizerFilesIsBadInput(@TempDir Path tmp) {
        BadInputException e = assertThrows(BadInputException.class, () -> Tokenizer.load(tmp));
        assertTrue(e.getMessage().contains("vocab.json"), e.getMessage());
    }

    @Test
    void corruptVocabIsBadInput(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("vocab.json"), "{not json");
        Files.writeString(tmp.resolve("merges.txt"), "#version: 0.2\n");
        BadInputException e = assertThrows(BadInputException.class, () -> Tokenizer.load(tmp));
        assertTrue(e.getMessage().contains("vocab.json"), e.getMessage());
    }

    @Test
    void emptyVocabNamesTheUsersFilesNotATemporaryOne(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("merges.txt"), "#version: 0.2\n");
        for (String vocab : new String[]{"{}", ""}) {
            Files.writeString(tmp.resolve("vocab.json"), vocab);
            BadInputException e = assertThrows(BadInputException.class, () -> Tokenizer.load(tmp));
            assertTrue(e.getMessage().startsWith(tmp.resolve("vocab.json").toString()), e.getMessage());
            assertFalse(e.getMessage().contains("tooltune-tokenizer"), e.getMessage());
        }
    }

    @Test
    void nonUtf8MergesNameTheFile(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("vocab.json"), "{\"a\": 0}");
        Files.write(tmp.resolve("merges.txt"), new byte[]{'#', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
        BadInputException e = assertThrows(BadInputException.class, () -> Tokenizer.load(tmp));
        assertTrue(e.getMessage().contains("merges.txt") && e.getMessage().contains("UTF-8"), e.getMessage());
    }
}
