package io.tooltune.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.tooltune.model.CausalLM;
import io.tooltune.model.KvCache;
import io.tooltune.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;

/**
 * Batched autoregressive generation with a KV cache: prompts are left-padded into one batch, every step runs one
 * forward pass for all sequences still going, and each sequence stops on its own (EOS, stop string, max tokens, or
 * abandoned by its caller). Only the last position's logits are computed.
 */
public final class Generator {
    private final CausalLM model;
    private final Tokenizer tokenizer;

    public Generator(CausalLM model, Tokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /** One sequence's result: the new ids, their text (cut at a stop string), and whether max tokens ended it. */
    public record Output(long[] ids, String text, boolean hitMaxTokens) {}

    public List<Output> generate(List<long[]> prompts, GenerationConfig cfg) {
        return generate(prompts, cfg, i -> false);
    }

    /** {@code abandoned.test(i)} is checked every step; an abandoned sequence stops (its output is discarded). */
    public List<Output> generate(List<long[]> prompts, GenerationConfig cfg, IntPredicate abandoned) {
        int b = prompts.size();
        int len = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        int pad = model.config().padTokenId();
        long[] ids = new long[b * len];
        long[] mask = new long[b * len];
        for (int i = 0; i < b; i++) {
            long[] p = prompts.get(i);
            int off = len - p.length;
            Arrays.fill(ids, i * len, i * len + off, pad);
            System.arraycopy(p, 0, ids, i * len + off, p.length);
            Arrays.fill(mask, i * len + off, (i + 1) * len, 1);
        }
        List<List<Long>> generated = new ArrayList<>();
        String[] texts = new String[b];
        boolean[] done = new boolean[b];
        boolean[] hitMax = new boolean[b];
        Random[] rngs = new Random[b];
        for (int i = 0; i < b; i++) {
            generated.add(new ArrayList<>());
            rngs[i] = cfg.seed() != null ? new Random(cfg.seed()) : new Random();
        }
        try (NDManager m = model.manager().newSubManager(); KvCache cache = new KvCache(model.config().numLayers())) {
            NDArray stepIds = m.create(ids, new Shape(b, len));
            NDArray stepMask = m.create(mask, new Shape(b, len));
            for (int step = 0; step < cfg.maxNewTokens(); step++) {
                float[] logits = lastLogits(stepIds, stepMask, cache);
                stepIds.close();
                int vocab = logits.length / b;
                long[] next = new long[b];
                for (int i = 0; i < b; i++) {
                    if (done[i] || abandoned.test(i)) {
                        done[i] = true;
                        next[i] = pad;
                        continue;
                    }
                    next[i] = sample(Arrays.copyOfRange(logits, i * vocab, (i + 1) * vocab), cfg, rngs[i]);
                    if (cfg.stopAtEos() && next[i] == model.config().eosTokenId()) {
                        done[i] = true;
                        continue;
                    }
                    generated.get(i).add(next[i]);
                    texts[i] = tokenizer.decode(generated.get(i).stream().mapToLong(Long::longValue).toArray(), false);
                    for (String s : cfg.stopStrings()) {
                        int at = texts[i].indexOf(s);
                        if (at >= 0) {
                            texts[i] = texts[i].substring(0, at);
                            done[i] = true;
                        }
                    }
                    if (!done[i] && generated.get(i).size() >= cfg.maxNewTokens()) {
                        done[i] = true;
                        hitMax[i] = true;
                    }
                }
                boolean all = true;
                for (boolean d : done) all &= d;
                if (all) break;
                long[] ones = new long[b];
                Arrays.fill(ones, 1);
                stepIds = m.create(next, new Shape(b, 1));
                stepMask = m.create(ones, new Shape(b, 1));
            }
        }
        List<Output> out = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            long[] g = generated.get(i).stream().mapToLong(Long::longValue).toArray();
            out.add(new Output(g, texts[i] == null ? "" : texts[i], hitMax[i]));
        }
        return out;
    }

    private float[] lastLogits(NDArray ids, NDArray mask, KvCache cache) {
        // every intermediate of the step is freed with the scope; the model hands the cache's arrays over to it
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return stepLogits(ids, mask, cache);
        }
    }

    private float[] stepLogits(NDArray ids, NDArray mask, KvCache cache) {
        CausalLM.Embedded e = model.embed(ids, mask, cache);
        NDArray h = e.hidden();
        for (int i = 0; i < model.config().numLayers(); i++) {
            NDArray next = model.layer(i, h, e.attentionBias(), cache, false);
            h.close();
            h = next;
        }
        cache.advance(ids.getShape().get(1));
        try (NDArray last = h.get(":, -1:, :"); NDArray logits = model.head(last)) {
            return logits.toFloatArray();
        } finally {
            h.close();
            e.attentionBias().close();
        }
    }

    /** Greedy at temperature 0; otherwise softmax(logits / T) filtered by top-k and nucleus top-p, then drawn. */
    static long sample(float[] logits, GenerationConfig cfg, Random rng) {
        int best = 0;
        for (int j = 1; j < logits.length; j++) if (logits[j] > logits[best]) best = j;
        if (cfg.temperature() <= 0) return best;
        Integer[] order = new Integer[logits.length];
        for (int j = 0; j < order.length; j++) order[j] = j;
        Arrays.sort(order, (x, y) -> Float.compare(logits[y], logits[x]));
        int keep = cfg.topK() > 0 ? Math.min(cfg.topK(), order.length) : order.length;
        double[] p = new double[keep];
        double sum = 0;
        for (int j = 0; j < keep; j++) {
            p[j] = Math.exp((logits[order[j]] - logits[best]) / cfg.temperature());
            sum += p[j];
        }
        double cum = 0;
        int cut = keep;
        for (int j = 0; j < keep; j++) {
            cum += p[j] / sum;
            if (cum >= cfg.topP()) {
                cut = j + 1;
                break;
            }
        }
        double total = 0;
        for (int j = 0; j < cut; j++) total += p[j];
        double r = rng.nextDouble() * total;
        for (int j = 0; j < cut; j++) {
            r -= p[j];
            if (r <= 0) return order[j];
        }
        return order[cut - 1];
    }
}
