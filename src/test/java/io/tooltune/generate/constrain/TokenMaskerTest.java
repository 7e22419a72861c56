package io.tooltune.generate.constrain;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.tooltune.generate.constrain.JsonSchemaGrammarTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenMaskerTest {
    static final String WEATHER = """
            {"type": "object",
             "properties": {"city": {"type": "string", "description": "City name"},
                            "days": {"type": "integer"},
                            "units": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                            "hourly": {"type": "boolean"},
                            "fields": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
                            "near": {"type": ["object", "null"], "properties": {"lat": {"type": "number"},
                                     "lon": {"type": "number"}}, "required": ["lat", "lon"]}},
             "required": ["city", "units"]}""";

    /** The ids whose text a copy of the matcher accepts, one by one, the slow and obvious way. */
    private static BitSet bruteForce(Matcher m, String[] texts) {
        BitSet b = new BitSet(texts.length);
        for (int id = 4; id < texts.length; id++) {
            String t = texts[id];
            if (!t.isEmpty() && t.indexOf('\uFFFD') < 0 && m.copy().advance(t)) b.set(id);
        }
        if (m.isComplete()) b.set(OptVocabulary.EOS);
        return b;
    }

    @Test
    void theTrieWalkAllowsExactlyTheTokensTheMatcherAccepts() {
        String[] texts = OptVocabulary.texts();
        Grammar g = JsonSchemaGrammar.compile(json(WEATHER), "test");
        String doc = "{\"city\": \"Par\\u00e9s\", \"units\": \"celsius\", \"fields\": [\"wind\"], \"near\": {\"lat\": -1.5e2";
        // states met along a document: start, key, string body, escape, enum, array, number, and a complete one
        for (int cut : new int[] {0, 1, 3, 11, 15, 25, 34, 52, 60, doc.length() - 2, doc.length()}) {
            Matcher m = g.matcher();
            assertTrue(m.advance(doc.substring(0, cut)), doc.substring(0, cut));
            BitSet expected = bruteForce(m, texts);
            assertEquals(expected, OptVocabulary.masker().allowed(m), "after " + doc.substring(0, cut));
            assertEquals(expected, OptVocabulary.masker().compute(m.state()), "uncached, after " + doc.substring(0, cut));
        }
        Matcher done = JsonSchemaGrammar.compile(json("{\"type\": \"integer\"}"), "test").matcher();
        assertTrue(done.advance("12"));
        BitSet mask = OptVocabulary.masker().allowed(done);
        assertEquals(bruteForce(done, texts), mask);
        assertTrue(mask.get(OptVocabulary.EOS), "a complete number may end");
        assertTrue(mask.cardinality() > 1, "or go on");
    }

    @Test
    void specialTokensAndByteFragmentsAreNeverAllowed() {
        String[] texts = OptVocabulary.texts();
        Matcher inString = JsonSchemaGrammar.compile(json("{\"type\": \"string\"}"), "test").matcher();
        assertTrue(inString.advance("\"x"));
        BitSet mask = OptVocabulary.masker().allowed(inString);
        for (int id = 0; id < 4; id++) assertFalse(mask.get(id), texts[id] + " is special");
        int fragments = 0;
        for (int id = 4; id < texts.length; id++) {
            if (texts[id].indexOf('\uFFFD') >= 0) {
                fragments++;
                assertFalse(mask.get(id), "byte fragment " + id);
            }
        }
        assertTrue(fragments > 0, "the OPT vocabulary has byte-fragment tokens");
        assertTrue(mask.cardinality() > 40_000, "inside a string nearly every token fits: " + mask.cardinality());
    }

    @Test
    void randomWalksAlwaysEndInValidDocumentsWithoutDeadEnds() {
        List<String> schemas = List.of(WEATHER,
                "{\"type\": \"array\", \"items\": {\"type\": \"integer\"}, \"minItems\": 2, \"maxItems\": 4}",
                "{\"anyOf\": [{\"type\": \"number\"}, {\"enum\": [\"é\", \"naïve\"]}, {\"type\": \"null\"}]}",
                "{\"type\": \"object\", \"properties\": {\"a\": {\"const\": 1}}, \"additionalProperties\": {\"type\": \"boolean\"}}");
        Random rnd = new Random(18);
        int ended = 0;
        for (String schema : schemas) {
            Grammar g = JsonSchemaGrammar.compile(json(schema), "test");
            for (int i = 0; i < 15; i++) {
                RandomWalk.Result w = OptVocabulary.walker().run(g, rnd, 3000, t -> { });
                if (!w.ended()) continue;
                ended++;
                JsonNode parsed = parse(w.text());
                assertTrue(SchemaCheck.valid(json(schema), parsed), () -> schema + " produced invalid " + w.text());
            }
        }
        assertTrue(ended >= 50, "most walks end: " + ended + " of 60");
    }

    @Test
    void anyJsonObjectModeWalksGiveObjects() {
        Grammar g = JsonSchemaGrammar.anyObject(2);
        Random rnd = new Random(5);
        for (int i = 0; i < 10; i++) {
            RandomWalk.Result w = OptVocabulary.walker().run(g, rnd, 3000, t -> { });
            if (w.ended()) assertTrue(parse(w.text()).isObject(), w.text());
        }
    }

    /** Grammars and maskers are shared by concurrent requests: threads racing on cold states agree with one thread. */
    @Test
    void concurrentMasksOnOneGrammarAgreeWithASingleThread() throws Exception {
        String doc = "{\"city\": \"Lyon\", \"units\": \"fahrenheit\", \"fields\": [\"a\", \"b\"], \"near\": null}";
        Grammar shared = JsonSchemaGrammar.compile(json(WEATHER), "test");
        TokenMasker masker = new TokenMasker(OptVocabulary.texts(), OptVocabulary.specials(), OptVocabulary.EOS);
        List<Callable<List<BitSet>>> tasks = new ArrayList<>();
        for (int t = 0; t < 4; t++) tasks.add(() -> masksAlong(shared, masker, doc));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<BitSet> alone = masksAlong(JsonSchemaGrammar.compile(json(WEATHER), "test"), OptVocabulary.masker(), doc);
            for (Future<List<BitSet>> f : pool.invokeAll(tasks)) assertEquals(alone, f.get());
        } finally {
            pool.shutdown();
        }
    }

    private static List<BitSet> masksAlong(Grammar g, TokenMasker masker, String doc) {
        List<BitSet> out = new ArrayList<>();
        Matcher m = g.matcher();
        for (int i = 0; i < doc.length(); i++) {
            out.add(masker.allowed(m));
            assertTrue(m.advance(doc.charAt(i)));
        }
        return out;
    }

    static JsonNode parse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("does not parse: " + text, e);
        }
    }
}
