package io.tooltune.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.agent.AgentRun;
import io.tooltune.backend.LocalToolLlamaBackend;
import io.tooltune.data.format.Query;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.inference.InferenceWorker;
import io.tooltune.inference.ModelBatchDecoder;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * CoT throughput: queries per minute of {@link AgentRun} with an opt-350m-shaped random model in process, against
 * the embedded virtual API server, at several batch sizes. A random model never calls Finish (nor a real function),
 * so every query does the same work: exactly {@code --iterations} model replies of exactly {@code --max-new-tokens}
 * tokens (EOS ignored). The query file's queries are repeated under new ids up to {@code --queries}.
 */
@Command(name = "agent-cot", mixinStandardHelpOptions = true, description = "CoT queries/minute with a random opt-350m-shaped model.")
public final class CotBenchmark implements Callable<Integer> {
    @Option(names = "--tokenizer", defaultValue = "../shared/fixtures/opt/tokenizer", description = "OPT tokenizer folder (default ${DEFAULT-VALUE})")
    Path tokenizerDir;

    @Option(names = "--query-file", defaultValue = "../shared/data/stabletoolbench/solvable_queries_example/test_instruction/G1_instruction.json",
            description = "queries to repeat (default ${DEFAULT-VALUE})")
    Path queryFile;

    @Option(names = "--queries", defaultValue = "8", description = "queries per run (default ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--iterations", defaultValue = "2", description = "model replies per query (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--max-new-tokens", defaultValue = "32", description = "tokens per reply (default ${DEFAULT-VALUE})")
    int maxNewTokens;

    @Option(names = "--runs", defaultValue = "3", description = "runs per batch size (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--batch-sizes", defaultValue = "1,8", split = ",", description = "batch sizes to compare, the first is the reference (default ${DEFAULT-VALUE})")
    List<Integer> batchSizes;

    @Option(names = "--batching", defaultValue = "continuous", description = "continuous or static (the engine before continuous batching) (default ${DEFAULT-VALUE})")
    String batching;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CotBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Query> queries = repeat(AgentRun.readQueries(queryFile, System.err), count);
        ApiCatalog catalog = new ApiCatalog();
        catalog.addQueries(queries);
        GenerationConfig cfg = GenerationConfig.toolLlama().withMaxNewTokens(maxNewTokens).withStopAtEos(false);
        // depth limit out of the way: the iteration limit alone ends each chain
        AgentRun.Options base = new AgentRun.Options(AgentRun.Method.COT, 1, 3 * iterations + 3, iterations, 2, 200, 1, "");
        Path work = Files.createTempDirectory("cot-bench");
        System.out.printf("opt-350m-shaped random model, %d queries (%s), %d replies x %d new tokens each, %d runs, %s batching%n",
                count, queryFile.getFileName(), iterations, maxNewTokens, runs, batching);
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
                    InferenceWorker.Stats stats;
                    // the worker leaves the model open: every run reuses it
                    InferenceWorker worker = batching.equals("static")
                            ? new InferenceWorker(new ModelBatchDecoder(loaded), b, LocalToolLlamaBackend.LINGER_MILLIS)
                            : InferenceWorker.sharing(loaded, b);
                    try (LocalToolLlamaBackend backend = new LocalToolLlamaBackend(worker, cfg)) {
                        s = AgentRun.run(queries, out, backend, executor, catalog::toolDescription, o, quiet());
                        stats = backend.stats();
                    }
                    if (s.errors() > 0 || s.modelCalls() != (long) count * iterations) {
                        throw new IllegalStateException("unequal work: " + s.describe());
                    }
                    double perMinute = count * 60 / s.seconds();
                    qpm.computeIfAbsent(b, k -> new ArrayList<>()).add(perMinute);
                    System.out.printf("run %d batch %d: %.1f s, %.2f queries/min, %d model calls in %d batches (mean %.2f), "
                                    + "%d API calls, %d tokens%n", run + 1, b, s.seconds(), perMinute, s.modelCalls(), stats.batches(),
                            stats.meanBatchSize(), s.apiCalls(), s.tokens());
                }
            }
            int refBatch = batchSizes.get(0);
            double ref = BenchTiming.median(qpm.get(refBatch));
            for (int b : batchSizes) {
                double m = BenchTiming.median(qpm.get(b));
                System.out.printf("batch %d: median %.2f queries/min (runs %s), ratio to batch %d: %.2f%n", b, m,
                        qpm.get(b).stream().map(v -> String.format("%.2f", v)).toList(), refBatch, m / ref);
            }
        }
        return 0;
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

    /** The progress bar and per-query messages would interleave with the results. */
    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
