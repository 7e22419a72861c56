package io.tooltune.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.generate.FunctionNameConstraint;
import io.tooltune.generate.GrammarConstraint;
import io.tooltune.generate.constrain.Grammar;
import io.tooltune.generate.constrain.JsonSchemaGrammar;
import io.tooltune.generate.constrain.Matcher;
import io.tooltune.generate.constrain.RandomWalk;
import io.tooltune.generate.constrain.SchemaCheck;
import io.tooltune.generate.constrain.TemplateCallGrammar;
import io.tooltune.generate.constrain.TokenMasker;
import io.tooltune.generate.constrain.ToolCallGrammar;
import io.tooltune.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forced calls in each template family's own syntax: the templates' own renders of an assistant call are what the
 * prefill and grammar spell, and random walks over the tiny-qwen2 tokenizer (added tokens {@code <tool_call>} and
 * {@code </tool_call>}, special tokens masked) always give text the family's parser reads as calls of offered
 * functions with schema-valid arguments.
 */
class ForcedCallGrammarTest {
    private static final int WS = JsonSchemaGrammar.DEFAULT_MAX_WHITESPACE;
    private static final String TOOLS = """
            [{"type": "function", "function": {"name": "get_weather", "description": "Weather",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"},
                             "unit": {"enum": ["C", "F"]}}, "required": ["city"]}}},
             {"type": "function", "function": {"name": "get_time", "description": "Time",
              "parameters": {"type": "object", "properties": {"hour24": {"type": "boolean"}}, "required": ["hour24"],
                             "additionalProperties": false}}}]""";
    /** tiny-qwen2: {@code <|im_end|>} ends a turn; {@code <tool_call>}/{@code </tool_call>} are added, not special. */
    private static final int IM_END = 50258, TOOL_CALL = 50259, TOOL_CALL_END = 50260, VOCAB = 50304;
    static Tokenizer tokenizer;
    static String[] texts;
    static TokenMasker masker;

    @BeforeAll
    static void load() {
        tokenizer = Tokenizer.load(Shared.path("fixtures/llama/tiny-qwen2"));
        texts = FunctionNameConstraint.tokenTexts(tokenizer, VOCAB);
        BitSet specials = new BitSet();
        for (int id = 0; id < VOCAB; id++) {
            if (!texts[id].isEmpty() && tokenizer.decode(new long[] {id}, true).isEmpty()) specials.set(id);
        }
        masker = new TokenMasker(texts, specials, IM_END);
    }

    @AfterAll
    static void close() {
        if (tokenizer != null) tokenizer.close();
    }

    private static List<ToolCallGrammar.Function> functions() throws Exception {
        return ToolCallGrammar.functions(Json.MAPPER.readTree(TOOLS), "test");
    }

    /** The assistant turn a template renders for one call of get_weather(city=Paris), as the model would write it. */
    private static String renderedCall(String modelFolder, String turnStart, String turnEnd) throws Exception {
        ChatTemplate t = ModelChatTemplates.load(Shared.path("fixtures/llama/" + modelFolder), Clock.systemUTC()).select(true);
        ArrayNode messages = (ArrayNode) Json.MAPPER.readTree("""
                [{"role": "user", "content": "Weather in Paris?"},
                 {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                  "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]}]""");
        var input = Json.MAPPER.createObjectNode();
        input.set("messages", messages);
        input.set("tools", Json.MAPPER.readTree(TOOLS));
        String render = t.render(ChatRequest.fromJson(input, "test"));
        int start = render.lastIndexOf(turnStart) + turnStart.length();
        return render.substring(start, render.indexOf(turnEnd, start));
    }

    private static boolean spells(ToolCallFormat f, String named, Grammar g, String reply) {
        String prefill = TemplateCallGrammar.prefill(f.layout(), named);
        if (!reply.startsWith(prefill)) return false;
        Matcher m = g.matcher();
        return m.advance(reply.substring(prefill.length())) && m.isComplete();
    }

    @Test
    void theTemplatesOwnRendersOfACallAreWhatIsForced() throws Exception {
        String qwen = renderedCall("tiny-qwen2", "<|im_start|>assistant\n", "<|im_end|>");
        assertEquals("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>", qwen);
        String llama = renderedCall("tiny-llama3", "<|start_header_id|>assistant<|end_header_id|>\n\n", "<|eot_id|>");
        assertEquals("{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}", llama);
        // Mistral v0.3's template (no fixture model): "[TOOL_CALLS] [" + the calls joined by ", " + "]"
        String mistral = "[TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]";
        for (var c : List.of(new Object[] {ToolCallFormat.HERMES, qwen}, new Object[] {ToolCallFormat.LLAMA3_JSON, llama},
                new Object[] {ToolCallFormat.MISTRAL, mistral})) {
            ToolCallFormat f = (ToolCallFormat) c[0];
            String reply = (String) c[1];
            assertTrue(spells(f, null, TemplateCallGrammar.anyOf(functions(), f.layout(), true, "test", WS), reply), f + ": " + reply);
            assertTrue(spells(f, "get_weather", TemplateCallGrammar.named(functions().get(0), f.layout(), "test", WS), reply), f + ": " + reply);
            assertFalse(spells(f, "get_time", TemplateCallGrammar.named(functions().get(1), f.layout(), "test", WS), reply), f + ": " + reply);
            ParsedReply parsed = f.parser(new SplittableRandom(1)).parse(reply);
            assertEquals("get_weather", parsed.toolCalls().get(0).name(), f + " parser");
        }
    }

