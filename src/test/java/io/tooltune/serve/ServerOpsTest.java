package io.tooltune.serve;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import io.tooltune.Json;
import io.tooltune.inference.Completion;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What operators and browsers rely on: /health while loading, /metrics, CORS preflights, the key on every API route. */
class ServerOpsTest {
    private static HttpResponse<String> send(ChatServer server, HttpRequest.Builder b, String path) throws Exception {
        return HttpClient.newHttpClient().send(b.uri(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static ScriptedBackend scripted() {
        return ScriptedBackend.load(ServeTestSupport.script(), "opt-tools", 2048);
    }

    @Test
    void healthIs503WhileTheModelLoadsThen200() throws Exception {
        CountDownLatch loaded = new CountDownLatch(1);
        try (ChatServer server = ChatServer.loading("127.0.0.1", 0, RequestLimits.defaults())) {
            server.start();
            Thread loader = Thread.ofVirtual().start(() -> {
                try {
                    loaded.await();
                } catch (InterruptedException e) {
                    return;
                }
                server.ready(scripted(), PromptFormat.REACT);
            });
            HttpResponse<String> loading = send(server, HttpRequest.newBuilder().GET(), "/health");
            assertEquals(503, loading.statusCode());
            assertEquals("loading", Json.MAPPER.readTree(loading.body()).get("status").asText());
            ServerErrorsTest.error(ServeTestSupport.post(server, "/chat/completions", ServerErrorsTest.user("Hello") + "}"),
                    503, "model_loading");
            loaded.countDown();
            loader.join();
            HttpResponse<String> ready = send(server, HttpRequest.newBuilder().GET(), "/health");
            assertEquals(200, ready.statusCode());
            assertEquals("opt-tools", Json.MAPPER.readTree(ready.body()).get("model").asText());
            assertEquals(200, ServeTestSupport.post(server, "/chat/completions", ServerErrorsTest.user("Hello") + "}").statusCode());
        }
    }

    /** The samples of a Prometheus text exposition, by series (name and labels as written); comments checked for shape. */
    static Map<String, Double> samples(String exposition) {
        Map<String, Double> out = new HashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isEmpty()) continue;
            if (line.startsWith("#")) {
                assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE "), line);
                continue;
            }
            int space = line.lastIndexOf(' ');
            out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return out;
    }

    @Test
    void metricsCountRequestsTokensAndLatencies() throws Exception {
        try (ChatServer server = ServeTestSupport.start(scripted())) {
            HttpResponse<String> before = send(server, HttpRequest.newBuilder().GET(), "/metrics");
            assertEquals(200, before.statusCode());
            assertTrue(before.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            Map<String, Double> b = samples(before.body());
            String chatOk = "tooltune_requests_total{endpoint=\"/v1/chat/completions\",status=\"200\"}";
            assertEquals(null, b.get(chatOk));

            ChatCompletion c = ServeTestSupport.client(server).chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("opt-tools").addUserMessage("Hello there").build());
            ServerErrorsTest.error(ServeTestSupport.post(server, "/chat/completions", "{\"model\":\"opt-tools\"}"), 400, "invalid_value");

            Map<String, Double> a = samples(send(server, HttpRequest.newBuilder().GET(), "/metrics").body());
            assertEquals(1.0, a.get(chatOk));
            assertEquals(1.0, a.get("tooltune_requests_total{endpoint=\"/v1/chat/completions\",status=\"400\"}"));
            assertEquals((double) c.usage().orElseThrow().promptTokens(), a.get("tooltune_prompt_tokens_total"));
            assertEquals((double) c.usage().orElseThrow().completionTokens(), a.get("tooltune_completion_tokens_total"));
            assertEquals(1.0, a.get("tooltune_time_to_first_token_seconds_count"));
            assertEquals(1.0, a.get("tooltune_time_to_first_token_seconds_bucket{le=\"+Inf\"}"));
            assertEquals(0.0, a.get("tooltune_generations_in_flight"));
            assertTrue(a.containsKey("tooltune_time_per_output_token_seconds_count"));
        }
    }

    @Test
    void enginesThatReportLoadShowItInMetrics() throws Exception {
        ScriptedBackend script = scripted();
        ModelBackend busy = new ModelBackend() {
            @Override public String modelId() { return script.modelId(); }
            @Override public int contextLength() { return script.contextLength(); }
            @Override public int countTokens(String prompt) { return script.countTokens(prompt); }
            @Override public CompletableFuture<Completion> complete(Job job) { return script.complete(job); }
            @Override public Optional<EngineStats> engineStats() { return Optional.of(new EngineStats(3, 2, 0.25)); }
            @Override public void close() { }
        };
        try (ChatServer server = ServeTestSupport.start(busy)) {
            Map<String, Double> m = samples(send(server, HttpRequest.newBuilder().GET(), "/metrics").body());
            assertEquals(3.0, m.get("tooltune_num_requests_running"));
            assertEquals(2.0, m.get("tooltune_num_requests_waiting"));
            assertEquals(0.25, m.get("tooltune_kv_cache_usage_ratio"));
        }
    }

    @Test
    void preflightsAreAnsweredForAllowedOriginsOnly() throws Exception {
        try (ChatServer server = new ChatServer(scripted(), "127.0.0.1", 0, new RequestLimits(10_000, List.of("http://app.example")))) {
            server.requireApiKey("k").start();
            HttpRequest.Builder preflight = HttpRequest.newBuilder().method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "http://app.example").header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "authorization,content-type,x-stainless-os");
            HttpResponse<String> ok = send(server, preflight, "/v1/responses");
            assertEquals(204, ok.statusCode(), "a preflight needs no key");
            assertEquals("http://app.example", ok.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
            assertTrue(ok.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"));
            assertEquals("authorization,content-type,x-stainless-os", ok.headers().firstValue("Access-Control-Allow-Headers").orElse(""));

            HttpResponse<String> refused = send(server, HttpRequest.newBuilder().method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "http://evil.example").header("Access-Control-Request-Method", "POST"), "/v1/responses");
            ServerErrorsTest.error(refused, 403, "origin_not_allowed");
            assertTrue(refused.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        }
    }

    @Test
    void theKeyGuardsEveryApiRouteButNotHealthOrMetrics() throws Exception {
        try (ChatServer server = ServeTestSupport.start(scripted()).requireApiKey("s3cret")) {
            OpenAIClient wrong = OpenAIOkHttpClient.builder().baseUrl(ServeTestSupport.baseUrl(server)).apiKey("guess").maxRetries(0).build();
            OpenAIClient right = OpenAIOkHttpClient.builder().baseUrl(ServeTestSupport.baseUrl(server)).apiKey("s3cret").maxRetries(0).build();
            ResponseCreateParams response = ResponseCreateParams.builder().model("opt-tools").input("Hello").build();
            CompletionCreateParams completion = CompletionCreateParams.builder().model("opt-tools").prompt("Hello").build();
            assertEquals(401, assertThrows(UnauthorizedException.class, () -> wrong.responses().create(response)).statusCode());
            assertEquals(401, assertThrows(UnauthorizedException.class, () -> wrong.completions().create(completion)).statusCode());
            assertEquals(1, right.responses().create(response).output().size());
            assertEquals(1, right.completions().create(completion).choices().size());
            assertEquals(200, send(server, HttpRequest.newBuilder().GET(), "/health").statusCode());
            assertEquals(401, send(server, HttpRequest.newBuilder().GET(), "/%761/models").statusCode(), "no way round the key");
            assertEquals(401, send(server, HttpRequest.newBuilder().GET(), "/elsewhere").statusCode());
            HttpResponse<String> metrics = send(server, HttpRequest.newBuilder().GET(), "/metrics");
            assertEquals(200, metrics.statusCode());
            Map<String, Double> m = samples(metrics.body());
            assertEquals(1.0, m.get("tooltune_requests_total{endpoint=\"/v1/responses\",status=\"401\"}"), "refusals are counted");
            assertEquals(1.0, m.get("tooltune_requests_total{endpoint=\"/v1/completions\",status=\"200\"}"));
        }
    }

    @Test
    void wrongMethodsAndUnknownRoutesAreOpenAiErrors() throws Exception {
        try (ChatServer server = ServeTestSupport.start(scripted())) {
            ServerErrorsTest.error(ServeTestSupport.get(server, "/responses"), 405, "method_not_allowed");
            ServerErrorsTest.error(ServeTestSupport.get(server, "/completions"), 405, "method_not_allowed");
            ServerErrorsTest.error(ServeTestSupport.get(server, "/embeddings"), 404, "not_found");
            ServerErrorsTest.error(ServeTestSupport.get(server, "/models/nope"), 404, "not_found");
            Map<String, Double> m = samples(send(server, HttpRequest.newBuilder().GET(), "/metrics").body());
            assertEquals(1.0, m.get("tooltune_requests_total{endpoint=\"other\",status=\"404\"}"));
        }
    }
}
