package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sampling parameters over HTTP against the scripted backend: validation naming the param, n, stop, usage. */
class SamplingParamsTest {
    @RegisterExtension
    static final ScriptedServer scripted = new ScriptedServer(400);

    private static String ask(String text, String extra) {
        return "{\"model\":\"opt-tools\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]" + extra + "}";
    }

    private static void refused(String extra, String param, String code) throws Exception {
        HttpResponse<String> r = ServeTestSupport.post(scripted.server(), "/chat/completions", ask("Hello", extra));
        assertEquals(400, r.statusCode(), extra + ": " + r.body());
        JsonNode err = Json.MAPPER.readTree(r.body()).get("error");
        assertEquals(param, err.get("param").asText(), r.body());
        assertEquals(code, err.get("code").asText(), r.body());
        assertTrue(err.get("message").asText().startsWith(param + ": "), r.body());
    }

    @Test
    void outOfRangeValuesAreRefusedNamingTheParam() throws Exception {
        refused(",\"presence_penalty\":2.5", "presence_penalty", "invalid_value");
        refused(",\"frequency_penalty\":-2.01", "frequency_penalty", "invalid_value");
        refused(",\"frequency_penalty\":\"high\"", "frequency_penalty", "invalid_type");
        refused(",\"logit_bias\":{\"abc\":1}", "logit_bias", "invalid_value");
        refused(",\"logit_bias\":{\"-3\":1}", "logit_bias", "invalid_value");
        refused(",\"logit_bias\":{\"5\":101}", "logit_bias", "invalid_value");
        refused(",\"logit_bias\":[1]", "logit_bias", "invalid_type");
        refused(",\"top_logprobs\":2", "top_logprobs", "invalid_value");
        refused(",\"logprobs\":true,\"top_logprobs\":21", "top_logprobs", "invalid_value");
        refused(",\"logprobs\":\"yes\"", "logprobs", "invalid_type");
        refused(",\"n\":0", "n", "invalid_value");
        refused(",\"n\":" + (ChatRequest.MAX_N + 1), "n", "invalid_value");
        refused(",\"n\":1.5", "n", "invalid_type");
    }

    @Test
    void logitBiasKeysMustBeTokenIdsOfTheVocabulary() {
        ChatRequest req = ChatRequest.parse(Json.MAPPER.valueToTree(Map.of("model", "m",
                "messages", List.of(Map.of("role", "user", "content", "hi")),
                "logit_bias", Map.of("99", -100, "100", 5))));
        req.checkLogitBias(101);
        ApiException e = assertThrows(ApiException.class, () -> req.checkLogitBias(100));
        assertEquals("logit_bias", e.param());
        assertTrue(e.getMessage().contains("token id 100"), e.getMessage());
    }

    @Test
    void nChoicesEachWithItsIndexAndUsageOverAll() throws Exception {
        JsonNode one = Json.MAPPER.readTree(ServeTestSupport.post(scripted.server(), "/chat/completions", ask("Hello", "")).body());
        JsonNode three = Json.MAPPER.readTree(ServeTestSupport.post(scripted.server(), "/chat/completions", ask("Hello", ",\"n\":3")).body());
        assertEquals(3, three.get("choices").size());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, three.at("/choices/" + i + "/index").asInt());
            assertEquals("Hello! How can I help you today?", three.at("/choices/" + i + "/message/content").asText());
        }
        assertEquals(one.at("/usage/prompt_tokens").asInt(), three.at("/usage/prompt_tokens").asInt());
        assertEquals(3 * one.at("/usage/completion_tokens").asInt(), three.at("/usage/completion_tokens").asInt());
        assertTrue(three.at("/choices/0/logprobs").isNull(), "no logprobs unless asked for");

        String events = ServeTestSupport.post(scripted.server(), "/chat/completions", ask("Hello", ",\"n\":2,\"stream\":true")).body();
        StringBuilder[] contents = {new StringBuilder(), new StringBuilder()};
        int finishes = 0;
        for (String line : events.split("\n")) {
            if (!line.startsWith("data: {")) continue;
            JsonNode choice = Json.MAPPER.readTree(line.substring(6)).at("/choices/0");
            if (choice.isMissingNode()) continue;
            contents[choice.get("index").asInt()].append(choice.at("/delta/content").asText(""));
            if (!choice.get("finish_reason").isNull()) finishes++;
        }
        assertEquals(2, finishes);
        for (StringBuilder c : contents) assertEquals("Hello! How can I help you today?", c.toString());
    }

    @Test
    void stopAppliesToTheVisibleAnswerNotTheReActText() throws Exception {
        // "\n" would end the raw ReAct text right after "Thought: "; the answer itself has no newline
        JsonNode whole = Json.MAPPER.readTree(ServeTestSupport.post(scripted.server(), "/chat/completions", ask("Hello", ",\"stop\":[\"\\n\"]")).body());
        assertEquals("Hello! How can I help you today?", whole.at("/choices/0/message/content").asText());
        assertEquals("stop", whole.at("/choices/0/finish_reason").asText());
        JsonNode cut = Json.MAPPER.readTree(ServeTestSupport.post(scripted.server(), "/chat/completions", ask("Hello", ",\"stop\":[\"help\",\"!\"]")).body());
        assertEquals("Hello", cut.at("/choices/0/message/content").asText());
        assertEquals("stop", cut.at("/choices/0/finish_reason").asText());
    }

    @Test
    void aScriptHasNoLogprobsToReport() throws Exception {
        JsonNode r = Json.MAPPER.readTree(ServeTestSupport.post(scripted.server(), "/chat/completions", ask("Hello", ",\"logprobs\":true")).body());
        assertEquals(0, r.at("/choices/0/logprobs/content").size());
        assertTrue(r.at("/choices/0/logprobs/refusal").isNull());
    }
}
