package io.tooltune.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.tooltune.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which failures the client asks again, against a loopback endpoint that answers with a scripted list of statuses. */
class OpenAiClientTest {
    private HttpServer server;
    /** Status of each next answer; 200 (a reply whose content is the request number) once the list is used up. */
    private final List<Integer> statuses = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            int n = requests.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            int status = statuses.isEmpty() ? 200 : statuses.remove(0);
            byte[] body = (status == 200 ? "{\"choices\":[{\"message\":{\"content\":\"" + n + "\"}}]}" : "{\"error\":\"no\"}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private OpenAiClient client(int attempts) {
        return new OpenAiClient("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/", "k", Duration.ofSeconds(10),
                new OpenAiClient.Retry(attempts, Duration.ZERO));
    }

    private static String content(JsonNode r) {
        return r.at("/choices/0/message/content").asText();
    }

    @Test
    void retriesRateLimitsAndServerErrors() throws IOException {
        statuses.addAll(List.of(429, 503, 500));
        assertEquals("4", content(client(4).complete(Json.MAPPER.createObjectNode())));
        assertEquals(List.of("Bearer k", "Bearer k", "Bearer k", "Bearer k"), authorizations);
    }

    @Test
    void otherClientErrorsFailAtOnce() {
        statuses.addAll(List.of(400, 200));
        OpenAiClient.HttpStatusException e = assertThrows(OpenAiClient.HttpStatusException.class,
                () -> client(4).complete(Json.MAPPER.createObjectNode()));
        assertEquals(400, e.status());
        assertEquals(1, requests.get());
    }

    @Test
    void aRejectedReplyIsAskedAgainUntilTheAttemptsRunOut() throws IOException {
        OpenAiClient c = client(3);
        assertEquals("3", c.complete(Json.MAPPER.createObjectNode(), r -> {
            if (content(r).equals("3")) return content(r);
            throw new IOException("not yet");
        }));
        IOException e = assertThrows(IOException.class, () -> c.complete(Json.MAPPER.createObjectNode(), r -> {
            throw new IOException("never");
        }));
        assertTrue(e.getMessage().startsWith("failed after 3 attempts: java.io.IOException: never"), e.getMessage());
        assertEquals(6, requests.get());
    }

    @Test
    void withoutRetryOneTry() {
        statuses.add(503);
        OpenAiClient once = new OpenAiClient("http://127.0.0.1:" + server.getAddress().getPort() + "/v1", "", Duration.ofSeconds(10));
        assertThrows(OpenAiClient.HttpStatusException.class, () -> once.complete(Json.MAPPER.createObjectNode()));
        assertEquals(1, requests.get());
        assertEquals(List.of("null"), authorizations);
    }
}
