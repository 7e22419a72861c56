package io.tooltune.serve;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.tooltune.Shared;
import io.tooltune.generate.TokenLogprob;
import io.tooltune.inference.Completion;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.opt.OptConfig;
import io.tooltune.model.opt.OptModel;
import io.tooltune.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streamed chunks leave as the tokens are decoded, proven without timing: a gate holds the decoder before each new
 * piece of text until the client has received the chunk of the piece before, so a client sees chunk k while piece
 * k+1 does not exist yet. A server that waited for the whole completion would see the gate time out (and the test
 * fail), since no chunk would reach the client while the decoder is held.
 */
class StreamingArrivalTest {
    /** Holds each piece after the first until the client acknowledges a chunk; counts the pieces let through. */
    static final class Gate {
        private final Semaphore acks = new Semaphore(0);
        final AtomicInteger emitted = new AtomicInteger();
        volatile boolean timedOut;

        Consumer<String> wrap(Consumer<String> onText) {
            return piece -> {
                if (emitted.get() > 0 && !timedOut) {
                    try {
                        if (!acks.tryAcquire(5, TimeUnit.SECONDS)) timedOut = true;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                emitted.incrementAndGet();
                onText.accept(piece);
            };
        }

        /** The client received a chunk: records how many pieces existed then and lets the next one through. */
        void received(List<Integer> seen) {
            seen.add(emitted.get());
            acks.release();
        }
    }

    /**
     * A backend that decodes the given pieces one by one on its own thread, each through the gate. Not on the common
     * ForkJoinPool: LangChain4j's JDK HTTP client parses the stream there, and on a 2-core machine that pool has one
     * worker, so a gate holding it would hold the client too (the chunks then all seemed to arrive at the end).
     */
    static ModelBackend pieces(Gate gate, List<String> pieces) {
        return new ModelBackend() {
            @Override
            public String modelId() {
                return "gated";
            }

            @Override
            public int contextLength() {
                return 4096;
            }

            @Override
            public int countTokens(String prompt) {
                return prompt.length() / 4;
            }

            @Override
            public CompletableFuture<Completion> complete(Job job) {
                return CompletableFuture.completedFuture(new Completion(String.join("", pieces), 1, pieces.size(), false));
            }

            @Override
            public CompletableFuture<Completion> stream(Job job, Consumer<String> onText) {
                Consumer<String> gated = gate.wrap(onText);
                return CompletableFuture.supplyAsync(() -> {
                    pieces.forEach(gated);
                    return complete(job).join();
                }, r -> Thread.ofPlatform().daemon().start(r));
            }

            @Override
            public void close() {}
        };
    }

    /** ReAct text whose Finish answer is five words; the scaffolding comes with the first word. */
    static final List<String> ANSWER = List.of(
            "Thought: \nAction: Finish\nAction Input: {\"return_type\": \"give_answer\", \"final_answer\": \"one",
            " two", " three", " four", " five", "\"}");

    static void assertArrivedPieceByPiece(Gate gate, List<Integer> seen, int chunks) {
        assertFalse(gate.timedOut, "the decoder was held until a timeout: the chunks did not reach the client " + seen);
        assertEquals(chunks, seen.size(), "content chunks: " + seen);
        for (int k = 0; k < seen.size(); k++) {
            assertEquals(k + 1, seen.get(k), "chunk " + k + " reached the client before piece " + (k + 1) + " was decoded");
        }
    }

    @Test
    void openAiJavaSeesEachChunkBeforeTheNextPieceIsDecoded() throws Exception {
        Gate gate = new Gate();
        List<Integer> seen = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try (ChatServer server = ServeTestSupport.start(pieces(gate, ANSWER))) {
            text.append(streamContent(server, ChatCompletionCreateParams.builder().model("gated")
                    .addUserMessage("Count to five").build(), gate, seen));
        }
        assertEquals("one two three four five", text.toString());
        assertArrivedPieceByPiece(gate, seen, 5);
    }

    /** A small random OPT (1024 positions, the fixture's tokenizer): fast, and long enough for a chat prompt. */
    static LocalModelBackend tinyRandomOpt() throws IOException {
        Tokenizer tok = Tokenizer.load(Shared.path("fixtures/opt/tokenizer"));
        OptConfig cfg = OptConfig.builder().hiddenSize(32).ffnDim(128).numLayers(2).numHeads(4).maxPositionEmbeddings(1024)
                .dropout(0.0).build();
        return new LocalModelBackend(new LoadedModel(OptModel.random(cfg, 7), tok), "tiny-random", 4);
    }

    /**
     * The real model: a small random OPT (1024 positions, the fixture's tokenizer) answering in JSON, held by the gate
     * at every token; the client sees every content chunk while the model is still decoding.
     */
    @Test
    void aLocalModelStreamsItsTokensAsItDecodesThem() throws Exception {
        Gate gate = new Gate();
        List<Integer> seen = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try (LocalModelBackend local = tinyRandomOpt();
             ChatServer server = ServeTestSupport.start(gatedModel(local, gate))) {
            text.append(streamContent(server, ChatCompletionCreateParams.builder().model("tiny-random").temperature(0.0)
                    .maxTokens(16).responseFormat(ResponseFormatJsonObject.builder().build()).addUserMessage("Answer in JSON")
                    .build(), gate, seen));
        }
        assertTrue(seen.size() > 1, "more than one content chunk: " + seen);
        assertArrivedPieceByPiece(gate, seen, seen.size());
        assertTrue(text.toString().startsWith("{"), text.toString());
    }

    /** Streams {@code params} with openai-java, telling the gate of every content chunk; returns the content. */
    private static String streamContent(ChatServer server, ChatCompletionCreateParams params, Gate gate, List<Integer> seen) {
        StringBuilder text = new StringBuilder();
        OpenAIClient client = ServeTestSupport.client(server);
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) s.stream()::iterator) {
                if (chunk.choices().isEmpty()) continue;
                String content = chunk.choices().get(0).delta().content().orElse("");
                if (content.isEmpty()) continue;
                text.append(content);
                gate.received(seen);
            }
        }
        return text.toString();
    }

    /** {@code local}, with each streamed piece passing through {@code gate} (scored tokens go through at once). */
    static ModelBackend gatedModel(LocalModelBackend local, Gate gate) {
        return new ModelBackend() {
            @Override
            public String modelId() {
                return local.modelId();
            }

            @Override
            public int contextLength() {
                return local.contextLength();
            }

            @Override
            public int countTokens(String prompt) {
                return local.countTokens(prompt);
            }

            @Override
            public CompletableFuture<Completion> complete(Job job) {
                return local.complete(job);
            }

            @Override
            public int vocabularySize() {
                return local.vocabularySize();
            }

            @Override
            public CompletableFuture<Completion> stream(Job job, Consumer<String> onText) {
                return local.stream(job, gate.wrap(onText));
            }

            @Override
            public CompletableFuture<Completion> stream(Job job, Consumer<String> onText, Consumer<TokenLogprob> onToken) {
                return local.stream(job, gate.wrap(onText), onToken);
            }

            @Override
            public void close() {}
        };
    }
}
