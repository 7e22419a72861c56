package io.tooltune.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BpeTrainerTest {

    /** A tool-calling style corpus with varied words, numbers, JSON and non-ASCII text. */
    private static List<String> corpus() {
        String[] cities = {"Paris", "Zürich", "São Paulo", "東京", "Kraków", "Reykjavík"};
        String[] apis = {"get_weather_for_weatherapi", "search_hotels_for_booking", "convert_currency_for_fx"};
        Random r = new Random(7);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String city = cities[r.nextInt(cities.length)];
            String api = apis[r.nextInt(apis.length)];
            texts.add("User: What is the weather in " + city + " on day " + r.nextInt(31) + "?\n"
                    + "Assistant: Thought: I should call " + api + ".\nAction: " + api
                    + "\nAction Input: {\"city\": \"" + city + "\", \"days\": " + r.nextInt(9) + "}\n"
                    + "Function: {\"error\": \"\", \"response\": \"{'temp': " + r.nextInt(40) + "}\"}\n");
        }
        return texts;
    }

    @Test
    void trainedTokenizerLoadsAndRoundTripsUnicode(@TempDir Path tmp) throws Exception {
        BpeTrainer.Bpe bpe = BpeTrainer.train(corpus(), 420);
        assertEquals(420, bpe.vocab().size());
        assertEquals(0, bpe.vocab().get("<s>"));
        assertEquals(1, bpe.vocab().get("<pad>"));
        assertEquals(2, bpe.vocab().get("</s>"));
        assertEquals(3, bpe.vocab().get("<unk>"));
        bpe.save(tmp);
        assertTrue(Files.isRegularFile(tmp.resolve("vocab.json")));
        assertTrue(Files.readString(tmp.resolve("merges.txt")).startsWith("#version"));
        try (Tokenizer tok = Tokenizer.load(tmp)) {
            for (String text : List.of("Zürich 東京 naïve — “quotes” 🙂 tabs\tand\nnewlines  ",
                    "Action Input: {\"city\": \"Kraków\"}", "unseen words: quokka xylophone 12345")) {
                long[] ids = tok.encode(text, false);
                assertEquals(text, tok.decode(ids), "round trip of " + text);
                for (long id : ids) assertTrue(id >= 4 && id < 420, "id " + id);
            }
            assertEquals(2, tok.encode("x")[0], "</s> prepended as OPT's BOS");
            // frequent words of the corpus became single tokens, through the merges as HF applies them
            assertEquals(1, tok.encode(" weather", false).length);
            assertEquals(1, tok.encode("Action", false).length);
        }
        // the same files from vocab.json + merges.txt alone give the same ids
        Path plain = tmp.resolve("plain");
        Files.createDirectories(plain);
        Files.copy(tmp.resolve("vocab.json"), plain.resolve("vocab.json"));
        Files.copy(tmp.resolve("merges.txt"), plain.resolve("merges.txt"));
        try (Tokenizer a = Tokenizer.load(tmp); Tokenizer b = Tokenizer.load(plain)) {
            String s = corpus().get(3);
            assertArrayEquals(a.encode(s), b.encode(s));
        }
    }

    @Test
    void trainingIsDeterministic() {
        BpeTrainer.Bpe a = BpeTrainer.train(corpus(), 500);
        BpeTrainer.Bpe b = BpeTrainer.train(corpus(), 500);
        assertEquals(a.merges(), b.merges());
        assertEquals(a.vocab(), b.vocab());
        // the tie-breaking rule does not depend on the order of the texts
        List<String> reversed = new ArrayList<>(corpus());
        java.util.Collections.reverse(reversed);
        assertEquals(a.merges(), BpeTrainer.train(reversed, 500).merges());
    }

    @Test
    void compressesTheCorpus(@TempDir Path tmp) throws Exception {
        List<String> texts = corpus();
        BpeTrainer.train(texts, 800).save(tmp);
        long bytes = 0, tokens = 0;
        try (Tokenizer tok = Tokenizer.load(tmp)) {
            for (String t : texts) {
                bytes += t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                tokens += tok.encode(t, false).length;
            }
        }
        assertTrue(bytes > 3 * tokens, bytes + " bytes in " + tokens + " tokens");
    }
}
