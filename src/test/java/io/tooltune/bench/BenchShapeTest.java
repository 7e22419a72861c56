package io.tooltune.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.tooltune.Json;
import io.tooltune.model.decoder.DecoderConfig;
import io.tooltune.model.decoder.DecoderModel;
import io.tooltune.model.qwen2.Qwen2Family;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchShapeTest {
    @Test
    void qwenShapeHasQwen25HalfBillionsParameterCount() {
        // Qwen2.5-0.5B's safetensors hold 494,032,768 parameters (tied head counted once)
        long n = DecoderModel.shapes(BenchShape.qwen25Config()).values().stream().mapToLong(Shape::size).sum();
        assertEquals(494_032_768L, n);
        assertEquals(BenchShape.QWEN25_05B, BenchShape.of("qwen2.5-0.5b"));
    }

    @Test
    void randomDecoderWeightsFollowTransformersInit() {
        Map<String, Object> json = Map.of("model_type", "qwen2", "vocab_size", 300, "hidden_size", 64,
                "intermediate_size", 128, "num_hidden_layers", 1, "num_attention_heads", 4, "num_key_value_heads", 2);
        DecoderConfig cfg = new Qwen2Family().readConfig(Json.MAPPER.valueToTree(json), "tiny");
        try (DecoderModel m = DecoderModel.random(cfg, 3)) {
            Map<String, NDArray> p = m.parameters();
            assertEquals(DecoderModel.shapes(cfg).keySet(), p.keySet());
            assertEquals(64f, p.get("model.layers.0.input_layernorm.weight").sum().getFloat());
            assertEquals(0f, p.get("model.layers.0.self_attn.q_proj.bias").abs().sum().getFloat());
            float std = p.get(DecoderModel.EMBED).pow(2).mean().sqrt().getFloat();
            assertTrue(Math.abs(std - 0.02f) < 0.001f, "embedding std " + std);
        }
    }
}
