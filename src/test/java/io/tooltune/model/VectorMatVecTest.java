package io.tooltune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.Generator;
import io.tooltune.model.decoder.DecoderConfig;
import io.tooltune.model.decoder.DecoderModel;
import io.tooltune.model.qwen2.Qwen2Family;
import io.tooltune.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class VectorMatVecTest {
    /** Relative to the largest output: the kernel sums in another order than libtorch. */
    private static final double TOLERANCE = 1e-4;

    /** Equal to libtorch's product within {@link #TOLERANCE} of its largest output, and the same shape. */
    private static void assertSameProduct(NDArray want, NDArray got, String what) {
        assertNotNull(got, what + ": the kernel declined");
        assertEquals(want.getShape(), got.getShape(), what);
        float[] w = want.toFloatArray();
        float[] g = got.toFloatArray();
        float scale = 0;
        for (float v : w) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < w.length; i++) {
            assertTrue(Math.abs(w[i] - g[i]) <= TOLERANCE * scale, what + ": output " + i + " " + g[i] + " vs " + w[i]);
        }
    }

    @Test
    void productEqualsLibtorchsOnOneAndTwoThreads() {
        ExecutorService helper = Executors.newSingleThreadExecutor();
        // rows not a multiple of 4 or 2, columns not a multiple of a vector's lanes: every tail path runs
        long[][] shapes = {{1024, 1024}, {4864, 896}, {896, 4864}, {1027, 515}, {7, 33}, {1, 16}};
        try (NDManager m = NDManager.newBaseManager(); GradMode.Scope s = GradMode.noGrad()) {
            for (long[] shape : shapes) {
                NDArray w = m.randomNormal(new Shape(shape[0], shape[1]));
                NDArray b = m.randomNormal(new Shape(shape[0]));
                NDArray x = m.randomNormal(new Shape(1, 1, shape[1]));
                String what = shape[0] + "x" + shape[1];
                NDArray plain = Linear.linear(x, w, null).singletonOrThrow();
                assertSameProduct(plain, VectorMatVec.linear(x, w, null, null), what + ", one thread");
                assertSameProduct(plain, VectorMatVec.linear(x, w, null, helper), what + ", two threads");
                assertSameProduct(Linear.linear(x, w, b).singletonOrThrow(), VectorMatVec.linear(x, w, b, helper),
                        what + ", with a bias");
                NDArray x2 = x.reshape(1, shape[1]);
                assertSameProduct(Linear.linear(x2, w, b).singletonOrThrow(), VectorMatVec.linear(x2, w, b, helper),
                        what + ", a 2-d input");
            }
        } finally {
            helper.shutdown();
        }
    }

    @Test
    void declinesWhatItCannotReadInPlace() {
        try (NDManager m = NDManager.newBaseManager(); GradMode.Scope s = GradMode.noGrad()) {
            NDArray w = m.randomNormal(new Shape(512, 1024));
            NDArray x = m.randomNormal(new Shape(1, 1, 1024));
            NDArray transposed = m.randomNormal(new Shape(1024, 512)).transpose();
            assertEquals(w.getShape(), transposed.getShape());
            assertNull(VectorMatVec.linear(x, transposed, null, null), "a transposed (non-contiguous) weight");
            assertNull(VectorMatVec.linear(x.toType(DataType.FLOAT16, false), w.toType(DataType.FLOAT16, false), null,
                    null), "a half-precision weight");
            assertNull(VectorMatVec.linear(x, w.toType(DataType.FLOAT64, false), null, null), "a double weight");
            // the row slices RowSplit and the models pass are contiguous views: read in place
            assertSameProduct(Linear.linear(x, w.get("256:"), null).singletonOrThrow(),
                    VectorMatVec.linear(x, w.get("256:"), null, null), "a slice of rows");
        }
    }

    /** The kernel is on in the test JVM (pom.xml starts it with the module) and RowSplit routes batch-1 products to it. */
    @Test
    void rowSplitRoutesBatch1ProductsToTheKernel() {
        assumeTrue(Runtime.version().feature() >= 22, "JDK 21: the kernel is not built");
        assumeTrue(PassThreads.configured() > 1, "libtorch is configured with one intra-op thread here: no split");
        assertTrue(RowSplit.vectorKernelOn(), "the test JVM runs with --add-modules jdk.incubator.vector");
        try (NDManager m = NDManager.newBaseManager(); GradMode.Scope s = GradMode.noGrad()) {
            NDArray w = m.randomNormal(new Shape(1025, 512));
            NDArray x = m.randomNormal(new Shape(1, 1, 512));
            PassThreads.forPass(1);
            assertSameProduct(Linear.linear(x, w, null).singletonOrThrow(), RowSplit.linear(x, w, null), "RowSplit");
        }
    }

    /**
     * Greedy decoding of a random qwen2-shaped model whose MLP, attention and head weights are large enough for the
     * kernel: the same 16 tokens with it and without it (libtorch's split product).
     */
    @Test
    void greedyTokensOfAQwen2ShapedModelAreTheSameWithAndWithoutTheKernel() {
        assumeTrue(Runtime.version().feature() >= 22, "JDK 21: the kernel is not built");
        assumeTrue(PassThreads.configured() > 1, "libtorch is configured with one intra-op thread here: no batch-1 split");
        Tokenizer tok = Tokenizer.load(Shared.path("fixtures/opt/tokenizer"));
        Map<String, Object> json = Map.of("model_type", "qwen2", "vocab_size", 4096, "hidden_size", 512,
                "intermediate_size", 1024, "num_hidden_layers", 2, "num_attention_heads", 8, "num_key_value_heads", 2,
                "tie_word_embeddings", true);
        DecoderConfig cfg = new Qwen2Family().readConfig(Json.MAPPER.valueToTree(json), "qwen2-shaped");
        List<long[]> prompt = List.of(new long[] {11, 523, 97, 4000, 7, 1234});
        GenerationConfig greedy = GenerationConfig.greedy(16).withStopAtEos(false);
        try (DecoderModel model = DecoderModel.random(cfg, 11)) {
            assertTrue(model.parameters().get("model.layers.0.mlp.up_proj.weight").getShape().size() >= RowSplit.MIN_ELEMENTS);
            assertTrue(RowSplit.vectorKernelOn());
            long[] with = new Generator(model, tok).generate(prompt, greedy).get(0).ids();
            RowSplit.useVectorKernel(false);
            long[] without;
            try {
                without = new Generator(model, tok).generate(prompt, greedy).get(0).ids();
            } finally {
                RowSplit.useVectorKernel(true);
            }
            assertEquals(16, with.length);
            assertArrayEquals(without, with);
        }
    }
}
