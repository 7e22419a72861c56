package io.tooltune.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.agent.ReactParser;
import io.tooltune.data.ToolLlamaPrompt;
import io.tooltune.data.format.Turn;
import io.tooltune.generate.FunctionNameConstraint;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.Generator;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * A ToolLLaMA-style model in process. Each call renders the history as ToolLLaMA's inference prompt (system
 * message with the ReAct hint and the Python-repr function list, "Role: content\n" lines, diversity prompts
 * included as ToolLLaMA keeps them, then "Assistant:\n"), and parses the completion with {@link ReactParser}
 * (as StableToolBench, the assistant content is the whole raw completion). Calls from concurrent query threads
 * are grouped into batches of up to {@code batchSize} on one worker thread (grad mode off), which is where
 * inference runs: one left-padded batch through core's {@link Generator}, each sequence stopping on its own.
 */
public final class LocalModelBackend implements ChatBackend {
    private record Pending(String prompt, List<String> functionNames, CompletableFuture<BatchGenerator.Completion> result) {}

    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final BatchGenerator generator;
    private final int batchSize;
    private final long lingerMillis;
    private boolean constrainFunctionNames;
    private volatile boolean lockstep;
    private volatile IntSupplier callers;
    private final Thread worker;
    private final AutoCloseable resources;
    private final AtomicLong batches = new AtomicLong(), sequences = new AtomicLong();

    /** How long the worker waits for more concurrent calls before running a partial batch. */
    static final long LINGER_MILLIS = 20;

    /** Loads a model folder; closing the backend frees it. */
    public static LocalModelBackend load(Path modelDir, GenerationConfig cfg, int batchSize) {
        return new LocalModelBackend(ModelFolder.load(modelDir), cfg, batchSize);
    }

    /** Generates with {@code cfg} (ToolLLaMA: stop at EOS); closing the backend closes {@code loaded}. */
    public LocalModelBackend(LoadedModel loaded, GenerationConfig cfg, int batchSize) {
        this(generator(loaded, cfg), batchSize, LINGER_MILLIS, () -> ai.djl.pytorch.jni.JniUtils.setGradMode(false), loaded);
    }

    /**
     * {@code workerInit} runs first on the worker thread (for DJL: turn grad mode off there); {@code resources}
     * are closed after the worker has stopped.
     */
    public LocalModelBackend(BatchGenerator generator, int batchSize, long lingerMillis, Runnable workerInit, AutoCloseable resources) {
        this.generator = generator;
        this.batchSize = batchSize;
        this.lingerMillis = lingerMillis;
        this.resources = resources;
        this.worker = Thread.ofPlatform().name("local-model").daemon().start(() -> {
            workerInit.run();
            loop();
        });
    }

    /**
     * Format-safe decoding (off by default, as ToolBench): after "Action:" the model may only write an offered
     * function's name; see {@link io.tooltune.generate.FunctionNameConstraint}.
     */
    public LocalModelBackend constrainFunctionNames(boolean on) {
        constrainFunctionNames = on;
        return this;
    }

    /**
     * Deterministic batches (off by default): instead of lingering, the worker waits until every caller the agent
     * announced ({@link #expectCallers}) has a call pending and runs them ordered by prompt, so which prompts share a
     * batch, and so the padding and the results, do not depend on thread timing.
     */
    public LocalModelBackend lockstep(boolean on) {
        lockstep = on;
        return this;
    }

    @Override
    public void expectCallers(IntSupplier callers) {
        this.callers = callers;
    }

    /** Batches run so far and sequences in them (mean batch size = sequences / batches). */
    public long batches() {
        return batches.get();
    }

    public long sequences() {
        return sequences.get();
    }

