package io.tooltune.model.opt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tooltune.Json;
import io.tooltune.model.CausalLM;
import io.tooltune.model.Device;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

/** Presets and builder against transformers' OPTConfig defaults and facebook/opt-350m's published size. */
class OptConfigTest {
    @Test
    void builderDefaultsAreThoseOfAnEmptyConfigJson() throws Exception {
        OptConfig fromJson = OptConfig.fromJson(Json.MAPPER.readTree("{\"model_type\": \"opt\"}"));
        assertEquals(fromJson, OptConfig.builder().build());
        assertEquals(768, fromJson.wordEmbedProjDim(), "word_embed_proj_dim falls back to hidden_size");
        assertEquals(OptConfig.opt350m(), OptConfig.fromJson(OptConfig.opt350m().toJson()));
        assertEquals(OptConfig.tiny(), OptConfig.tiny().toBuilder().build());
    }

    @Test
    void opt350mHasItsPublishedParameterCount() {
        long n = OptModel.shapes(OptConfig.opt350m()).values().stream().mapToLong(Shape::size).sum();
        assertEquals(331_196_416L, n);
    }

    @Test
    void parameterCountAndHalfCopy() {
        OptConfig c = OptConfig.tiny().toBuilder().vocabSize(500).maxPositionEmbeddings(64).build();
        try (OptModel m = OptModel.random(c, 1); CausalLM half = m.copyAs(DataType.FLOAT16)) {
            long expected = OptModel.shapes(c).values().stream().mapToLong(Shape::size).sum();
            assertEquals(expected, m.parameterCount());
            assertEquals(expected, half.parameterCount());
            assertNotSame(m.manager(), half.manager());
            String name = OptModel.PREFIX + "layers.0.fc1.weight";
            NDArray h = half.parameters().get(name);
            assertEquals(DataType.FLOAT16, h.getDataType());
            float[] want = m.parameters().get(name).toFloatArray();
            float[] got = h.toType(DataType.FLOAT32, false).toFloatArray();
            for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-3 * Math.abs(want[i]) + 1e-7);
            try (CausalLM copy = m.copyTo(Device.CPU)) {
                assertArrayEquals(want, copy.parameters().get(name).toFloatArray());
                copy.parameters().get(name).muli(0);
                assertEquals(want[0], m.parameters().get(name).toFloatArray()[0], "a copy, not a view");
            }
        }
    }
}
