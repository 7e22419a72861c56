package io.tooltune.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tooltune.BadInputException;
import io.tooltune.model.CausalLM;
import io.tooltune.model.GradMode;
import io.tooltune.model.KvCache;
import io.tooltune.model.PassThreads;
import io.tooltune.model.SlotKvCache;
import io.tooltune.tokenizer.Tokenizer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Continuous batching: sequences join and leave the running batch at every step. Each {@link #step} first prefills
 * the next admitted sequence by one chunk (alone, in its own cache, starting with the keys and values of what its
 * prompt shares with the previous prompt, whose prefill is kept for that), then runs one decode step over every running sequence, whose keys
 * and values sit in the rows of a {@link SlotKvCache}. A prefilled sequence joins the rows; a finished or cancelled
 * one leaves them at once. Every sequence decodes with its own settings ({@link Sequence}).
 *
 * <p>With {@link #admitBetweenLayers} set, a sequence that arrives while a decode pass runs does not wait for the
 * pass: between two of its layers the callback admits it and, when its prompt fits one chunk, it is prefilled there
 * and its first token sampled; it joins the rows once the pass has ended. Its time to first token is then about its
 * own prefill, not a whole step more. Not thread-safe: one thread drives it.
 */
public final class ContinuousDecoder implements AutoCloseable {
    /** Prompt tokens per prefill chunk: longer prompts are prefilled over several steps, between decode steps. */
    public static final int DEFAULT_PREFILL_CHUNK = 512;
    private static final int INITIAL_COLUMNS = 256;

    private final CausalLM model;
    private final Sequence.Limits limits;
    private final int maxSequences;
    private final int prefillChunk;
    private final NDManager manager;
    private final SlotKvCache cache;
    private final PrefixCache prefix;
    private final ArrayDeque<Slot> waiting = new ArrayDeque<>();
    private final List<Slot> rows = new ArrayList<>();
    private Prefill prefilling;
    /** Prefilled sequences waiting for the end of the pass to join the rows. */
    private final List<Prefilled> ready = new ArrayList<>();
    private Runnable admitBetweenLayers;
    private long decodeSteps;
    private long sequenceSteps;

    /** One admitted sequence: its progress and, once {@link Slot#done()}, its output. */
    public static final class Slot {
        private final Sequence seq;
        private volatile boolean cancelled;
        private long lastToken;

        private Slot(Sequence seq) {
            this.seq = seq;
        }

        /** Drops the sequence: it leaves the batch at the start of the next step. */
        public void cancel() {
            cancelled = true;
        }

        public boolean done() {
            return seq.done();
        }

        public int promptTokens() {
            return seq.prompt().length;
        }

        public Generator.Output output() {
            return seq.output();
        }
    }

    /** A sequence being prefilled: its own growing cache and how many prompt tokens are in it. */
    private record Prefill(Slot slot, NDManager manager, KvCache cache, int[] filled) implements AutoCloseable {
        @Override
        public void close() {
            cache.close();
            manager.close();
        }
    }

    /**
     * Sequences prefilled into {@code cache} (row {@code cacheRows[i]} holds {@code slots[i]}) that join the rows
     * together; {@code afterJoin} then releases the cache or hands it to the prefix cache.
     */
    private record Prefilled(KvCache cache, List<Slot> slots, List<Integer> cacheRows, Runnable afterJoin) {}

    public ContinuousDecoder(CausalLM model, Tokenizer tokenizer, int maxSequences, int prefillChunk) {
        if (maxSequences < 1 || prefillChunk < 1) throw new IllegalArgumentException("maxSequences and prefillChunk must be >= 1");
        this.model = model;
        this.limits = new Sequence.Limits(tokenizer, model.config().eosTokenIds(), model.config().contextLength());
        this.maxSequences = maxSequences;
        this.prefillChunk = prefillChunk;
        this.manager = model.manager().newSubManager();
        this.cache = new SlotKvCache(manager, model.config().numLayers(), maxSequences,
                Math.min(INITIAL_COLUMNS, model.config().maxPositionEmbeddings()));
        this.prefix = new PrefixCache(model);
    }

    /**
     * Queues a sequence for prefill; {@code listener} (may be null) gets its text piece by piece as it is decoded,
     * on the thread that calls {@link #step}.
     */
    public Slot admit(long[] prompt, GenerationConfig cfg, TokenConstraint constraint, Consumer<String> listener) {
        return admit(prompt, cfg, constraint, listener, null);
    }

    /**
     * As {@link #admit(long[], GenerationConfig, TokenConstraint, Consumer)}; {@code tokenListener} (may be null)
     * also gets each token's log-probability (when the config asks for them) before the text that token adds.
     */
    public Slot admit(long[] prompt, GenerationConfig cfg, TokenConstraint constraint, Consumer<String> listener,
                      Consumer<TokenLogprob> tokenListener) {
        if (prompt.length == 0) throw new BadInputException("prompt: empty");
        if (prompt.length > limits.maxPositions()) {
            throw new BadInputException("prompt: " + prompt.length + " tokens, more than " + model.config().contextDescription());
        }
        if (!hasRoom()) throw new IllegalStateException("all " + maxSequences + " sequences are in use");
        Slot slot = new Slot(new Sequence(prompt, cfg, constraint, listener, tokenListener, limits));
        waiting.add(slot);
        return slot;
    }

    /**
     * Runs {@code admit} (null: nothing) between the layers of every decode pass; sequences it admits are prefilled
     * right there when their prompt fits one chunk, so they need not wait for the pass to end.
     */
    public void admitBetweenLayers(Runnable admit) {
        this.admitBetweenLayers = admit;
    }

    /** Whether another sequence may be admitted. */
    public boolean hasRoom() {
        return active() < maxSequences;
    }

    /** Sequences admitted and not finished: waiting for prefill, being prefilled, or decoding. */
    public int active() {
        int joining = 0;
        for (Prefilled p : ready) joining += p.slots().size();
        return waiting.size() + (prefilling == null ? 0 : 1) + rows.size() + joining;
    }

    /** Sequences in the decode batch. */
    public int running() {
        return rows.size();
    }

    /** Decode steps run so far. */
    public long decodeSteps() {
        return decodeSteps;
    }

    /** The sum over decode steps of the sequences in them. */
    public long sequenceSteps() {
        return sequenceSteps;
    }

    /**
     * One prefill chunk, then one decode step; returns the sequences that finished or were cancelled during it (a
     * sequence whose first token already ends it never joins the batch).
     */
    public List<Slot> step() {
        List<Slot> finished = new ArrayList<>();
        try (GradMode.Scope noGrad = GradMode.noGrad()) {
            dropCancelled(finished);
            if (prefilling == null && waiting.size() > 1) prefillTogether(finished);
            if (prefilling == null && !waiting.isEmpty()) prefilling = startPrefill(waiting.poll());
            if (prefilling != null && prefillChunk(prefilling, finished)) prefilling = null;
            joinReady();
            if (!rows.isEmpty()) decode(finished);
        }
        return finished;
    }

    private void dropCancelled(List<Slot> finished) {
        for (int r = rows.size() - 1; r >= 0; r--) {
            if (rows.get(r).cancelled) finished.add(removeRow(r));
        }
        waiting.removeIf(s -> {
            if (s.cancelled) finished.add(s);
            return s.cancelled;
        });
        if (prefilling != null && prefilling.slot().cancelled) {
            finished.add(prefilling.slot());
            prefilling.close();
            prefilling = null;
        }
    }

    /**
     * A prefill that starts from the prefix its prompt shares with the previous prompt (when long enough to pay),
     * read in place.
     */
    private Prefill startPrefill(Slot slot) {
        int shared = sharedPrefix(slot.seq.prompt());
        NDManager m = manager.newSubManager();
        KvCache own = shared > 0 ? prefix.startCache(shared, 1, m) : new KvCache(model.config().numLayers());
        return new Prefill(slot, m, own, new int[] {shared});
    }

    /** Prefills the next chunk of {@code pf}; true when that was its last, its first token sampled. */
    private boolean prefillChunk(Prefill pf, List<Slot> finished) {
        long[] p = pf.slot().seq.prompt();
        int from = pf.filled()[0];
        int n = Math.min(prefillChunk, p.length - from);
        float[] logits = null;
        try (NDManager pass = pf.manager().newSubManager()) {
            Shape shape = new Shape(1, n);
            NDArray h = model.hidden(pass, pass.create(Arrays.copyOfRange(p, from, from + n), shape),
                    pass.ones(shape, DataType.INT64), pf.cache());
            pf.cache().attachAll(pf.manager());
            if (from + n == p.length) logits = model.head(h.get(":, -1:, :")).toFloatArray();
        }
        pf.filled()[0] = from + n;
        if (logits == null) return false;
        Slot slot = pf.slot();
        slot.lastToken = slot.seq.next(logits, 0, logits.length);
        boolean joins = !slot.seq.done();
        if (!joins) finished.add(slot);
        ready.add(new Prefilled(pf.cache(), joins ? List.of(slot) : List.of(), List.of(0),
                () -> prefix.keep(p, pf.manager(), pf.cache())));
        return true;
    }

    /** Adds the prefilled sequences to the rows (between passes only: the slot cache must not change during one). */
    private void joinReady() {
        for (Prefilled p : ready) {
            for (int i = 0; i < p.slots().size(); i++) {
                cache.addRow(p.cache(), p.cacheRows().get(i));
                rows.add(p.slots().get(i));
            }
            p.afterJoin().run();
        }
        ready.clear();
    }

    /**
     * Between two layers of a decode pass: admits what arrived and prefills every waiting sequence whose prompt
     * fits one chunk (longer ones wait for the next step's chunks), then restores the pass's thread count.
     */
    private void prefillArrivals(List<Slot> finished, int passRows) {
        admitBetweenLayers.run();
        if (waiting.isEmpty()) return;
        if (waiting.size() > 1) prefillTogether(finished);
        for (Iterator<Slot> it = waiting.iterator(); it.hasNext(); ) {
            Slot s = it.next();
            long[] p = s.seq.prompt();
            if (p.length - sharedPrefix(p) > prefillChunk) continue;
            it.remove();
            if (!prefillChunk(startPrefill(s), finished)) throw new IllegalStateException("a one-chunk prefill took more");
        }
        PassThreads.forPass(passRows);
    }

    /** Leading tokens of {@code prompt} the prefix cache serves (0 when too few to pay). */
    private int sharedPrefix(long[] prompt) {
        int shared = prefix.match(prompt, prompt.length - 1);
        return shared < PrefixCache.MIN_PREFIX ? 0 : shared;
    }

    /**
     * Prefills the waiting sequences whose prompts share the cached prefix and whose rest fits in one chunk as one
     * left-padded batch (one pass over the weights for all of them, as a static batch would; the prefix is read in
     * place, once for all of them); they join the rows at the next {@link #joinReady}. Does nothing unless at least two qualify.
     */
    private void prefillTogether(List<Slot> finished) {
        List<Slot> group = new ArrayList<>();
        int shared = Integer.MAX_VALUE;
        for (Slot s : waiting) {
            long[] p = s.seq.prompt();
            int match = sharedPrefix(p);
            if (match == 0 || p.length - match > prefillChunk) continue;
            group.add(s);
            shared = Math.min(shared, match);
        }
        if (group.size() < 2) return;
        waiting.removeAll(group);
        int b = group.size();
        int len = 0;
        for (Slot s : group) len = Math.max(len, s.seq.prompt().length - shared);
        long[] ids = new long[b * len];
        long[] mask = new long[b * len];
        Arrays.fill(ids, model.config().padTokenId());
        for (int r = 0; r < b; r++) {
            long[] p = group.get(r).seq.prompt();
            int n = p.length - shared;
            System.arraycopy(p, shared, ids, r * len + len - n, n);
            Arrays.fill(mask, r * len + len - n, (r + 1) * len, 1);
        }
        NDManager m = manager.newSubManager();
        KvCache together = prefix.startCache(shared, b, m);
        float[] logits;
        try {
            Shape shape = new Shape(b, len);
            NDArray h = model.hidden(m, m.create(ids, shape), m.create(mask, shape), together);
            together.attachAll(m);
            logits = model.head(h.get(":, -1:, :")).toFloatArray();
        } catch (RuntimeException | Error e) {
            together.close();
            m.close();
            throw e;
        }
        int vocab = logits.length / b;
        List<Slot> joining = new ArrayList<>();
        List<Integer> cacheRows = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            Slot slot = group.get(r);
            slot.lastToken = slot.seq.next(logits, r * vocab, vocab);
            if (slot.seq.done()) finished.add(slot);
            else {
                joining.add(slot);
                cacheRows.add(r);
            }
        }
        ready.add(new Prefilled(together, joining, cacheRows, () -> {
            together.close();
            m.close();
        }));
    }

    private void decode(List<Slot> finished) {
        int n = rows.size();
        long[] ids = new long[n];
        for (int r = 0; r < n; r++) ids[r] = rows.get(r).lastToken;
        float[] logits;
        Runnable betweenLayers = admitBetweenLayers == null ? null : () -> prefillArrivals(finished, n);
        try (NDManager step = manager.newSubManager()) {
            cache.beginStep(step, 1);
            Shape shape = new Shape(n, 1);
            NDArray h = model.hidden(step, step.create(ids, shape), step.ones(shape, DataType.INT64), cache,
                    betweenLayers);
            logits = model.head(h).toFloatArray();
        }
        decodeSteps++;
        sequenceSteps += n;
        int vocab = logits.length / n;
        for (int r = 0; r < n; r++) rows.get(r).lastToken = rows.get(r).seq.next(logits, r * vocab, vocab);
        // backwards, so that the row swapped into a freed place has been looked at already
        for (int r = n - 1; r >= 0; r--) {
            if (rows.get(r).seq.done()) finished.add(removeRow(r));
        }
        joinReady();
    }

    private Slot removeRow(int r) {
        Slot gone = rows.get(r);
        cache.removeRow(r);
        int last = rows.size() - 1;
        rows.set(r, rows.get(last));
        rows.remove(last);
        return gone;
    }

    /** Ends every sequence (their slots report done) and frees the caches. */
    @Override
    public void close() {
        if (prefilling != null) prefilling.close();
        prefilling = null;
        for (Prefilled p : ready) {
            p.slots().forEach(s -> s.seq.abandon());
            p.afterJoin().run();
        }
        ready.clear();
        for (Slot s : rows) s.seq.abandon();
        for (Slot s : waiting) s.seq.abandon();
        rows.clear();
        waiting.clear();
        cache.close();
        prefix.close();
        manager.close();
    }
}
