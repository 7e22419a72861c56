package io.tooltune.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tooltune.BadInputException;
import io.tooltune.model.CausalLM;
import io.tooltune.model.GradMode;
import io.tooltune.model.KvCache;
import io.tooltune.model.SharedPrefix;
import io.tooltune.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Autoregressive generation for one prompt or several as one left-padded batch. Each step runs one forward pass
 * over the whole batch (only the new tokens when the KV cache is on, the full sequences otherwise) and takes the
 * last position's logits; every sequence stops on its own (EOS, stop string, max new tokens, the model's position
 * limit, or abandoned by the caller) and then only feeds masked pads. With the KV cache on, the prompts' longest
 * common prefix (a tool-calling system prompt, typically) is computed once and its keys and values are reused by
 * the batch and by later batches that start the same way. Runs with grad mode off on the calling thread. Not
 * thread-safe.
 */
public final class Generator {
    private final CausalLM model;
    private final Tokenizer tokenizer;
    private final boolean useKvCache;
    private final boolean prefixCaching;
    private final PrefixCache prefix;

    public Generator(CausalLM model, Tokenizer tokenizer) {
        this(model, tokenizer, true, true);
    }

    /** {@code useKvCache} false recomputes every sequence in full at each step (the reference for the cached path). */
    public Generator(CausalLM model, Tokenizer tokenizer, boolean useKvCache) {
        this(model, tokenizer, useKvCache, useKvCache);
    }

