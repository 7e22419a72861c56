package io.tooltune.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.Progress;
import io.tooltune.backend.BackendFailure;
import io.tooltune.backend.ChatBackend;
import io.tooltune.backend.LocalToolLlamaBackend;
import io.tooltune.data.format.DataFiles;
import io.tooltune.data.format.FileNames;
import io.tooltune.data.format.Query;
import io.tooltune.data.format.RecordLog;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.model.Device;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.tools.ApiCatalog;
import io.tooltune.tools.HttpToolExecutor;
import io.tooltune.tools.ResponseSimulator;
import io.tooltune.tools.ToolExecutor;
import io.tooltune.tools.VirtualApis;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs CoT or DFSDT over a set of queries, one raw answer file per query in ToolBench's layout
 * ({@code <qid>_CoT@<n>.json}, {@code <qid>_DFS_woFilter_w<k>.json}); queries whose file exists are skipped,
 * so an interrupted run resumes. Queries run on {@code threads} threads so a batching backend can group them.
 */
public final class AgentRun {
    public enum Method { COT, DFS }

    /**
     * {@code maxSteps}: depth limit in nodes (ToolBench's single_chain_max_step); {@code maxIterations}: model
     * replies per CoT chain (the paper's reasoning iterations); {@code maxQueryCount}: model calls per DFSDT query.
     */
    public record Options(Method method, int passAt, int maxSteps, int maxIterations, int width, int maxQueryCount,
                          int threads, String toolbenchKey) {
        public static Options defaults(Method method) {
            return new Options(method, 1, 12, CotSearch.PAPER_MAX_ITERATIONS, 2, 200, 8, "");
        }

        public String fileSuffix() {
            return method == Method.COT ? "CoT@" + passAt : "DFS_woFilter_w" + width;
        }
    }

    /** {@code pending}: queries whose model endpoint failed; they have no answer file, so a rerun retries them. */
    public record Summary(int queries, int skipped, int answered, int gaveUp, int unanswered, int errors, int pending,
                          long apiCalls, long modelCalls, long tokens, double seconds) {
        public String describe() {
            return String.format("%d queries (%d already done): %d answered, %d gave up, %d without answer, %d errors,"
                            + " %d failed (pending: the model endpoint failed, a rerun retries them);"
                            + " %d API calls, %d model calls, %d tokens, %.1f s", queries, skipped, answered, gaveUp,
                    unanswered, errors, pending, apiCalls, modelCalls, tokens, seconds);
        }

        /** Every query has its answer file (errors and pending ones have none). */
        public boolean complete() {
            return errors == 0 && pending == 0;
        }
    }

    /**
     * The stage's files and tools: queries from a file or folder, tool descriptions from {@code toolsDir} (null:
     * none), raw answers into {@code output}; tools reached at {@code apiUrl}, or when it is null through an
     * embedded virtual API server over the SQLite {@code embeddedCache} that simulates misses with {@code simulator}.
     */
    public record Stage(Path queries, Path toolsDir, Path output, String apiUrl, Path embeddedCache,
                        ResponseSimulator simulator) {
        public Stage {
            if (!Files.exists(queries)) throw new BadInputException(queries + ": no such file or folder");
        }

        public static Stage embedded(Path queries, Path toolsDir, Path output, Path cache, ResponseSimulator simulator) {
            return new Stage(queries, toolsDir, output, null, cache, simulator);
        }
    }

    /**
     * A local model folder as the agent's model, decoding as ToolLLaMA does (sampling without top-k/top-p, stop at
     * EOS only); {@code lockstep}: batches independent of thread timing (see {@link LocalToolLlamaBackend#lockstep});
     * {@code adapter}: a PEFT LoRA folder applied to the model (null: none); {@code constrainCalls}: every reply a
     * valid call of an offered function (see {@link LocalToolLlamaBackend#constrain}).
     */
    public record LocalModel(Path dir, int maxNewTokens, double temperature, long seed, int batchSize,
                             boolean constrainFunctionNames, boolean lockstep, Device device, Path adapter,
                             boolean constrainCalls) {
        public LocalModel(Path dir, int maxNewTokens, double temperature, long seed, int batchSize,
                          boolean constrainFunctionNames, boolean lockstep, Device device) {
            this(dir, maxNewTokens, temperature, seed, batchSize, constrainFunctionNames, lockstep, device, null, false);
        }

        public LocalToolLlamaBackend open() {
            GenerationConfig cfg = GenerationConfig.toolLlama().withMaxNewTokens(maxNewTokens).withTemperature(temperature)
                    .withSeed(seed);
            LocalToolLlamaBackend.Constraint c = constrainCalls ? LocalToolLlamaBackend.Constraint.CALLS
                    : constrainFunctionNames ? LocalToolLlamaBackend.Constraint.FUNCTION_NAMES
                    : LocalToolLlamaBackend.Constraint.NONE;
            return new LocalToolLlamaBackend(ModelFolder.load(dir, device, adapter), cfg, batchSize).constrain(c)
                    .lockstep(lockstep);
        }
    }

    private AgentRun() {}

