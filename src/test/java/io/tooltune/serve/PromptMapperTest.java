package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptMapperTest {
    static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather\\nnow\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}]";

    static PromptMapper.Rendered render(String json) throws Exception {
        return PromptMapper.render(ChatRequest.parse(Json.MAPPER.readTree(json)));
    }

    @Test
    void systemPromptMatchesToolBenchPreprocessing() throws Exception {
        JsonNode instance = Json.MAPPER.readTree(Shared.path("data/toolbench/expected_toolllama_instances.json").toFile()).get(0);
        String system = instance.at("/conversations/0/value").asText();
        String head = system.substring(0, system.indexOf("Specifically, you have access to the following APIs: ") + 53);
        String id = instance.get("id").asText();
        String query = id.substring(id.indexOf(": ") + 2);
        String request = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":" + Json.MAPPER.writeValueAsString(query) + "}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"transitaires\","
                + "\"description\":\"Transitaires de d\u00e9douanement en Nouvelle-Cal\u00e9donie\"}}]}";
        String prompt = render(request).prompt();
        assertEquals("System: " + head, prompt.substring(0, head.length() + 8));
        String user = "\nUser: " + instance.at("/conversations/1/value").asText() + "\nAssistant:\n";
        assertTrue(prompt.endsWith(user), prompt.substring(prompt.length() - 300));
    }

    @Test
    void conversationRendersAsToolLlama() throws Exception {
        PromptMapper.Rendered r = render("{\"model\":\"m\"," + TOOLS + ",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"{\\\"temp_c\\\":18} é\"},"
                + "{\"role\":\"assistant\",\"content\":\"18 C.\"},"
                + "{\"role\":\"user\",\"content\":\"Thanks\"}]}");
        String prompt = r.prompt();
        String sys = prompt.substring(0, prompt.indexOf("\nUser: "));
        assertTrue(sys.startsWith("System: You are AutoGPT"));
        assertTrue(sys.contains("You have access of the following tools:\n1.get_weather: Weathernow\n\nBe brief.\nSpecifically, you have access to the following APIs: "
                + "[{'name': 'get_weather', 'description': 'Weather\\nnow', 'parameters': {'type': 'object', 'properties': {'city': {'type': 'string'}}, 'required': ['city']}}, "
                + "{'name': 'Finish', 'description': 'If you believe"), sys);
        assertEquals("\nUser: \nWeather in Paris?\nBegin!\n\n"
                + "Assistant: \nThought: \nAction: get_weather\nAction Input: {\"city\":\"Paris\"}\n"
                + "Function: {\"error\": \"\", \"response\": \"{\\\"temp_c\\\":18} \\u00e9\"}\n"
                + "Assistant: \nThought: \nAction: Finish\nAction Input: {\n  \"return_type\": \"give_answer\",\n  \"final_answer\": \"18 C.\"\n}\n"
                + "User: \nThanks\nBegin!\n\n"
                + "Assistant:\n", prompt.substring(sys.length()));
        assertEquals("", r.prefill());
        assertEquals(Set.of("get_weather"), r.callable());
    }

    @Test
    void toolChoiceShapesThePrompt() throws Exception {
        String user = ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        PromptMapper.Rendered none = render("{\"model\":\"m\"," + TOOLS + user + ",\"tool_choice\":\"none\"}");
        assertFalse(none.prompt().contains("'name': 'get_weather'"));
        assertTrue(none.prompt().contains("'name': 'Finish'"));
        assertTrue(none.callable().isEmpty());
        PromptMapper.Rendered required = render("{\"model\":\"m\"," + TOOLS + user + ",\"tool_choice\":\"required\"}");
        assertTrue(required.prompt().contains("'name': 'get_weather'"));
        assertFalse(required.prompt().contains("'name': 'Finish'"));
        PromptMapper.Rendered named = render("{\"model\":\"m\"," + TOOLS + user
                + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}}");
        assertTrue(named.prompt().endsWith("Assistant:\nThought: \nAction: get_weather\nAction Input: "));
        assertEquals(Set.of("get_weather"), named.callable());
        AssistantReply reply = ReplyMapper.map(named.prefill() + "{\"city\": \"Oslo\"}", named.callable(), false);
        assertEquals("{\"city\":\"Oslo\"}", reply.toolCalls().get(0).arguments());
    }

    @Test
    void aClientsOwnFinishReplacesTheBuiltInOne() throws Exception {
        String finish = "{\"type\":\"function\",\"function\":{\"name\":\"Finish\",\"description\":\"Client finish\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"return_type\":{\"type\":\"string\"}}}}}";
        String tools = TOOLS.substring(0, TOOLS.length() - 1) + "," + finish + "]";
        PromptMapper.Rendered r = render("{\"model\":\"m\"," + tools + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertTrue(r.prompt().contains("'name': 'Finish', 'description': 'Client finish'"), r.prompt());
        assertEquals(1, r.prompt().split("'name': 'Finish'", -1).length - 1, "one Finish in the function list");
        assertEquals(Set.of("get_weather", "Finish"), r.callable());
    }
}