    /**
     * Core's generator over a loaded model. As ToolLLaMA's wrapper does, a prompt longer than the context minus
     * the new tokens keeps its end (left truncation), so positions never exceed max_position_embeddings.
     */
    public static BatchGenerator generator(LoadedModel loaded, GenerationConfig cfg) {
        Generator generator = new Generator(loaded.model(), loaded.tokenizer());
        int room = Math.max(1, loaded.model().config().maxPositionEmbeddings() - cfg.maxNewTokens());
        return new BatchGenerator() {
            private String[] tokenTexts;

            @Override
            public List<Completion> generate(List<String> prompts) {
                return generate(prompts, null);
            }

            @Override
            public List<Completion> generate(List<String> prompts, List<List<String>> functionNames) {
                List<long[]> ids = new ArrayList<>();
                List<FunctionNameConstraint> constraints = new ArrayList<>();
                for (int i = 0; i < prompts.size(); i++) {
                    long[] all = loaded.tokenizer().encode(prompts.get(i));
                    ids.add(all.length > room ? Arrays.copyOfRange(all, all.length - room, all.length) : all);
                    List<String> names = functionNames == null ? null : functionNames.get(i);
                    constraints.add(names == null ? null : new FunctionNameConstraint(tokenTexts(), names));
                }
                List<Generator.Output> out = generator.generate(ids, cfg, i -> false, constraints);
                List<Completion> result = new ArrayList<>();
                for (int i = 0; i < out.size(); i++) {
                    result.add(new Completion(out.get(i).text(), ids.get(i).length, out.get(i).ids().length));
                }
                return result;
            }

            private String[] tokenTexts() {
                if (tokenTexts == null) {
                    tokenTexts = FunctionNameConstraint.tokenTexts(loaded.tokenizer(), loaded.model().config().vocabSize());
                }
                return tokenTexts;
            }
        };
    }

    /** The ToolLLaMA inference prompt for an agent history. */
    public static String prompt(List<ObjectNode> messages, JsonNode functions) {
        List<Turn> turns = new ArrayList<>();
        for (ObjectNode m : messages) {
            String role = m.path("role").asText();
            JsonNode c = m.get("content");
            String content = c == null || c.isNull() ? "" : c.asText();
            if (role.equals("system")) content = ToolLlamaPrompt.processSystemMessage(content, functions);
            turns.add(new Turn(role, content));
        }
        return ToolLlamaPrompt.renderInference(turns);
    }

    @Override
    public Reply chat(List<ObjectNode> messages, ArrayNode functions) throws IOException {
        List<String> names = null;
        if (constrainFunctionNames && functions != null) {
            names = new ArrayList<>();
            for (JsonNode f : functions) names.add(f.path("name").asText());
        }
        Pending p = new Pending(prompt(messages, functions), names, new CompletableFuture<>());
        queue.add(p);
        BatchGenerator.Completion c;
        try {
            c = p.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException("generation failed: " + e.getCause(), e.getCause());
        }
        ReactParser.Parsed parsed = ReactParser.parse(c.text());
        ObjectNode msg = Json.MAPPER.createObjectNode().put("role", "assistant").put("content", c.text());
        msg.putObject("function_call").put("name", parsed.action()).put("arguments", parsed.actionInput());
        return new Reply(msg, 0, c.promptTokens() + c.newTokens());
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            List<Pending> batch = new ArrayList<>();
            try {
                batch.add(queue.take());
                IntSupplier expected = lockstep ? callers : null;
                if (expected != null) {
                    while (batch.size() < expected.getAsInt()) {
                        Pending p = queue.poll(1, TimeUnit.MILLISECONDS);
                        if (p != null) batch.add(p);
                    }
                    batch.sort(Comparator.comparing(Pending::prompt));
                    for (int from = 0; from < batch.size(); from += batchSize) {
                        run(batch.subList(from, Math.min(batch.size(), from + batchSize)));
                    }
                    continue;
                }
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lingerMillis);
                while (batch.size() < batchSize) {
                    Pending p = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (p == null) break;
                    batch.add(p);
                }
            } catch (InterruptedException e) {
                batch.forEach(p -> p.result().completeExceptionally(e));
                break;
            }
            run(batch);
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.result().completeExceptionally(new IllegalStateException("the local model is closed")));
    }

    private void run(List<Pending> batch) {
        try {
            List<String> prompts = batch.stream().map(Pending::prompt).toList();
            List<BatchGenerator.Completion> out = generator.generate(prompts, batch.stream().map(Pending::functionNames).toList());
            batches.incrementAndGet();
            sequences.addAndGet(batch.size());
            for (int i = 0; i < batch.size(); i++) batch.get(i).result().complete(out.get(i));
        } catch (Exception | Error e) {
            batch.forEach(p -> p.result().completeExceptionally(e));
        }
    }

    /** Stops the worker (a batch in flight finishes first), then frees the model. */
    @Override
    public void close() {
        worker.interrupt();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the local model: " + e.getMessage(), e);
        }
    }
}
