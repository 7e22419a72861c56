package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.tooltune.Json;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** serve --api-key: OpenAI's 401 for a missing or wrong key, the API as usual with the right one; /health needs none. */
class ApiKeyTest {

    private static OpenAIClient client(ChatServer server, String key) {
        return OpenAIOkHttpClient.builder().baseUrl(ServeTestSupport.baseUrl(server)).apiKey(key).maxRetries(0).build();
    }

    @Test
    void onlyTheRightKeyReachesTheModel() throws Exception {
        try (ChatServer server = new ChatServer(ScriptedBackend.load(ServeTestSupport.script(), "opt-tools", 2048), "127.0.0.1", 0)
                .requireApiKey("s3cret")) {
            server.start();
            ChatCompletionCreateParams hello = ChatCompletionCreateParams.builder().model("opt-tools").addUserMessage("Hello").build();
            UnauthorizedException wrong = assertThrows(UnauthorizedException.class,
                    () -> client(server, "guess").chat().completions().create(hello));
            assertEquals(401, wrong.statusCode());
            HttpResponse<String> raw = ServeTestSupport.post(server, "/chat/completions",
                    "{\"model\":\"opt-tools\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
            assertEquals(401, raw.statusCode());
            assertEquals("invalid_api_key", Json.MAPPER.readTree(raw.body()).at("/error/code").asText());
            assertThrows(UnauthorizedException.class, () -> client(server, "guess").models().list());
            assertEquals(1, client(server, "s3cret").chat().completions().create(hello).choices().size());

            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/health")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            JsonNode body = Json.MAPPER.readTree(health.body());
            assertEquals("ok", body.get("status").asText());
        }
    }
}
