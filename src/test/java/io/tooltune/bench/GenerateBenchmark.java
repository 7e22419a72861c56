package io.tooltune.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
 * decode tokens/s at batch 1 and 8, the machine's read bandwidth and the batch-1 bandwidth bound. Prints one JSON
 * line; bench/generate-bench.sh also runs the PyTorch eager reference.
 */
@Command(name = "generate-bench", mixinStandardHelpOptions = true, description = "Generation speed of a random model of a benchmark shape.")
public final class GenerateBenchmark implements Callable<Integer> {
    static final int PREFILL_TOKENS = 512;
    static final int PROMPT_TOKENS = 32;
    static final int NEW_TOKENS = 32;

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
            double bandwidth = readBandwidth(model.manager(), runs);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("impl", "tooltune");
            out.put("shape", benchShape.flag());
            out.put("runs", runs);
            out.put("prefill_tokens_per_s", PREFILL_TOKENS / prefill);
            out.put("cached_prefix_prompt_tokens_per_s", PREFILL_TOKENS / cachedPrefix);
            out.put("decode_b1_tokens_per_s", decode[0]);
            out.put("decode_b8_tokens_per_s", decode[1]);
            out.put("weight_bytes_per_token", bytes);
            out.put("read_bandwidth_gb_per_s", bandwidth / 1e9);
            out.put("b1_bandwidth_bound_tokens_per_s", bandwidth / bytes);
            System.out.println(Json.MAPPER.writeValueAsString(out));
        }
        return 0;
    }

    /** Median bytes/s of summing a 1 GiB float32 array (libtorch, the engine's threads). */
    static double readBandwidth(NDManager parent, int runs) throws Exception {
        try (NDManager m = parent.newSubManager()) {
            NDArray big = m.ones(new Shape(1L << 28), DataType.FLOAT32);
            big.sum().close();
            double s = median(runs, () -> seconds(() -> big.sum().close()));
            return (4.0 * (1L << 28)) / s;
        }
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
