package io.tooltune.bench;

import ai.djl.engine.Engine;
import io.tooltune.Json;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.Generator;
import io.tooltune.model.CausalLM;
import io.tooltune.tokenizer.Tokenizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import static io.tooltune.bench.BenchTiming.median;
import static io.tooltune.bench.BenchTiming.seconds;

/**
 * Generation speed of a model of one {@link BenchShape} with random weights through {@link Generator} (greedy, KV cache):
 * prompt (prefill) tokens/s at batch 1 with the prefix cache off, the same prompt again with its prefix cached,
 * decode tokens/s at batch 1 and 8, and two batch-1 bounds from {@link BandwidthProbe} (a 2 GiB sum, a sweep of
 * batch-1 products over the step's weight matrices) with batch 1's share of each. Prints one JSON line; bench/generate-bench.sh also runs the PyTorch eager reference.
 */
@Command(name = "generate-bench", mixinStandardHelpOptions = true, description = "Generation speed of a random model of a benchmark shape.")
public final class GenerateBenchmark implements Callable<Integer> {
    static final int PREFILL_TOKENS = 512;
    static final int PROMPT_TOKENS = 32;
    static final int NEW_TOKENS = 32;
    /** Repetitions of each bandwidth probe (its median is reported), whatever --runs says: they are short. */
    static final int PROBE_REPETITIONS = 7;

    @Option(names = "--tokenizer", defaultValue = "../shared/fixtures/opt/tokenizer", description = "OPT tokenizer folder (default ${DEFAULT-VALUE})")
    Path tokenizerDir;

    @Option(names = "--shape", defaultValue = "opt350m", description = "opt350m or qwen2.5-0.5b (default ${DEFAULT-VALUE})")
    String shape;

    @Option(names = "--runs", defaultValue = "5", description = "measurements per figure, after a warm-up (default ${DEFAULT-VALUE})")
    int runs;

    public static void main(String[] args) {
        System.exit(new CommandLine(new GenerateBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Engine.getInstance();
        BenchShape benchShape = BenchShape.of(shape);
        try (CausalLM model = benchShape.random(1); Tokenizer tok = Tokenizer.load(tokenizerDir)) {
            // without prefix caching, a repeated prompt is computed in full every time: what prefill and decode measure
            Generator uncached = new Generator(model, tok, true, false);
            Generator prefixCached = new Generator(model, tok, true, true);
            SplittableRandom rnd = new SplittableRandom(2);
            GenerationConfig one = GenerationConfig.greedy(1).withStopAtEos(false);
            GenerationConfig many = one.withMaxNewTokens(1 + NEW_TOKENS);
            List<long[]> longPrompt = prompts(rnd, 1, PREFILL_TOKENS);
            uncached.generate(longPrompt, one);
            double prefill = median(runs, () -> seconds(() -> uncached.generate(longPrompt, one)));
            prefixCached.generate(longPrompt, one);
            double cachedPrefix = median(runs, () -> seconds(() -> prefixCached.generate(longPrompt, one)));
            double[] decode = new double[2];
            int[] batches = {1, 8};
            for (int k = 0; k < 2; k++) {
                List<long[]> ps = prompts(rnd, batches[k], PROMPT_TOKENS);
                uncached.generate(ps, many);
                double first = median(runs, () -> seconds(() -> uncached.generate(ps, one)));
                double all = median(runs, () -> seconds(() -> uncached.generate(ps, many)));
                decode[k] = batches[k] * NEW_TOKENS / (all - first);
            }
            long bytes = BenchShape.decodeBytes(model);
            BandwidthProbe.Reading sum = BandwidthProbe.sum(model.manager(), PROBE_REPETITIONS);
            BandwidthProbe.Reading sweep = BandwidthProbe.matVecSweep(model, PROBE_REPETITIONS);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("impl", "tooltune");
            out.put("shape", benchShape.flag());
            out.put("runs", runs);
            out.put("prefill_tokens_per_s", PREFILL_TOKENS / prefill);
            out.put("cached_prefix_prompt_tokens_per_s", PREFILL_TOKENS / cachedPrefix);
            out.put("decode_b1_tokens_per_s", decode[0]);
            out.put("decode_b8_tokens_per_s", decode[1]);
            out.put("weight_bytes_per_token", bytes);
            out.put("sum_read_gb_per_s", sum.gbPerS());
            out.put("sum_bound_b1_tokens_per_s", sum.bytes() / sum.seconds() / bytes);
            out.put("b1_pct_of_sum_bound", 100 * decode[0] * bytes * sum.seconds() / sum.bytes());
            out.put("matvec_sweep_ms", 1e3 * sweep.seconds());
            out.put("matvec_sweep_gb_per_s", sweep.gbPerS());
            out.put("matvec_bound_b1_tokens_per_s", 1 / sweep.seconds());
            out.put("b1_pct_of_matvec_bound", 100 * decode[0] * sweep.seconds());
            System.out.println(Json.MAPPER.writeValueAsString(out));
        }
        return 0;
    }

    private static List<long[]> prompts(SplittableRandom rnd, int batch, int len) {
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            long[] p = new long[len];
            p[0] = 2;
            for (int j = 1; j < len; j++) p[j] = 4 + rnd.nextInt(50000);
            out.add(p);
        }
        return out;
    }
}
