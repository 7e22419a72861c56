package io.tooltune.inference;

import java.util.List;
import java.util.function.IntPredicate;

/**
 * Decodes one batch on the {@link InferenceWorker}'s thread: the model ({@link ModelBatchDecoder}) or, in tests, a
 * script. The requests of a batch share their decoding settings.
 */
@FunctionalInterface
public interface BatchDecoder {
    /**
     * One completion per request, in order. {@code cancelled.test(i)} turns true when request {@code i}'s caller has
     * gone; a decoder that checks it stops decoding that sequence.
     */
    List<Completion> decode(List<InferenceRequest> batch, IntPredicate cancelled) throws Exception;

    /** Runs once on the worker thread before the first batch. */
    default void onWorkerThread() {}
}
