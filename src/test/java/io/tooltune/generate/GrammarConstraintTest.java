package io.tooltune.generate;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.generate.constrain.JsonSchemaGrammar;
import io.tooltune.generate.constrain.Grammar;
import io.tooltune.generate.constrain.SchemaCheck;
import io.tooltune.generate.constrain.TokenMasker;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OPT fixture model (random weights) decoding within a JSON schema through the generator. */
class GrammarConstraintTest {
    private static final int EOS = 2;
    private static LoadedModel m;
    private static String[] texts;
    private static TokenMasker masker;
    private static final JsonNode SCHEMA = parse("""
            {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"},
             "metric": {"type": "boolean"}, "unit": {"enum": ["C", "F"]}}, "required": ["city", "days"]}""");

    @BeforeAll
    static void load() {
        m = ModelFolder.load(Shared.path("fixtures/opt/tiny-opt-prenorm"));
        texts = FunctionNameConstraint.tokenTexts(m.tokenizer(), m.model().config().vocabSize());
        BitSet specials = new BitSet();
        specials.set(0, 4);
        masker = new TokenMasker(texts, specials, EOS);
    }

    @AfterAll
    static void close() {
        if (m != null) m.close();
    }

    private static List<Generator.Output> decode(Grammar g, GenerationConfig cfg, int n) {
        long[] prompt = m.tokenizer().encode("User: the weather in Paris for 3 days\nAssistant:\n");
        List<long[]> prompts = new ArrayList<>();
        List<TokenConstraint> cs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            prompts.add(prompt);
            cs.add(g == null ? null : new GrammarConstraint(g, masker, texts));
        }
        return new Generator(m.model(), m.tokenizer()).generate(prompts, cfg, i -> false, cs);
    }

    /** Sampled at temperature 1 the random model writes valid documents only when constrained, and stops after them. */
    @Test
    void sampledOutputAlwaysParsesAndValidates() {
        Grammar g = JsonSchemaGrammar.compile(SCHEMA, "test");
        for (long seed = 0; seed < 3; seed++) {
            GenerationConfig cfg = GenerationConfig.sampling(48, 1.0).withSeed(seed);
            Generator.Output free = decode(null, cfg, 1).get(0);
            assertFalse(parsesAndValidates(free.text()), "free: " + free.text());
            for (Generator.Output o : decode(g, cfg, 1)) {
                assertTrue(parsesAndValidates(o.text()), seed + ": " + o.text());
                assertFalse(o.hitMaxTokens(), o.text());
            }
        }
    }

    /**
     * A token limit just above the shortest document ({"city":"","days":0} and the end: 22 tokens) still gives a
     * valid one: near the limit only tokens after which the document can close are allowed.
     */
    @Test
    void aTightTokenLimitClosesTheDocumentInTime() {
        Grammar g = JsonSchemaGrammar.compile(SCHEMA, "test");
        for (long seed = 0; seed < 3; seed++) {
            List<Generator.Output> out = decode(g, GenerationConfig.sampling(24, 1.0).withSeed(seed), 1);
            for (Generator.Output o : out) {
                assertTrue(parsesAndValidates(o.text()), seed + ": " + o.text());
                assertTrue(o.ids().length <= 24);
            }
        }
        Generator.Output greedy = decode(g, GenerationConfig.greedy(30), 1).get(0);
        assertTrue(parsesAndValidates(greedy.text()), greedy.text());
    }

    /**
     * The end of sequence comes only when the document is complete: an integer may go on, so the end of sequence
     * ends it, unless it has reached its 20 digits; a closed object is finished and stops without one.
     */
    @Test
    void endOfSequenceOnlyWhenComplete() {
        Grammar numberThenEnd = JsonSchemaGrammar.compile(parse("{\"type\": \"integer\"}"), "test");
        for (long seed = 0; seed < 3; seed++) {
            Generator.Output o = decode(numberThenEnd, GenerationConfig.sampling(30, 1.0).withSeed(seed), 1).get(0);
            assertTrue(o.text().matches("-?(0|[1-9][0-9]{0,19})"), o.text());
            boolean ended = o.ids()[o.ids().length - 1] == EOS;
            assertTrue(ended || o.text().replace("-", "").length() == 20, o.text());
            assertTrue(ended || o.ids().length < 30);
        }
        Generator.Output obj = decode(JsonSchemaGrammar.compile(SCHEMA, "test"), GenerationConfig.greedy(60), 1).get(0);
        assertTrue(obj.text().endsWith("}") && obj.ids()[obj.ids().length - 1] != EOS, "a closed object is finished");
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static boolean parsesAndValidates(String text) {
        try {
            return SchemaCheck.valid(SCHEMA, Json.MAPPER.readTree(text));
        } catch (Exception e) {
            return false;
        }
    }
}
