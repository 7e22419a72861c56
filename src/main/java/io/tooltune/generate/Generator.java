package io.tooltune.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tooltune.BadInputException;
import io.tooltune.model.CausalLM;
import io.tooltune.model.GradMode;
import io.tooltune.model.KvCache;
import io.tooltune.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
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
    /** Shortest shared prompt prefix worth caching (a ToolLLaMA system prompt is several hundred tokens). */
    static final int MIN_PREFIX = 16;
    private final CausalLM model;
    private final Tokenizer tokenizer;
    private final boolean useKvCache;
    private final boolean prefixCaching;
    private long[] prefixIds;
    private NDManager prefixManager;
    private KvCache prefixCache;

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
        int maxPos = model.config().maxPositionEmbeddings();
        int vocab = model.config().vocabSize();
        for (int id : cfg.logitBias().keySet()) {
            if (id >= vocab) throw new BadInputException("logit bias: token id " + id + " is not below the vocabulary size " + vocab);
        }
        for (int i = 0; i < prompts.size(); i++) {
            int n = prompts.get(i).length;
            if (n == 0) throw new BadInputException("prompt " + i + ": empty");
            if (n > maxPos) {
                throw new BadInputException("prompt " + i + ": " + n + " tokens, more than max_position_embeddings " + maxPos);
            }
        }
        try (GradMode.Scope noGrad = GradMode.noGrad()) {
            return new Run(prompts, cfg, abandoned, constraints).decode();
        }
    }

    /** The state of one batch. */
    private final class Run {
        private final GenerationConfig cfg;
        private final IntPredicate abandoned;
        private final List<? extends TokenConstraint> constraints;
        private final int b;
        private final int pad = model.config().padTokenId();
        private final List<long[]> prompts;
        /** Leading tokens of every prompt taken from the prefix cache instead of this batch's first pass. */
        private final int shared;
        private final List<List<Long>> generated = new ArrayList<>();
        private final List<List<TokenLogprob>> logprobs = new ArrayList<>();
        private final String[] texts;
        private final boolean[] done;
        private final boolean[] hitMax;
        private final Random[] rngs;
        /** The whole batch so far (left-padded prompts, then one column per step), for the uncached path. */
        private long[][] ids;
        private long[][] mask;

        Run(List<long[]> prompts, GenerationConfig cfg, IntPredicate abandoned,
            List<? extends TokenConstraint> constraints) {
            this.prompts = prompts;
            this.cfg = cfg;
            this.abandoned = abandoned;
            this.constraints = constraints;
            this.b = prompts.size();
            texts = new String[b];
            done = new boolean[b];
            hitMax = new boolean[b];
            rngs = new Random[b];
            shared = useKvCache ? sharedPrefix(prompts) : 0;
            int len = prompts.stream().mapToInt(p -> p.length).max().orElse(0) - shared;
            ids = new long[b][len];
            mask = new long[b][len];
            for (int i = 0; i < b; i++) {
                long[] p = prompts.get(i);
                int n = p.length - shared;
                Arrays.fill(ids[i], pad);
                System.arraycopy(p, shared, ids[i], len - n, n);
                Arrays.fill(mask[i], len - n, len, 1);
                generated.add(new ArrayList<>());
                logprobs.add(new ArrayList<>());
                texts[i] = "";
                rngs[i] = cfg.seed() != null ? new Random(cfg.seed()) : new Random();
                done[i] = cfg.maxNewTokens() == 0;
            }
        }

        List<Output> decode() {
            try (NDManager run = model.manager().newSubManager();
                 KvCache cache = useKvCache ? new KvCache(model.config().numLayers()) : null) {
                if (shared > 0) seedCache(cache, run, shared, b);
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
                        if (done[i] || abandoned.test(i)) {
                            done[i] = true;
                            next[i] = pad;
                            continue;
                        }
                        constrain(i, logits, i * vocab, vocab);
                        Sampler.Pick pick = Sampler.pick(logits, i * vocab, vocab, cfg, rngs[i], generated.get(i));
                        next[i] = pick.token();
                        nextMask[i] = 1;
                        accept(i, next[i]);
                        if (pick.scores() != null) logprobs.get(i).add(pick.scores().named(Generator.this::tokenText, texts[i].length()));
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
            for (int i = 0; i < b; i++) {
                out.add(new Output(generated.get(i).stream().mapToLong(Long::longValue).toArray(), texts[i], hitMax[i],
                        List.copyOf(logprobs.get(i))));
            }
            return out;
        }

        private TokenConstraint constraint(int i) {
            return constraints == null ? null : constraints.get(i);
        }

        private void constrain(int i, float[] logits, int from, int vocab) {
            TokenConstraint c = constraint(i);
            BitSet allowed = c == null ? null : c.allowed(tokensLeft(i));
            if (allowed == null || allowed.isEmpty()) return;
            for (int j = allowed.nextClearBit(0); j < vocab; j = allowed.nextClearBit(j + 1)) {
                logits[from + j] = Float.NEGATIVE_INFINITY;
            }
        }

        /** New tokens sequence {@code i} may still take (the token limit and the model's positions), at least 1. */
        private int tokensLeft(int i) {
            int n = generated.get(i).size();
            return Math.max(1, Math.min(cfg.maxNewTokens() - n,
                    model.config().maxPositionEmbeddings() - prompts.get(i).length - n));
        }

        private void accept(int i, long token) {
            List<Long> g = generated.get(i);
            g.add(token);
            TokenConstraint c = constraint(i);
            if (c != null) c.accept((int) token);
            if (cfg.stopAtEos() && model.config().eosTokenIds().contains((int) token)) {
                done[i] = true;
                return;
            }
            if (c != null && c.finished()) done[i] = true;
            texts[i] = tokenizer.decode(g.stream().mapToLong(Long::longValue).toArray(), true);
            for (String s : cfg.stopStrings()) {
                int at = texts[i].indexOf(s);
                if (at >= 0) {
                    texts[i] = texts[i].substring(0, at);
                    done[i] = true;
                }
            }
            if (!done[i] && (g.size() >= cfg.maxNewTokens()
                    || prompts.get(i).length + g.size() >= model.config().maxPositionEmbeddings())) {
                done[i] = true;
                hitMax[i] = true;
            }
        }

        private boolean allDone() {
            for (boolean d : done) if (!d) return false;
            return true;
        }

        private float[] lastLogits(NDManager m, long[][] stepIds, long[][] stepMask, KvCache cache) {
            int t = cache == null ? ids[0].length : stepIds[0].length;
            long[][] src = cache == null ? ids : stepIds;
            long[][] srcMask = cache == null ? mask : stepMask;
            NDArray h = forward(m, m.create(flat(src), new Shape(b, t)), m.create(flat(srcMask), new Shape(b, t)), cache);
            return model.head(h.get(":, -1:, :")).toFloatArray();
        }
    }

    /** One id's text on its own, special tokens included. */
    private String tokenText(int id) {
        return tokenizer.decode(new long[] {id}, false);
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
        for (long[] p : prompts) {
            common = Math.min(common, p.length - 1);
            for (int j = 0; j < common; j++) {
                if (p[j] != first[j]) {
                    common = j;
                    break;
                }
            }
        }
        if (!prefixCaching || common < MIN_PREFIX) return 0;
        if (prefixIds != null) {
            int reuse = 0;
            while (reuse < Math.min(common, prefixIds.length) && prefixIds[reuse] == first[reuse]) reuse++;
            if (reuse >= MIN_PREFIX && reuse * 10 >= common * 9) return reuse;
            prefixCache.close();
            prefixManager.close();
        }
        prefixIds = Arrays.copyOf(first, common);
        prefixManager = model.manager().newSubManager();
        prefixCache = new KvCache(model.config().numLayers());
        try (NDManager pass = prefixManager.newSubManager()) {
            Shape shape = new Shape(1, common);
            forward(pass, pass.create(prefixIds, shape), pass.ones(shape, DataType.INT64), prefixCache);
            prefixCache.attachAll(prefixManager);
        }
        return common;
    }

    /** Starts a batch's cache with the first {@code shared} positions of the prefix cache, once per sequence. */
    private void seedCache(KvCache cache, NDManager m, int shared, int b) {
        String slice = ":, :, :" + shared + ", :";
        for (int l = 0; l < model.config().numLayers(); l++) {
            NDArray[] kv = prefixCache.layer(l);
            try (NDArray ks = kv[0].get(slice); NDArray vs = kv[1].get(slice)) {
                NDArray k = ks.repeat(0, b);
                NDArray v = vs.repeat(0, b);
                k.attach(m);
                v.attach(m);
                cache.append(l, k, v);
            }
        }
        cache.setMask(m.ones(new Shape(b, shared), DataType.INT64));
        cache.advance(shared);
    }

    /** Runs the decoder over {@code ids} (appending to {@code cache} when given) and returns the last hidden states. */
    private NDArray forward(NDManager m, NDArray ids, NDArray attentionMask, KvCache cache) {
        CausalLM.Embedded e = model.embed(ids, attentionMask, cache);
        NDArray h = e.hidden();
        // each layer's intermediates (attention scores: B x heads x T x T) are freed as soon as the layer is done;
        // kept until the pass ends, a 2000-token prefill of opt-350m would hold tens of GB
        for (int l = 0; l < model.config().numLayers(); l++) {
            try (NDManager layer = m.newSubManager()) {
                h.attach(layer);
                h = model.layer(l, h, e.attentionBias(), cache, false);
                h.attach(m);
                if (cache != null) cache.attachAll(m);
            }
        }
        if (cache != null) cache.advance(ids.getShape().get(1));
        return h;
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
