package io.tooltune.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.tooltune.Json;
import io.tooltune.model.opt.OptConfig;
import io.tooltune.model.opt.OptModel;
import io.tooltune.tokenizer.Tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generation speed of an opt-350m-shaped model with random weights through {@link Generator} (greedy, KV cache):
 * prompt (prefill) tokens/s at batch 1, decode tokens/s at batch 1 and 8, the machine's read bandwidth and the
 * batch-1 bandwidth bound. Prints one JSON line. Usage: {@code GenerateBenchmark TOKENIZER_DIR [RUNS]}; see
 * bench/generate-bench.sh, which also runs the PyTorch eager reference.
 */
public final class GenerateBenchmark {
    static final int PREFILL_TOKENS = 512;
    static final int PROMPT_TOKENS = 32;
    static final int NEW_TOKENS = 32;

    private GenerateBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path tokenizerDir = Path.of(args.length > 0 ? args[0] : "../shared/fixtures/opt/tokenizer");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        ai.djl.engine.Engine.getInstance();
        JniUtils.setGradMode(false);
        OptConfig cfg = OptConfig.opt350m();
        try (OptModel model = OptModel.random(cfg, 1); Tokenizer tok = Tokenizer.load(tokenizerDir)) {
            Generator g = new Generator(model, tok);
            SplittableRandom rnd = new SplittableRandom(2);
            GenerationConfig one = new GenerationConfig(1, 0, 1, 0, null, List.of(), false);
            GenerationConfig many = new GenerationConfig(1 + NEW_TOKENS, 0, 1, 0, null, List.of(), false);
            List<long[]> longPrompt = prompts(rnd, 1, PREFILL_TOKENS);
            g.generate(longPrompt, one);
            double prefill = median(runs, () -> seconds(() -> g.generate(longPrompt, one)));
            double[] decode = new double[2];
            int[] batches = {1, 8};
            for (int k = 0; k < 2; k++) {
                List<long[]> ps = prompts(rnd, batches[k], PROMPT_TOKENS);
                g.generate(ps, many);
                double first = median(runs, () -> seconds(() -> g.generate(ps, one)));
                double all = median(runs, () -> seconds(() -> g.generate(ps, many)));
                decode[k] = batches[k] * NEW_TOKENS / (all - first);
            }
            long bytes = decodeBytes(cfg);
            double bandwidth = readBandwidth(model.manager(), runs);
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            out.put("impl", "tooltune");
            out.put("runs", runs);
            out.put("prefill_tokens_per_s", PREFILL_TOKENS / prefill);
            out.put("decode_b1_tokens_per_s", decode[0]);
            out.put("decode_b8_tokens_per_s", decode[1]);
            out.put("weight_bytes_per_token", bytes);
            out.put("read_bandwidth_gb_per_s", bandwidth / 1e9);
            out.put("b1_bandwidth_bound_tokens_per_s", bandwidth / bytes);
            System.out.println(Json.MAPPER.writeValueAsString(out));
        }
    }

    /** Bytes of weights one batch-1 decode step reads: everything but the position table, of which it reads one row. */
    static long decodeBytes(OptConfig cfg) {
        long n = 0;
        for (Map.Entry<String, Shape> e : OptModel.shapes(cfg).entrySet()) {
            n += e.getKey().endsWith("embed_positions.weight") ? e.getValue().get(1) : e.getValue().size();
        }
        return 4 * n;
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

    interface Timed {
        double run() throws Exception;
    }

    private static double median(int runs, Timed t) throws Exception {
        double[] v = new double[runs];
        for (int i = 0; i < runs; i++) v[i] = t.run();
        Arrays.sort(v);
        return runs % 2 == 1 ? v[runs / 2] : (v[runs / 2 - 1] + v[runs / 2]) / 2;
    }

    private static double seconds(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }
}
