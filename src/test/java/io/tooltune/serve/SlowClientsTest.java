package io.tooltune.serve;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.tooltune.inference.Completion;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Completions slower than the heartbeat: clients must accept the heartbeats (spaces before the JSON, SSE comments),
 * and a client that disconnects gets its pending completion cancelled.
 */
class SlowClientsTest {
    /** Answers after {@code delayMs}, remembering every future it handed out. */
    static final class SlowBackend implements ModelBackend {
        final long delayMs;
        final List<CompletableFuture<Completion>> futures = new CopyOnWriteArrayList<>();

        SlowBackend(long delayMs) {
            this.delayMs = delayMs;
        }

        @Override public String modelId() { return "slow"; }
        @Override public int contextLength() { return 100_000; }
        @Override public int countTokens(String prompt) { return prompt.length() / 4; }
        @Override public void close() { }

        @Override
        public CompletableFuture<Completion> complete(Job job) {
            CompletableFuture<Completion> f = new CompletableFuture<>();
            futures.add(f);
            f.completeOnTimeout(new Completion("Thought: \nAction: Finish\nAction Input: {\"return_type\": \"give_answer\", \"final_answer\": \"Done at last.\"}", 10, 5, false),
                    delayMs, TimeUnit.MILLISECONDS);
            return f;
        }
    }

    @Test
    void clientsAcceptHeartbeats() throws Exception {
        try (ChatServer server = ServeTestSupport.start(new SlowBackend(1500))) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(ServeTestSupport.baseUrl(server)).apiKey("x").maxRetries(0).build();
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("slow").addUserMessage("hi").build();
            assertEquals("Done at last.", client.chat().completions().create(params).choices().get(0).message().content().orElseThrow());
            ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
                s.stream().forEach(acc::accumulate);
            }
            ChatCompletion streamed = acc.chatCompletion();
            assertEquals("Done at last.", streamed.choices().get(0).message().content().orElseThrow());
            OpenAiChatModel lc4j = OpenAiChatModel.builder().baseUrl(ServeTestSupport.baseUrl(server)).apiKey("x").modelName("slow").maxRetries(0).build();
            assertEquals("Done at last.", lc4j.chat("hi"));
        }
    }

    /** Posts {@code body} to {@code path} on a raw socket, waits until the backend holds {@code jobs} jobs, then hangs up. */
    private static void postAndLeave(ChatServer server, SlowBackend backend, String path, String body, int jobs) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            long t0 = System.nanoTime();
            while (backend.futures.size() < jobs && System.nanoTime() - t0 < 120e9) Thread.sleep(10);
        }
    }

    private static void awaitCancelled(CompletableFuture<Completion> f, String what) throws InterruptedException {
        long t0 = System.nanoTime();
        while (!f.isCancelled() && System.nanoTime() - t0 < 120e9) Thread.sleep(50);
        assertTrue(f.isCancelled(), what);
    }

    @Test
    void responsesAndCompletionsClientsThatLeaveCancelTheirJobs() throws Exception {
        SlowBackend backend = new SlowBackend(60_000);
        try (ChatServer server = ServeTestSupport.start(backend)) {
            postAndLeave(server, backend, "/v1/responses", "{\"model\":\"slow\",\"stream\":true,\"input\":\"hi\"}", 1);
            awaitCancelled(backend.futures.get(0), "streamed response cancelled");
            postAndLeave(server, backend, "/v1/completions", "{\"model\":\"slow\",\"prompt\":[\"a\",\"b\"]}", 3);
            awaitCancelled(backend.futures.get(1), "first prompt cancelled");
            awaitCancelled(backend.futures.get(2), "second prompt cancelled");
        }
    }

    @Test
    void disconnectedClientCancelsItsCompletion() throws Exception {
        SlowBackend backend = new SlowBackend(60_000);
        try (ChatServer server = ServeTestSupport.start(backend)) {
            for (boolean stream : List.of(false, true)) {
                String body = "{\"model\":\"slow\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                try (Socket socket = new Socket("127.0.0.1", server.port())) {
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    long t0 = System.nanoTime();
                    while (backend.futures.size() < (stream ? 2 : 1) && System.nanoTime() - t0 < 120e9) Thread.sleep(10);
                }
                CompletableFuture<Completion> f = backend.futures.get(stream ? 1 : 0);
                long t0 = System.nanoTime();
                while (!f.isCancelled() && System.nanoTime() - t0 < 120e9) Thread.sleep(50);
                assertTrue(f.isCancelled(), "completion cancelled after the client left (stream=" + stream + ")");
            }
        }
    }
}
