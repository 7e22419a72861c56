package io.tooltune.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native tool calling through each fixture template, both ways: the assistant turn Python's render shows is what the
 * model would generate; parsing it gives back the conversation's tool calls, and rendering the conversation with
 * the parsed calls (OpenAI form, arguments as JSON text) and the tool results reproduces Python's render.
 */
class ToolCallRoundTripTest {

    @SuppressWarnings("unchecked")
    @TestFactory
    List<DynamicTest> parsedCallsRenderBackToPythonsRender() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (var t : ChatTemplateFixtureTest.expected().get("templates").properties()) {
            JsonNode spec = t.getValue();
            String source = Files.readString(ChatTemplateFixtureTest.dir().resolve(spec.get("file").asText()));
            Map<String, Object> special = (Map<String, Object>) TemplateValues.of(spec.get("special_tokens"));
            ChatTemplate template = new ChatTemplate(source, special, ChatTemplateFixtureTest.FIXTURE_CLOCK);
            ToolCallParser parser = ToolCallFormat.detect(source).orElseThrow().parser(new Random(1));
            for (JsonNode c : spec.get("cases")) {
                String name = c.get("name").asText();
                if (!c.has("expected") || !(name.equals("tool_call_and_result") || name.equals("parallel_tool_calls_final_answer"))) continue;
                tests.add(DynamicTest.dynamicTest(t.getKey() + "/" + name, () -> {
                    String expected = c.get("expected").asText();
                    int turn = firstToolCallTurn(c.get("messages"));
                    ObjectNode prefixCase = c.deepCopy();
                    ArrayNode prefix = Json.MAPPER.createArrayNode();
                    for (int i = 0; i < turn; i++) prefix.add(c.get("messages").get(i));
                    prefixCase.set("messages", prefix);
                    prefixCase.put("add_generation_prompt", true);
                    String prompt = template.render(ChatTemplateFixtureTest.request(prefixCase));
                    assertTrue(expected.startsWith(prompt), "the prompt up to the call is a prefix of the full render");
                    String generated = expected.substring(prompt.length());
                    generated = generated.substring(0, generated.indexOf((String) special.get("eos_token")));

                    ParsedReply reply = parser.parse(generated);
                    assertFalse(reply.failed(), reply.error());
                    JsonNode calls = c.get("messages").get(turn).get("tool_calls");
                    assertEquals(calls.size(), reply.toolCalls().size());
                    ObjectNode rebuilt = c.deepCopy();
                    ArrayNode openAi = ((ObjectNode) rebuilt.get("messages").get(turn)).putArray("tool_calls");
                    for (int k = 0; k < calls.size(); k++) {
                        ToolCall call = reply.toolCalls().get(k);
                        assertEquals(calls.get(k).get("function").get("name").asText(), call.name());
                        assertEquals(calls.get(k).get("function").get("arguments"), Json.MAPPER.readTree(call.arguments()));
                        openAi.add(call.toOpenAi());
                    }
                    assertEquals(expected, template.render(ChatTemplateFixtureTest.request(rebuilt)));
                }));
            }
        }
        assertEquals(7, tests.size(), "two cases per template, less Llama 3.2's parallel calls (it raises)");
        return tests;
    }

    private static int firstToolCallTurn(JsonNode messages) {
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).path("tool_calls").isArray()) return i;
        }
        throw new AssertionError("no assistant tool calls");
    }
}
