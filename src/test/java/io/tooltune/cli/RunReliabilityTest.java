package io.tooltune.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.tooltune.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code run} against an OpenAI-compatible endpoint that fails: failures are retried, then leave the query pending
 * (no answer file, exit 1), refused credentials stop the run naming the endpoint, and a rerun after the outage
 * completes the pending queries.
 */
class RunReliabilityTest {
    /** HTTP status the endpoint answers with while {@link #outage} is set. */
    private volatile int outageStatus = 503;
    private final AtomicInteger outage = new AtomicInteger(), requests = new AtomicInteger();
    private HttpServer endpoint;
    @TempDir
    Path dir;

    /** Answers every call with Finish give_answer, except the next {@code outage} calls, which fail. */
    @BeforeEach
    void startEndpoint() throws IOException {
        endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        endpoint.createContext("/v1/chat/completions", ex -> {
            ex.getRequestBody().readAllBytes();
            requests.incrementAndGet();
            byte[] b;
            int status;
            if (outage.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                status = outageStatus;
                b = "{\"error\":{\"message\":\"scripted failure\"}}".getBytes();
            } else {
                ObjectNode resp = Json.MAPPER.createObjectNode();
                ObjectNode msg = resp.putArray("choices").addObject().putObject("message").put("role", "assistant")
                        .put("content", "I know the answer.");
                msg.putArray("tool_calls").addObject().put("id", "c1").put("type", "function").putObject("function")
                        .put("name", "Finish").put("arguments", "{\"return_type\": \"give_answer\", \"final_answer\": \"42\"}");
                b = Json.MAPPER.writeValueAsBytes(resp);
                status = 200;
            }
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        endpoint.start();
    }

    @AfterEach
    void stopEndpoint() {
        endpoint.stop(0);
    }

    private Path queries() throws IOException {
        ArrayNode qs = Json.MAPPER.createArrayNode();
        for (String id : new String[]{"q1", "q2"}) {
            ObjectNode q = qs.addObject().put("query", "What is the answer for " + id + "?").put("query_id", id);
            q.putArray("api_list").addObject().put("category_name", "Data").put("tool_name", "Answers")
                    .put("api_name", "lookup").put("api_description", "Looks answers up").put("method", "GET")
                    .putArray("required_parameters");
        }
        Path f = dir.resolve("queries.json");
        Json.MAPPER.writeValue(f.toFile(), qs);
        return f;
    }

    private CliRun run(String url) throws IOException {
        return CliRun.of("run", "--queries", queries().toString(), "--openai-url", url, "--openai-model", "m",
                "--method", "cot", "--api-embedded", "--cache", dir.resolve("cache.sqlite").toString(),
                "--output", dir.resolve("out").toString(), "--batch-size", "1", "--openai-attempts", "3",
                "--openai-backoff-ms", "0");
    }

    private String url() {
        return "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/v1";
    }

    private boolean answered(String id) {
        return Files.exists(dir.resolve("out/" + id + "_CoT@1.json"));
    }

    @Test
    void transientFailuresAreRetried() throws Exception {
        outage.set(2); // the first call fails twice, its third try succeeds
        CliRun r = run(url());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2 answered"), r.out());
        assertTrue(answered("q1") && answered("q2"));
        assertEquals(4, requests.get());
    }

    @Test
    void anOutageLeavesQueriesPendingAndARerunCompletesThem() throws Exception {
        outage.set(1_000);
        CliRun down = run(url());
        assertEquals(1, down.code(), down.out() + down.err());
        assertTrue(down.out().contains("2 failed (pending"), down.out());
        assertTrue(down.err().contains("query q1: pending") && down.err().contains("HTTP 503"), down.err());
        assertFalse(answered("q1") || answered("q2"), "no answer file for a failed query");
        assertEquals(6, requests.get(), "three tries per query");

        outage.set(0);
        CliRun up = run(url());
        assertEquals(0, up.code(), up.err());
        assertTrue(up.out().contains("2 queries (0 already done): 2 answered"), up.out());
        assertTrue(answered("q1") && answered("q2"));
    }

    /** A run while the endpoint answers {@code status} to every call; the run must fail (exit 1). */
    private CliRun runDuringOutageOf(int status) throws IOException {
        outageStatus = status;
        outage.set(1_000);
        CliRun r = run(url());
        assertEquals(1, r.code(), r.err());
        return r;
    }

    @Test
    void tooManyRequestsIsRetriedLikeAnOutage() throws Exception {
        CliRun r = runDuringOutageOf(429);
        assertTrue(r.err().contains("HTTP 429"), r.err());
        assertEquals(6, requests.get());
    }

    @Test
    void refusedCredentialsStopTheRunNamingTheEndpoint() throws Exception {
        CliRun r = runDuringOutageOf(401);
        assertTrue(r.err().contains(url() + "/chat/completions refused the credentials (HTTP 401"), r.err());
        assertEquals(1, requests.get(), "no retry and no second query after a 401");
        assertFalse(answered("q1") || answered("q2"));
    }

    @Test
    void aDeadEndpointLeavesQueriesPending() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRun r = run("http://127.0.0.1:" + port + "/v1");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.out().contains("2 failed (pending"), r.out());
        assertTrue(r.err().contains("127.0.0.1:" + port), r.err());
        assertFalse(answered("q1") || answered("q2"));
    }

    @Test
    void aQueryFileWithNoUsableQueryIsRefused() throws Exception {
        Path notJson = Files.writeString(dir.resolve("q.json"), "{\"query\": ");
        CliRun r = CliRun.of("run", "--queries", notJson.toString(), "--openai-url", url(), "--openai-model", "m",
                "--method", "cot", "--api-embedded", "--cache", dir.resolve("cache.sqlite").toString(),
                "--output", dir.resolve("out").toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("tooltune: " + notJson + ": no usable queries (1 read, 1 skipped, reasons above)"), r.err());
        assertEquals(0, requests.get());
    }
}
