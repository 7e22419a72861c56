package io.tooltune.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.tooltune.Shared;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.model.CausalLM;
import io.tooltune.model.Device;
import io.tooltune.model.KvCache;
import io.tooltune.model.Linears;
import io.tooltune.model.ModelConfig;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request that reaches the worker while a decode pass runs: with prefills between layers (the default) its first
 * token is sampled inside that pass; with prefills between steps only, after it. The pass is held at its first layer
 * by a gate in the model, so the order does not depend on timing.
 */
class ArrivalDuringPassTest {

    /** The fixture model, holding the first layer of its third decode pass until the test has submitted a request. */
    private static final class GatedModel implements CausalLM {
        final CausalLM inner;
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch submitted = new CountDownLatch(1);
        final AtomicBoolean inDecodePass = new AtomicBoolean();
        final AtomicInteger decodePasses = new AtomicInteger();

        GatedModel(CausalLM inner) {
            this.inner = inner;
        }

        @Override
        public NDArray layer(int index, NDArray hidden, NDArray attentionBias, KvCache cache, boolean training) {
            boolean decodeStep = hidden.getShape().get(1) == 1;
            if (decodeStep && index == 0) {
                inDecodePass.set(true);
                if (decodePasses.incrementAndGet() == 3) {
                    held.countDown();
                    await(submitted);
                }
            }
            NDArray out = inner.layer(index, hidden, attentionBias, cache, training);
            if (decodeStep && index == inner.config().numLayers() - 1) inDecodePass.set(false);
            return out;
        }

        private static void await(CountDownLatch latch) {
            try {
                assertTrue(latch.await(30, TimeUnit.SECONDS), "the test never released the pass");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override public ModelConfig config() { return inner.config(); }
        @Override public NDManager manager() { return inner.manager(); }
        @Override public Map<String, NDArray> parameters() { return inner.parameters(); }
        @Override public Linears linears() { return inner.linears(); }
        @Override public CausalLM copyAs(DataType type) { return inner.copyAs(type); }
        @Override public CausalLM copyTo(Device device) { return inner.copyTo(device); }
        @Override public Embedded embed(NDArray ids, NDArray mask, KvCache cache) { return inner.embed(ids, mask, cache); }
        @Override public NDArray head(NDArray hidden) { return inner.head(hidden); }
        @Override public void close() { inner.close(); }
    }

    /** Whether the second request's first token was sampled while the held decode pass was still running. */
    private static boolean firstTokenInsideThePass(Function<LoadedModel, InferenceWorker> worker) throws Exception {
        LoadedModel fixture = ModelFolder.load(Shared.path("fixtures/opt/tiny-opt-prenorm"));
        GatedModel gated = new GatedModel(fixture.model());
        AtomicBoolean insidePass = new AtomicBoolean();
        AtomicInteger firstTokens = new AtomicInteger();
        GenerationConfig cfg = GenerationConfig.greedy(6).withStopAtEos(false).withLogprobs(0);
        try (InferenceWorker w = worker.apply(new LoadedModel(gated, fixture.tokenizer()))) {
            CompletableFuture<Completion> running = w.submit(new InferenceRequest("Hello there", cfg, null, null, null, null, null));
            assertTrue(gated.held.await(30, TimeUnit.SECONDS), "the first request never reached its third decode pass");
            CompletableFuture<Completion> arriving = w.submit(new InferenceRequest("Numbers: 1, 2, 3,", cfg, null, null, null,
                    token -> {
                        if (firstTokens.getAndIncrement() == 0) insidePass.set(gated.inDecodePass.get());
                    }, null));
            gated.submitted.countDown();
            assertEquals(6, running.get(30, TimeUnit.SECONDS).completionTokens());
            assertEquals(6, arriving.get(30, TimeUnit.SECONDS).completionTokens());
        }
        return insidePass.get();
    }

    @Test
    void aRequestArrivingDuringADecodePassIsPrefilledInsideIt() throws Exception {
        assertTrue(firstTokenInsideThePass(m -> InferenceWorker.forModel(m, 4, 0)),
                "first token sampled between the layers of the pass it arrived in");
    }

    @Test
    void withPrefillsBetweenStepsOnlyItWaitsForThePassToEnd() throws Exception {
        assertTrue(!firstTokenInsideThePass(m -> InferenceWorker.prefillingBetweenSteps(m, 4)),
                "first token sampled after the pass it arrived in");
    }
}
