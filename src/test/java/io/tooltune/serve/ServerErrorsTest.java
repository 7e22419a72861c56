package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gets OpenAI-style 4xx errors, bad model output gets a plain message, and the server stays up. */
class ServerErrorsTest {
    @RegisterExtension
    static final ScriptedServer scripted = new ScriptedServer(400);

    static JsonNode error(HttpResponse<String> r, int status, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode err = Json.MAPPER.readTree(r.body()).get("error");
        assertEquals(code, err.get("code").asText());
        assertTrue(err.get("message").asText().length() > 5);
        assertTrue(err.has("type"));
        return err;
    }

    static String user(String text) {
        return "{\"model\":\"opt-tools\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]";
    }

    @Test
    void badRequestsAreOpenAiErrors() throws Exception {
        error(ServeTestSupport.post(scripted.server(), "/chat/completions", "{\"model\": \"opt-tools\", \"messages\": ["), 400, "invalid_json");
        error(ServeTestSupport.post(scripted.server(), "/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                404, "model_not_found");
        error(ServeTestSupport.post(scripted.server(), "/chat/completions", user("hi") + ",\"n\":0}"), 400, "invalid_value");
        error(ServeTestSupport.post(scripted.server(), "/chat/completions", user("hi") + ",\"functions\":[]}"), 400, "unsupported_parameter");
        error(ServeTestSupport.post(scripted.server(), "/chat/completions", user("hi") + ",\"temperature\":\"hot\"}"), 400, "invalid_type");
        error(ServeTestSupport.post(scripted.server(), "/chat/completions", user("hi") + ",\"tool_choice\":\"required\"}"), 400, "invalid_value");
        error(ServeTestSupport.post(scripted.server(), "/chat/completions", "{\"model\":\"opt-tools\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}"),
                400, "invalid_value");
        error(ServeTestSupport.post(scripted.server(), "/chat/completions", "{\"model\":\"opt-tools\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}"),
                400, "invalid_value");
        error(ServeTestSupport.post(scripted.server(), "/chat/completions", user("word ".repeat(500)) + "}"), 400, "context_length_exceeded");
        error(ServeTestSupport.post(scripted.server(), "/chat/completions", user("hi") + ",\"max_tokens\":100000}"), 400, "context_length_exceeded");
        error(ServeTestSupport.get(scripted.server(), "/chat/completions"), 405, "method_not_allowed");
        error(ServeTestSupport.get(scripted.server(), "/nothing"), 404, "not_found");

        HttpResponse<String> models = ServeTestSupport.get(scripted.server(), "/models");
        assertEquals(200, models.statusCode());
        assertEquals("opt-tools", Json.MAPPER.readTree(models.body()).at("/data/0/id").asText());
    }

    @Test
    void invalidCallsBecomePlainMessages() throws Exception {
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]}";
        HttpResponse<String> r = ServeTestSupport.post(scripted.server(), "/chat/completions", user("call an unknown function") + tools);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode choice = Json.MAPPER.readTree(r.body()).at("/choices/0");
        assertEquals("stop", choice.get("finish_reason").asText());
        assertEquals("Thought: \nAction: launch_rocket\nAction Input: {\"target\": \"moon\"}", choice.at("/message/content").asText());
        assertTrue(choice.at("/message/tool_calls").isMissingNode());

        r = ServeTestSupport.post(scripted.server(), "/chat/completions", user("anything else") + tools);
        assertEquals("I am not sure what to do", Json.MAPPER.readTree(r.body()).at("/choices/0/message/content").asText());

        r = ServeTestSupport.post(scripted.server(), "/chat/completions", user("anything else") + ",\"max_tokens\":2}");
        JsonNode cut = Json.MAPPER.readTree(r.body()).at("/choices/0");
        assertEquals("length", cut.get("finish_reason").asText());
        assertEquals("I am", cut.at("/message/content").asText());
    }

    @Test
    void toolChoiceNoneRefusesCalls() throws Exception {
        String body = user("weather in Paris") + ",\"tool_choice\":\"none\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}]}";
        JsonNode choice = Json.MAPPER.readTree(ServeTestSupport.post(scripted.server(), "/chat/completions", body).body()).at("/choices/0");
        assertEquals("stop", choice.get("finish_reason").asText());
        assertTrue(choice.at("/message/content").asText().contains("Action: get_weather"));
    }
}
