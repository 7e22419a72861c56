package io.tooltune.agent;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.backend.LocalModelBackend;
import io.tooltune.data.format.Query;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.opt.OptConfig;
import io.tooltune.model.opt.OptModel;
import io.tooltune.tokenizer.Tokenizer;
import io.tooltune.tools.ApiCatalog;
import io.tooltune.tools.ApiServer;
import io.tooltune.tools.HttpToolExecutor;
import io.tooltune.tools.ResponseCache;
import io.tooltune.tools.SchemaSimulator;
import io.tooltune.tools.VirtualApis;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CoT throughput benchmark (a command, not a test; run through bench/agent-cot): queries per minute of
 * {@link AgentRun} with an opt-350m-shaped random model in process, against the embedded virtual API server, at
 * several batch sizes. A random model never calls Finish (nor a real function), so every query does the same
 * work: exactly {@code --iterations} model replies of exactly {@code --max-new-tokens} tokens (EOS ignored).
 * The query file's queries are repeated under new ids up to {@code --queries}.
 */
public final class CotBenchmark {
    private CotBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) a.put(args[i], args[i + 1]);
        Path tokenizerDir = Path.of(a.getOrDefault("--tokenizer", "../shared/fixtures/opt/tokenizer"));
        Path queryFile = Path.of(a.getOrDefault("--query-file",
                "../shared/data/stabletoolbench/solvable_queries_example/test_instruction/G1_instruction.json"));
        int count = Integer.parseInt(a.getOrDefault("--queries", "8"));
        int iterations = Integer.parseInt(a.getOrDefault("--iterations", "2"));
        int maxNewTokens = Integer.parseInt(a.getOrDefault("--max-new-tokens", "32"));
        int runs = Integer.parseInt(a.getOrDefault("--runs", "3"));
        int[] batchSizes = Arrays.stream(a.getOrDefault("--batch-sizes", "1,8").split(",")).mapToInt(Integer::parseInt).toArray();

        List<Query> queries = repeat(AgentRun.readQueries(queryFile, System.err), count);
        ApiCatalog catalog = new ApiCatalog();
        catalog.addQueries(queries);
        GenerationConfig cfg = new GenerationConfig(maxNewTokens, 0.1, 1, 0, 42L, List.of(), false);
        // depth limit out of the way: the iteration limit alone ends each chain
        AgentRun.Options base = new AgentRun.Options(AgentRun.Method.COT, 1, 3 * iterations + 3, iterations, 2, 200, 1, "");
        Path work = Files.createTempDirectory("cot-bench");
        System.out.printf("opt-350m-shaped random model, %d queries (%s), %d replies x %d new tokens each, %d runs%n",
                count, queryFile.getFileName(), iterations, maxNewTokens, runs);
        try (LoadedModel loaded = new LoadedModel(OptModel.random(OptConfig.opt350m(), 1), Tokenizer.load(tokenizerDir));
             ResponseCache cache = new ResponseCache(work.resolve("cache.sqlite"));
             ApiServer server = new ApiServer("127.0.0.1", 0, new VirtualApis(cache, catalog, new SchemaSimulator(), null, null))) {
            HttpToolExecutor executor = new HttpToolExecutor(server.url(), Duration.ofSeconds(60));
            Map<Integer, List<Double>> qpm = new HashMap<>();
            for (int run = 0; run < runs; run++) {
                for (int b : batchSizes) {
                    AgentRun.Options o = new AgentRun.Options(base.method(), base.passAt(), base.maxSteps(),
                            base.maxIterations(), base.width(), base.maxQueryCount(), b, base.toolbenchKey());
                    Path out = work.resolve("run" + run + "-b" + b);
                    AgentRun.Summary s;
                    long batches, sequences;
                    try (LocalModelBackend backend = new LocalModelBackend(LocalModelBackend.generator(loaded, cfg), b,
                            20, () -> JniUtils.setGradMode(false), () -> { })) {
                        s = AgentRun.run(queries, out, backend, executor, catalog::toolDescription, o, quiet());
                        batches = backend.batches();
                        sequences = backend.sequences();
                    }
                    if (s.errors() > 0 || s.modelCalls() != (long) count * iterations) {
                        throw new IllegalStateException("unequal work: " + s.describe());
                    }
                    double perMinute = count * 60 / s.seconds();
                    qpm.computeIfAbsent(b, k -> new ArrayList<>()).add(perMinute);
                    System.out.printf("run %d batch %d: %.1f s, %.2f queries/min, %d model calls in %d batches (mean %.2f), "
                                    + "%d API calls, %d tokens%n", run + 1, b, s.seconds(), perMinute, s.modelCalls(), batches,
                            (double) sequences / batches, s.apiCalls(), s.tokens());
                }
            }
            double ref = median(qpm.get(batchSizes[0]));
            for (int b : batchSizes) {
                double m = median(qpm.get(b));
                System.out.printf("batch %d: median %.2f queries/min (runs %s), ratio to batch %d: %.2f%n", b, m,
                        qpm.get(b).stream().map(v -> String.format("%.2f", v)).toList(), batchSizes[0], m / ref);
            }
        }
    }

    /** {@code queries} cycled under ids "<id>-<k>" until there are {@code count}. */
    private static List<Query> repeat(List<Query> queries, int count) {
        if (queries.isEmpty()) throw new IllegalArgumentException("no queries");
        List<Query> out = new ArrayList<>();
        for (int k = 0; out.size() < count; k++) {
            Query q = queries.get(k % queries.size());
            ObjectNode json = q.json().deepCopy().put("query_id", q.id() + "-" + k);
            out.add(Query.of(json, "bench query " + k));
        }
        return out;
    }

    private static double median(List<Double> v) {
        List<Double> s = v.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** The progress bar and per-query messages would interleave with the results. */
    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
