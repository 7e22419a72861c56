package io.tooltune.generate.constrain;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.data.ReactParser;
import io.tooltune.data.python.PythonLiteral;
import io.tooltune.data.ToolLlamaPrompt;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.tooltune.generate.constrain.JsonSchemaGrammarTest.accepts;
import static io.tooltune.generate.constrain.JsonSchemaGrammarTest.firstRejected;
import static io.tooltune.generate.constrain.JsonSchemaGrammarTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToolCallGrammarTest {
    private static final int WS = JsonSchemaGrammar.DEFAULT_MAX_WHITESPACE;
    private static final String TOOLS = """
            [{"type": "function", "function": {"name": "get_weather",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"},
                             "units": {"enum": ["celsius", "fahrenheit"]}}, "required": ["city"]}}},
             {"type": "function", "function": {"name": "get_time"}},
             {"type": "function", "function": {"name": "get_weather_history",
              "parameters": {"type": "object", "properties": {"days": {"type": "integer"}}, "required": ["days"]}}}]""";

    private static List<ToolCallGrammar.Function> tools() {
        return ToolCallGrammar.functions(json(TOOLS), "test");
    }

    @Test
    void openAiCallsNameAnOfferedFunctionThenItsArguments() {
        Grammar g = ToolCallGrammar.openAi(tools(), "test", WS);
        assertTrue(accepts(g, "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"units\": \"celsius\"}}"));
        assertTrue(accepts(g, "{\"name\":\"get_time\",\"arguments\":{}}"));
        assertTrue(accepts(g, "{\"name\": \"get_weather_history\", \"arguments\": {\"days\": 3}}"));
        assertEquals(10, firstRejected(g, "{\"name\": \"set_alarm\", \"arguments\": {}}"));
        String extra = "{\"name\": \"get_time\", \"arguments\": {\"x\": 1}}";
        assertEquals(extra.indexOf("\"x\""), firstRejected(g, extra));
        String wrongArgs = "{\"name\": \"get_weather\", \"arguments\": {\"days\": 3}}";
        assertEquals(wrongArgs.indexOf("days"), firstRejected(g, wrongArgs));
        assertEquals(2, firstRejected(g, "{\"arguments\": {}, \"name\": \"get_time\"}"));
    }

    @Test
    void reactActionIsANameLineThenActionInputWithValidArguments() {
        Grammar g = ToolCallGrammar.reactAction(tools(), "test", WS);
        assertTrue(accepts(g, "get_weather\nAction Input: {\"city\": \"Paris\"}"));
        assertTrue(accepts(g, "get_time\nAction Input: {}"));
        assertEquals(8, firstRejected(g, "get_time \nAction Input: {}"));
        String missing = "get_weather\nAction Input: {\"units\": \"celsius\"}";
        assertEquals(missing.indexOf("units"), firstRejected(g, missing), "city is required and comes first");
        assertEquals(0, firstRejected(g, " get_time\nAction Input: {}"));
    }

    @Test
    void reactReplyThoughtsMayNotHoldTheMarkersReactParserCutsAt() {
        Grammar g = ToolCallGrammar.reactReply(tools(), "test", WS);
        String call = "\nAction: get_time\nAction Input: {}";
        assertTrue(accepts(g, "Thought: " + call));
        assertTrue(accepts(g, "\nThought: I need the time.\nSo: Actions speak; Action Input later." + call));
        String bad = "Thought: my Action: get_time" + call;
        assertEquals(bad.indexOf("Action: ") + 7, firstRejected(g, bad));
        String bad2 = "Thought: Action Input: x" + call;
        assertEquals(bad2.indexOf("Action Input: ") + 13, firstRejected(g, bad2));
        Matcher m = g.matcher();
        assertTrue(m.advance("Thought: ok\nAction: get_weather\nAction Input: {\"city\": \"Nice\"}"));
        assertTrue(m.isFinished(), "nothing may follow the arguments");
    }

    @Test
    void badFunctionListsAreRefusedAndSchemaErrorsNameTheFunction() {
        assertThrows(BadInputException.class, () -> ToolCallGrammar.functions(json("[]"), "test"));
        assertThrows(BadInputException.class, () -> ToolCallGrammar.functions(json("[{\"name\": \"a\"}, {\"name\": \"a\"}]"), "test"));
        List<ToolCallGrammar.Function> fs = ToolCallGrammar.functions(
                json("[{\"name\": \"f\", \"parameters\": {\"type\": \"string\", \"format\": \"date\"}}]"), "request tools");
        BadInputException e = assertThrows(BadInputException.class, () -> ToolCallGrammar.openAi(fs, "request tools", WS));
        assertEquals("request tools: function \"f\" parameters: JSON schema: unsupported keyword \"format\"", e.getMessage());
    }

    /**
     * Every real ToolLLaMA training reply (ToolBench's preprocessing of real DFSDT trees) is accepted by the ReAct
     * grammar of the functions its prompt offered exactly when ReactParser reads it as a call to an offered function
     * with arguments valid for it.
     */
    @Test
    void realToolLlamaRepliesAreAcceptedExactlyWhenTheyAreValidCalls() throws Exception {
        JsonNode instances = Json.MAPPER.readTree(Shared.path("data/toolbench/expected_toolllama_instances.json").toFile());
        int replies = 0, valid = 0;
        List<String> mismatches = new ArrayList<>();
        for (JsonNode inst : instances) {
            JsonNode convs = inst.get("conversations");
            String system = convs.get(0).get("value").asText();
            String list = system.substring(system.indexOf(ToolLlamaPrompt.FUNCTIONS_PREFIX) + ToolLlamaPrompt.FUNCTIONS_PREFIX.length());
            JsonNode functionDicts = PythonLiteral.parse(list);
            Grammar g = ToolCallGrammar.reactReply(ToolCallGrammar.functions(functionDicts, "test"), "test", WS);
            for (JsonNode turn : convs) {
                if (!turn.get("from").asText().equals("assistant")) continue;
                String reply = turn.get("value").asText();
                replies++;
                boolean isValid = validCall(reply, functionDicts);
                if (isValid) valid++;
                if (isValid != accepts(g, reply)) mismatches.add(reply);
            }
        }
        assertEquals(List.of(), mismatches);
        assertTrue(replies == 124 && valid > 100, replies + " replies, " + valid + " valid");
    }

    /** A random "model" constrained by the ReAct grammar always writes a call ReactParser reads as valid. */
    @Test
    void randomReactWalksAreValidCalls() {
        List<ToolCallGrammar.Function> fs = tools();
        Grammar g = ToolCallGrammar.reactAction(fs, "test", WS);
        Random rnd = new Random(7);
        int ended = 0;
        for (int i = 0; i < 30; i++) {
            RandomWalk.Result w = OptVocabulary.walker().run(g, rnd, 3000, t -> { });
            if (!w.ended()) continue;
            ended++;
            assertTrue(validCall("Thought: \nAction: " + w.text(), functionDicts()), w.text());
        }
        assertTrue(ended >= 25, ended + " of 30 ended");
        Grammar openAi = ToolCallGrammar.openAi(fs, "test", WS);
        for (int i = 0; i < 20; i++) {
            RandomWalk.Result w = OptVocabulary.walker().run(openAi, rnd, 3000, t -> { });
            if (!w.ended()) continue;
            JsonNode call = TokenMaskerTest.parse(w.text());
            JsonNode params = parameters(functionDicts(), call.get("name").asText());
            assertTrue(params != null && SchemaCheck.valid(params, call.get("arguments")), w.text());
        }
    }

    private static JsonNode functionDicts() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode t : json(TOOLS)) out.add(t.get("function"));
        return Json.MAPPER.valueToTree(out);
    }

    private static JsonNode parameters(JsonNode functionDicts, String name) {
        for (JsonNode f : functionDicts) {
            if (f.get("name").asText().equals(name)) {
                return f.has("parameters") ? f.get("parameters") : json("{\"type\": \"object\", \"additionalProperties\": false}");
            }
        }
        return null;
    }

    private static boolean validCall(String reply, JsonNode functionDicts) {
        ReactParser.Parsed p = ReactParser.parse(reply);
        JsonNode params = parameters(functionDicts, p.action());
        if (params == null) return false;
        JsonNode args;
        try {
            args = Json.MAPPER.readTree(p.actionInput());
        } catch (Exception e) {
            return false;
        }
        return args != null && SchemaCheck.valid(params, args);
    }
}
