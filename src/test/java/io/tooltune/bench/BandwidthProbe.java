package io.tooltune.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import io.tooltune.model.CausalLM;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.tooltune.bench.BenchTiming.median;
import static io.tooltune.bench.BenchTiming.seconds;

/**
 * Two upper bounds for batch-1 decoding, measured with libtorch in the benchmark's own process (the engine's intra-op
 * threads), each the median of several repetitions:
 * <ul>
 *   <li>{@link #sum}: the read bandwidth of summing a float32 buffer far larger than any cache;</li>
 *   <li>{@link #matVecSweep}: the time of one batch-1 matrix-vector product ({@code x·Wᵀ}, the op the models use)
 *   over every weight matrix a decode step reads, nothing else: the same bytes as a step, with none of its other
 *   work, so its tokens/s is the practical ceiling of this workload on this machine.</li>
 * </ul>
 */
final class BandwidthProbe {
    /** 2 GiB: well beyond any last-level cache. */
    static final long SUM_BYTES = 2L << 30;

    private BandwidthProbe() {}

    /** A probe's median seconds and the bytes it read. */
    record Reading(double seconds, long bytes) {
        double gbPerS() {
            return bytes / seconds / 1e9;
        }
    }

    /** Median time of summing a {@link #SUM_BYTES} float32 buffer, after a warm-up sum. */
    static Reading sum(NDManager parent, int repetitions) throws Exception {
        try (NDManager m = parent.newSubManager()) {
            NDArray big = m.ones(new Shape(SUM_BYTES / 4), DataType.FLOAT32);
            big.sum().close();
            return new Reading(median(repetitions, () -> seconds(() -> big.sum().close())), SUM_BYTES);
        }
    }

    /**
     * Median time of one sweep of batch-1 products ({@link Linear#linear}, the models' op) over the weight matrices a
     * decode step reads (see {@link BenchShape#decodeBytes}: a position table is read one row at a time, so it is
     * left out, and a tied embedding counts once, as the head). Input vectors are made before timing; each product's
     * output is freed.
     */
    static Reading matVecSweep(CausalLM model, int repetitions) throws Exception {
        List<NDArray> matrices = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            NDArray w = e.getValue();
            if (w.getShape().dimension() != 2 || e.getKey().endsWith("embed_positions.weight")) continue;
            matrices.add(w);
            bytes += w.getShape().size() * w.getDataType().getNumOfBytes();
        }
        try (NDManager m = model.manager().newSubManager()) {
            Map<Long, NDArray> inputs = new HashMap<>();
            for (NDArray w : matrices) {
                inputs.computeIfAbsent(w.getShape().get(1), in -> m.ones(new Shape(1, 1, in), w.getDataType()).mul(0.01f));
            }
            Runnable sweep = () -> {
                for (NDArray w : matrices) Linear.linear(inputs.get(w.getShape().get(1)), w, null).singletonOrThrow().close();
            };
            sweep.run();
            return new Reading(median(repetitions, () -> seconds(sweep)), bytes);
        }
    }
}