    /** The whole stage: reads the queries, registers their APIs with the tools, runs them and writes raw answers. */
    public static Summary run(Stage stage, ChatBackend backend, Options o, PrintStream err) {
        List<Query> qs = readQueries(stage.queries(), err);
        ApiCatalog catalog = VirtualApis.catalog(stage.toolsDir(), qs);
        try (VirtualApis.Running server = stage.apiUrl() == null
                ? VirtualApis.embedded(stage.embeddedCache(), catalog, stage.simulator()) : null) {
            ToolExecutor ex = new HttpToolExecutor(server != null ? server.url() : stage.apiUrl(), Duration.ofSeconds(60));
            return run(qs, stage.output(), backend, ex, catalog::toolDescription, o, err);
        }
    }

    /**
     * Reads a query file or every *.json in a directory; bad entries are reported on {@code err} and skipped, and
     * none left at all is a bad input (a run over nothing would look like a finished one).
     */
    public static List<Query> readQueries(Path fileOrDir, PrintStream err) {
        List<Path> files;
        if (Files.isDirectory(fileOrDir)) {
            try (Stream<Path> s = Files.list(fileOrDir)) {
                files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            } catch (IOException e) {
                throw new BadInputException(fileOrDir + ": " + e.getMessage());
            }
        } else {
            files = List.of(fileOrDir);
        }
        List<Query> out = new ArrayList<>();
        RecordLog log = new RecordLog(false, err);
        for (Path f : files) {
            DataFiles.readQueries(f, log, q -> {
                if (q.id() == null) log.skip(f.toString(), -1, "query without \"query_id\"");
                else if (!FileNames.isSafe(q.id())) log.skip(f.toString(), -1, "query_id " + FileNames.why(q.id()));
                else if (q.apiList().isEmpty()) log.skip(f.toString(), -1, "query " + q.id() + " has an empty \"api_list\"");
                else out.add(q);
            });
        }
        if (out.isEmpty()) {
            throw new BadInputException(fileOrDir + ": no usable queries (" + log.readCount() + " read, "
                    + log.skippedCount() + " skipped" + (log.skippedCount() > 0 ? ", reasons above" : "") + ")");
        }
        return out;
    }

    public static Summary run(List<Query> queries, Path outputDir, ChatBackend backend, ToolExecutor executor,
                              Function<String, String> toolDescriptions, Options o, PrintStream err) {
        long start = System.nanoTime();
        try {
            Files.createDirectories(outputDir);
        } catch (IOException e) {
            throw new BadInputException(outputDir + ": cannot create (" + e.getMessage() + ")");
        }
        List<Query> todo = new ArrayList<>();
        for (Query q : queries) if (!Files.exists(outputFile(outputDir, q, o))) todo.add(q);
        AtomicInteger answered = new AtomicInteger(), gaveUp = new AtomicInteger(), unanswered = new AtomicInteger(),
                errors = new AtomicInteger(), pending = new AtomicInteger(), apiCalls = new AtomicInteger();
        AtomicReference<BackendFailure> stop = new AtomicReference<>();
        AtomicLong modelCalls = new AtomicLong(), tokens = new AtomicLong();
        AtomicInteger finished = new AtomicInteger();
        int threads = Math.max(1, o.threads());
        backend.expectCallers(() -> Math.min(threads, todo.size() - finished.get()));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Progress progress = Progress.start("queries (" + o.fileSuffix() + ")", todo.size())) {
            List<Future<?>> futures = new ArrayList<>();
            for (Query q : todo) {
                futures.add(pool.submit(() -> {
                    try {
                        if (stop.get() != null) return;
                        ToolEnv env = new ToolEnv(q, toolDescriptions, executor, o.toolbenchKey(), apiCalls);
                        Search s = o.method() == Method.COT ? new CotSearch(q.query(), env, backend, o.maxSteps(), o.passAt(), o.maxIterations())
                                : new DfsSearch(q.query(), env, backend, o.maxSteps(), o.width(), o.maxQueryCount());
                        ObjectNode answer = s.run();
                        modelCalls.addAndGet(s.queryCount());
                        tokens.addAndGet(s.totalTokens());
                        String finish = answer.path("answer_generation").path("finish_type").asText("");
                        if (finish.equals("give_up")) gaveUp.incrementAndGet();
                        else if (answer.path("answer_generation").path("valid_data").asBoolean()) answered.incrementAndGet();
                        else unanswered.incrementAndGet();
                        write(outputFile(outputDir, q, o), answer);
                    } catch (BackendFailure e) {
                        pending.incrementAndGet();
                        if (e.stopsRun()) stop.compareAndSet(null, e);
                        synchronized (err) {
                            err.println("query " + q.id() + ": pending, " + e.getMessage());
                        }
                    } catch (RuntimeException | IOException e) {
                        errors.incrementAndGet();
                        synchronized (err) {
                            err.println("query " + q.id() + ": " + e);
                        }
                    } finally {
                        finished.incrementAndGet();
                        synchronized (progress) {
                            progress.step();
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (Exception e) {
                    errors.incrementAndGet();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if (stop.get() != null) throw stop.get();
        return new Summary(queries.size(), queries.size() - todo.size(), answered.get(), gaveUp.get(), unanswered.get(),
                errors.get(), pending.get(), apiCalls.get(), modelCalls.get(), tokens.get(), (System.nanoTime() - start) / 1e9);
    }

    public static Path outputFile(Path dir, Query q, Options o) {
        if (!FileNames.isSafe(q.id())) throw new BadInputException("query_id " + FileNames.why(q.id()));
        return dir.resolve(q.id() + "_" + o.fileSuffix() + ".json");
    }

    private static void write(Path file, ObjectNode answer) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), answer);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
