package io.tooltune.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.model.CausalLM;
import io.tooltune.model.decoder.DecoderConfig;
import io.tooltune.model.decoder.DecoderModel;
import io.tooltune.model.opt.OptConfig;
import io.tooltune.model.opt.OptModel;
import io.tooltune.model.qwen2.Qwen2Family;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The model shapes the speed benchmarks compare against PyTorch eager (bench/*.py build the same ones), with random
 * weights: {@code opt350m} and {@code qwen2.5-0.5b} (Qwen2.5-0.5B's config.json: 24 layers, hidden 896, 14 query and
 * 2 key/value heads, FFN 4864, vocabulary 151,936, tied head, rope theta 10^6, q/k/v biases).
 */
enum BenchShape {
    OPT350M("opt350m"),
    QWEN25_05B("qwen2.5-0.5b");

    private final String flag;

    BenchShape(String flag) {
        this.flag = flag;
    }

    String flag() {
        return flag;
    }

    /** The shape named {@code flag} on the command line. */
    static BenchShape of(String flag) {
        return Arrays.stream(values()).filter(s -> s.flag.equals(flag)).findFirst()
                .orElseThrow(() -> new BadInputException("--shape " + flag + ": not one of "
                        + Arrays.stream(values()).map(BenchShape::flag).collect(Collectors.joining(", "))));
    }

    /** A model of this shape with random weights (float32, CPU). */
    CausalLM random(long seed) {
        return random(seed, 24);
    }

    /** The same with {@code layers} decoder layers (fewer, to fit a machine's memory). */
    CausalLM random(long seed, int layers) {
        return switch (this) {
            case OPT350M -> OptModel.random(OptConfig.opt350m().toBuilder().numLayers(layers).build(), seed);
            case QWEN25_05B -> DecoderModel.random(qwen25Config(layers), seed);
        };
    }

    static DecoderConfig qwen25Config() {
        return qwen25Config(24);
    }

    private static DecoderConfig qwen25Config(int layers) {
        Map<String, Object> json = Map.ofEntries(Map.entry("model_type", "qwen2"), Map.entry("vocab_size", 151936),
                Map.entry("hidden_size", 896), Map.entry("intermediate_size", 4864), Map.entry("num_hidden_layers", layers),
                Map.entry("num_attention_heads", 14), Map.entry("num_key_value_heads", 2),
                Map.entry("max_position_embeddings", 32768), Map.entry("rms_norm_eps", 1e-6),
                Map.entry("rope_theta", 1000000.0), Map.entry("tie_word_embeddings", true),
                Map.entry("bos_token_id", 151643), Map.entry("eos_token_id", 151645));
        return new Qwen2Family().readConfig(Json.MAPPER.valueToTree(json), "qwen2.5-0.5b shape");
    }

    /**
     * Bytes of weights one batch-1 decode step reads: every parameter once (a tied matrix once, as the head), except
     * a position table, of which it reads one row.
     */
    static long decodeBytes(CausalLM model) {
        long n = 0;
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            Shape shape = e.getValue().getShape();
            n += e.getKey().endsWith("embed_positions.weight") ? shape.get(1) : shape.size();
        }
        return 4 * n;
    }
}