    /** {@code prefixCaching} (KV cache only) reuses the shared prompt prefix's keys and values across batches. */
    public Generator(CausalLM model, Tokenizer tokenizer, boolean useKvCache, boolean prefixCaching) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.useKvCache = useKvCache;
        this.prefixCaching = useKvCache && prefixCaching;
        this.prefix = new PrefixCache(model);
    }

    /**
     * One sequence's result: the new ids (an EOS that ended it included), their text without special tokens and cut
     * before a stop string, whether the token or position limit ended it, and one log-probability per new id when the
     * config asks for them (else empty).
     */
    public record Output(long[] ids, String text, boolean hitMaxTokens, List<TokenLogprob> logprobs) {
        public Output(long[] ids, String text, boolean hitMaxTokens) {
            this(ids, text, hitMaxTokens, List.of());
        }
    }

    public Output generate(String prompt, GenerationConfig cfg) {
        return generate(List.of(tokenizer.encode(prompt)), cfg).get(0);
    }

    public List<Output> generate(List<long[]> prompts, GenerationConfig cfg) {
        return generate(prompts, cfg, i -> false);
    }

    /** {@code abandoned.test(i)} is checked every step; an abandoned sequence stops where it is. */
    public List<Output> generate(List<long[]> prompts, GenerationConfig cfg, IntPredicate abandoned) {
        return generate(prompts, cfg, abandoned, null);
    }

    /**
     * As {@link #generate(List, GenerationConfig, IntPredicate)}, where {@code constraints.get(i)} (the list, or an
     * entry, may be null: free decoding) gives the tokens sequence {@code i} may take next; the others' logits are
     * set to minus infinity before the pick, and a constraint that says it is finished ends its sequence.
     */
    public List<Output> generate(List<long[]> prompts, GenerationConfig cfg, IntPredicate abandoned,
                                 List<? extends TokenConstraint> constraints) {
        int maxPos = model.config().contextLength();
        int vocab = model.config().vocabSize();
        for (int id : cfg.logitBias().keySet()) {
            if (id >= vocab) throw new BadInputException("logit bias: token id " + id + " is not below the vocabulary size " + vocab);
        }
        for (int i = 0; i < prompts.size(); i++) {
            int n = prompts.get(i).length;
            if (n == 0) throw new BadInputException("prompt " + i + ": empty");
            if (n > maxPos) {
                throw new BadInputException("prompt " + i + ": " + n + " tokens, more than " + model.config().contextDescription());
            }
        }
        try (GradMode.Scope noGrad = GradMode.noGrad()) {
            return new Run(prompts, cfg, abandoned, constraints).decode();
        }
    }

    /** The state of one batch. */
    private final class Run {
        private final IntPredicate abandoned;
        private final int b;
        private final int pad = model.config().padTokenId();
        /** Leading tokens of every prompt taken from the prefix cache instead of this batch's first pass. */
        private final int shared;
        private final Sequence[] seqs;
        /** The whole batch so far (left-padded prompts, then one column per step), for the uncached path. */
        private long[][] ids;
        private long[][] mask;

        Run(List<long[]> prompts, GenerationConfig cfg, IntPredicate abandoned,
            List<? extends TokenConstraint> constraints) {
            this.abandoned = abandoned;
            this.b = prompts.size();
            seqs = new Sequence[b];
            shared = useKvCache ? sharedPrefix(prompts) : 0;
            int len = prompts.stream().mapToInt(p -> p.length).max().orElse(0) - shared;
            ids = new long[b][len];
            mask = new long[b][len];
            Sequence.Limits limits = limits();
            for (int i = 0; i < b; i++) {
                long[] p = prompts.get(i);
                int n = p.length - shared;
                Arrays.fill(ids[i], pad);
                System.arraycopy(p, shared, ids[i], len - n, n);
                Arrays.fill(mask[i], len - n, len, 1);
                seqs[i] = new Sequence(p, cfg, constraints == null ? null : constraints.get(i), null, limits);
            }
        }

        List<Output> decode() {
            try (NDManager run = model.manager().newSubManager();
                 KvCache cache = !useKvCache ? null
                         : shared > 0 ? prefix.startCache(shared, b, run) : new KvCache(model.config().numLayers())) {
                long[][] stepIds = ids;
                long[][] stepMask = mask;
                while (!allDone()) {
                    float[] logits;
                    try (NDManager step = run.newSubManager()) {
                        logits = lastLogits(step, stepIds, stepMask, cache);
                        if (cache != null) cache.attachAll(run);
                    }
                    long[] next = new long[b];
                    long[] nextMask = new long[b];
                    int vocab = logits.length / b;
                    for (int i = 0; i < b; i++) {
                        if (seqs[i].done() || abandoned.test(i)) {
                            seqs[i].abandon();
                            next[i] = pad;
                            continue;
                        }
                        next[i] = seqs[i].next(logits, i * vocab, vocab);
                        nextMask[i] = 1;
                    }
                    stepIds = column(next);
                    stepMask = column(nextMask);
                    if (cache == null) {
                        ids = append(ids, next);
                        mask = append(mask, nextMask);
                    }
                }
            }
            List<Output> out = new ArrayList<>();
            for (Sequence s : seqs) out.add(s.output());
            return out;
        }

        private boolean allDone() {
            for (Sequence s : seqs) if (!s.done()) return false;
            return true;
        }

        private float[] lastLogits(NDManager m, long[][] stepIds, long[][] stepMask, KvCache cache) {
            int t = cache == null ? ids[0].length : stepIds[0].length;
            long[][] src = cache == null ? ids : stepIds;
            long[][] srcMask = cache == null ? mask : stepMask;
            NDArray h = model.hidden(m, m.create(flat(src), new Shape(b, t)), m.create(flat(srcMask), new Shape(b, t)), cache);
            return model.head(h.get(":, -1:, :")).toFloatArray();
        }
    }

    /** What every sequence of this model shares: the tokenizer, the EOS ids and the position limit. */
    Sequence.Limits limits() {
        return new Sequence.Limits(tokenizer, model.config().eosTokenIds(), model.config().contextLength());
    }

    /**
     * How many leading tokens every prompt takes from the prefix cache (computing and caching the batch's common
     * prefix first when the cached one does not cover at least 90 % of it), or 0 when the shared part is too short.
     * Pads then sit between the shared prefix and each prompt's rest, masked out; OPT's positions come from the
     * mask, so they stay contiguous. One token of every prompt is always left for the batch's own first pass.
     */
    private int sharedPrefix(List<long[]> prompts) {
        long[] first = prompts.get(0);
        int common = first.length - 1;
        for (long[] p : prompts) common = SharedPrefix.commonPrefix(first, p, Math.min(common, p.length - 1));
        return prefixCaching ? prefix.take(first, common) : 0;
    }

    private static long[][] column(long[] v) {
        long[][] out = new long[v.length][1];
        for (int i = 0; i < v.length; i++) out[i][0] = v[i];
        return out;
    }

    private static long[][] append(long[][] rows, long[] col) {
        long[][] out = new long[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = Arrays.copyOf(rows[i], rows[i].length + 1);
            out[i][rows[i].length] = col[i];
        }
        return out;
    }

    private static long[] flat(long[][] rows) {
        int t = rows[0].length;
        long[] out = new long[rows.length * t];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, out, i * t, t);
        return out;
    }
}