    @Test
    void parallelCallsOnlyWhereTheSyntaxHasThem() throws Exception {
        String two = "get_weather\", \"arguments\": {\"city\": \"Rome\"}}\n</tool_call>\n<tool_call>\n"
                + "{\"name\": \"get_time\", \"arguments\": {\"hour24\": true}}\n</tool_call>";
        Matcher m = TemplateCallGrammar.anyOf(functions(), ToolCallFormat.HERMES.layout(), true, "test", WS).matcher();
        assertTrue(m.advance(two) && m.isComplete());
        Matcher single = TemplateCallGrammar.anyOf(functions(), ToolCallFormat.HERMES.layout(), false, "test", WS).matcher();
        assertFalse(single.advance(two));
        Matcher mistral = TemplateCallGrammar.anyOf(functions(), ToolCallFormat.MISTRAL.layout(), true, "test", WS).matcher();
        assertTrue(mistral.advance("get_time\", \"arguments\": {\"hour24\": false}}, {\"name\": \"get_weather\", "
                + "\"arguments\": {\"city\": \"Oslo\", \"unit\": \"C\"}}]") && mistral.isComplete());
        Matcher llama = TemplateCallGrammar.anyOf(functions(), ToolCallFormat.LLAMA3_JSON.layout(), true, "test", WS).matcher();
        assertTrue(llama.advance("get_time\", \"parameters\": {\"hour24\": false}}") && llama.isFinished(),
                "Llama 3's template takes one call per turn");
    }

    @Test
    void theCallMarkersAreTheTokenizersAddedTokens() throws Exception {
        String prefill = TemplateCallGrammar.prefill(ToolCallFormat.HERMES.layout(), null);
        assertEquals(TOOL_CALL, tokenizer.encode(prefill, false)[0], "the prompt's <tool_call> is one token");
        Grammar g = TemplateCallGrammar.anyOf(functions(), ToolCallFormat.HERMES.layout(), true, "test", WS);
        Matcher m = g.matcher();
        assertTrue(m.advance("get_time\", \"arguments\": {\"hour24\": true}}\n"));
        BitSet mask = masker.allowed(m);
        assertTrue(mask.get(TOOL_CALL_END), "the closing marker may be its single added token");
        assertFalse(mask.get(IM_END), "the call is not closed yet");
        assertTrue(m.advance(texts[TOOL_CALL_END]) && m.isComplete());
        BitSet after = masker.allowed(m);
        assertTrue(after.get(IM_END), "a whole call may end the turn");
        assertFalse(after.get(TOOL_CALL), "<tool_call> only after the separating newline");
    }

    @Test
    void randomWalksAreValidCallsInEveryFamily() throws Exception {
        JsonNode tools = Json.MAPPER.readTree(TOOLS);
        RandomWalk walker = new RandomWalk(texts, masker, IM_END);
        Random rnd = new Random(11);
        for (ToolCallFormat f : ToolCallFormat.values()) {
            Grammar g = TemplateCallGrammar.anyOf(functions(), f.layout(), true, "test", WS);
            String prefill = TemplateCallGrammar.prefill(f.layout(), null);
            int ended = 0;
            for (int i = 0; i < 12; i++) {
                RandomWalk.Result w = walker.run(g, rnd, 3000, t -> { });
                if (!w.ended()) continue;
                ended++;
                ParsedReply parsed = f.parser(new SplittableRandom(i)).parse(prefill + w.text());
                assertFalse(parsed.failed() || parsed.toolCalls().isEmpty(), f + ": " + w.text());
                assertEquals(null, parsed.content(), f + ": nothing beside the calls: " + w.text());
                for (ToolCall call : parsed.toolCalls()) {
                    JsonNode schema = null;
                    for (JsonNode t : tools) if (t.at("/function/name").asText().equals(call.name())) schema = t.at("/function/parameters");
                    assertTrue(schema != null && SchemaCheck.valid(schema, Json.MAPPER.readTree(call.arguments())),
                            f + ": " + call.name() + " " + call.arguments());
                }
            }
            assertTrue(ended >= 9, f + ": " + ended + " of 12 walks ended");
        }
    }

    /** After a whole call, another parallel call may start only while there are tokens enough to close it. */
    @Test
    void aFurtherParallelCallStartsOnlyWhenItCanStillBeClosed() throws Exception {
        Grammar g = TemplateCallGrammar.anyOf(functions(), ToolCallFormat.HERMES.layout(), true, "test", WS);
        GrammarConstraint c = new GrammarConstraint(g, masker, texts);
        for (long id : tokenizer.encode("get_time\", \"arguments\": {\"hour24\": true}}\n</tool_call>", false)) c.accept((int) id);
        assertTrue(c.isComplete() && !c.finished());
        int newline = (int) tokenizer.encode("\n", false)[0];
        BitSet roomy = c.allowed(500), tight = c.allowed(30);
        assertTrue(roomy.get(newline) && roomy.get(IM_END));
        assertFalse(tight.get(newline), "a second call needs more than 30 tokens at worst");
        assertTrue(tight.get(IM_END));
    }
}
