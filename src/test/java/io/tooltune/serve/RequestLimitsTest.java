package io.tooltune.serve;

import io.tooltune.inference.Completion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A bad request costs the server little: bodies over the cap get 413, non-JSON bodies 415, foreign browser origins
 * 403, and prompts that cannot fit the context are refused before the tokenizer sees them.
 */
class RequestLimitsTest {
    static ChatServer server;
    /** Counts the tokenizer's calls, to show which refusals come before it. */
    static CountingBackend backend;

    static final class CountingBackend implements ModelBackend {
        final ModelBackend inner;
        volatile int counted;

        CountingBackend(ModelBackend inner) {
            this.inner = inner;
        }

        @Override public String modelId() { return inner.modelId(); }
        @Override public int contextLength() { return inner.contextLength(); }
        @Override public int countTokens(String prompt) { counted++; return inner.countTokens(prompt); }
        @Override public CompletableFuture<Completion> complete(Job job) { return inner.complete(job); }
        @Override public void close() { inner.close(); }
    }

    @BeforeAll
    static void start() throws Exception {
        backend = new CountingBackend(ScriptedBackend.load(ServeTestSupport.script(), "opt-tools", 400));
        server = new ChatServer(backend, "127.0.0.1", 0, new RequestLimits(10_000, List.of("http://allowed.example")));
        server.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> post(String body, String contentType, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ServeTestSupport.baseUrl(server) + "/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        if (origin != null) b.header("Origin", origin);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String user(String text) {
        return ServerErrorsTest.user(text) + "}";
    }

    @Test
    void bodiesOverTheCapAre413() throws Exception {
        ServerErrorsTest.error(post(user("x".repeat(20_000)), "application/json", null), 413, "request_too_large");
    }

    @Test
    void nonJsonBodiesAre415() throws Exception {
        ServerErrorsTest.error(post(user("hi"), "text/plain", null), 415, "unsupported_media_type");
        ServerErrorsTest.error(post(user("hi"), null, null), 415, "unsupported_media_type");
        assertEquals(200, post(user("hi"), "application/json; charset=utf-8", null).statusCode());
    }

    @Test
    void foreignOriginsAre403AndAllowedOnesGetCorsHeaders() throws Exception {
        ServerErrorsTest.error(post(user("hi"), "application/json", "http://evil.example"), 403, "origin_not_allowed");
        HttpResponse<String> ok = post(user("hi"), "application/json", "http://allowed.example");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("http://allowed.example", ok.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        HttpResponse<String> preflight = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(ServeTestSupport.baseUrl(server) + "/chat/completions"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://allowed.example").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, preflight.statusCode());
    }

    @Test
    void promptsThatCannotFitAreRefusedBeforeTokenizing() throws Exception {
        int before = backend.counted;
        // 400 tokens of context hold at most 400 * 256 characters; this body is under the byte cap of the default
        ChatServer big = new ChatServer(backend, "127.0.0.1", 0);
        big.start();
        try {
            String body = user("x".repeat(400 * RequestLimits.MAX_CHARS_PER_TOKEN + 1));
            ServerErrorsTest.error(ServeTestSupport.post(big, "/chat/completions", body), 400, "context_length_exceeded");
            StringBuilder many = new StringBuilder("{\"model\":\"opt-tools\",\"messages\":[");
            for (int i = 0; i < 400; i++) many.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":\"a\"}");
            ServerErrorsTest.error(ServeTestSupport.post(big, "/chat/completions", many + "]}"), 400, "context_length_exceeded");
            assertEquals(before, backend.counted, "no tokenizing");
            // a prompt within the bounds is tokenized and refused by its token count as before
            ServerErrorsTest.error(ServeTestSupport.post(big, "/chat/completions", user("word ".repeat(500))), 400, "context_length_exceeded");
            assertEquals(before + 1, backend.counted);
        } finally {
            big.close();
        }
    }
}
