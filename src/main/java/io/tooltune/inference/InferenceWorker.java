package io.tooltune.inference;

import io.tooltune.model.io.LoadedModel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The one thread that runs a model, shared by the agent's local backend and the server. Callers submit requests and
 * get futures. A model worker ({@link #forModel}) batches continuously: queued requests join the running batch
 * whenever it has fewer than {@code maxBatch} sequences, whatever their decoding settings, and each leaves it the
 * step it finishes ({@link io.tooltune.generate.ContinuousDecoder}); lingering is pointless there and ignored. A worker over a
 * {@link BatchDecoder} (static batching) takes the oldest queued request plus every queued one with the same
 * decoding settings (up to {@code maxBatch}), waiting up to {@code lingerMillis} for more to arrive while the batch
 * is not full, and decodes them to the end together. Cancelling a future drops a queued request and stops a running
 * one at the next step. Request-level on purpose: callers never see batches, so the scheduling can change
 * underneath them.
 */
public final class InferenceWorker implements AutoCloseable {
    /**
     * Batches run so far and the requests in them; under continuous batching, decode steps and the sequences in
     * them (so the mean is the mean running batch).
     */
    public record Stats(long batches, long sequences) {
        public double meanBatchSize() {
            return batches == 0 ? 0 : (double) sequences / batches;
        }
    }

    /** Sequences being decoded, requests waiting for a place, and the places there are (for monitoring). */
    public record Load(int running, int waiting, int maxBatch) {}

    private record Pending(InferenceRequest request, CompletableFuture<Completion> future) {
        boolean cancelled() {
            return future.isDone();
        }
    }

    private final BatchDecoder decoder;
    /** Continuous batching over a model; null over a {@link BatchDecoder}. */
    private final ModelSteps steps;
    private final int maxBatch;
    private final long lingerNanos;
    private final AutoCloseable resources;
    private final LinkedList<Pending> queue = new LinkedList<>();
    private final Thread thread;
    private boolean closed;
    private volatile List<CompletableFuture<Completion>> running = List.of();
    private long batches, sequences;
    private volatile IntSupplier lockstepCallers;
    private final ArrayDeque<List<Pending>> lockstepBatches = new ArrayDeque<>();

    /**
     * Continuous batching over the model in {@code loaded}, which the worker closes after its thread has stopped.
     * {@code lingerMillis} is checked and otherwise unused (a request joins the running batch at the next step).
     */
    public static InferenceWorker forModel(LoadedModel loaded, int maxBatch, long lingerMillis) {
        return new InferenceWorker(null, new ModelSteps(loaded, maxBatch), true, maxBatch, lingerMillis, loaded);
    }

    /**
     * Continuous batching in which a request that arrives during a decode pass waits for the pass to end before its
     * prefill (the engine before prefills between layers; kept as the baseline of the time-to-first-token benchmark).
     */
    public static InferenceWorker prefillingBetweenSteps(LoadedModel loaded, int maxBatch) {
        return new InferenceWorker(null, new ModelSteps(loaded, maxBatch), false, maxBatch, 0, loaded);
    }

    /** Continuous batching over the model in {@code loaded}, which stays open (the caller's to close). */
    public static InferenceWorker sharing(LoadedModel loaded, int maxBatch) {
        return new InferenceWorker(null, new ModelSteps(loaded, maxBatch), true, maxBatch, 0, () -> { });
    }

    /** Static batching over the model in {@code loaded} (the baseline that continuous batching is measured against). */
    public static InferenceWorker staticBatches(LoadedModel loaded, int maxBatch, long lingerMillis) {
        return new InferenceWorker(new ModelBatchDecoder(loaded), maxBatch, lingerMillis, loaded);
    }

    public InferenceWorker(BatchDecoder decoder, int maxBatch, long lingerMillis) {
        this(decoder, maxBatch, lingerMillis, () -> { });
    }

    /** {@code resources} are closed once the thread has stopped (the model the decoder runs, typically). */
    public InferenceWorker(BatchDecoder decoder, int maxBatch, long lingerMillis, AutoCloseable resources) {
        this(decoder, null, false, maxBatch, lingerMillis, resources);
    }

    private InferenceWorker(BatchDecoder decoder, ModelSteps steps, boolean prefillBetweenLayers, int maxBatch, long lingerMillis,
                            AutoCloseable resources) {
        if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be >= 1");
        if (lingerMillis < 0) throw new IllegalArgumentException("lingerMillis must be >= 0");
        this.decoder = decoder;
        this.steps = steps;
        this.maxBatch = maxBatch;
        this.lingerNanos = TimeUnit.MILLISECONDS.toNanos(lingerMillis);
        this.resources = resources;
        if (prefillBetweenLayers) steps.admitBetweenLayers(this::admitArrivals);
        this.thread = Thread.ofPlatform().name("tooltune-model").daemon().start(this::loop);
    }

    /** Queues a request; the future completes with its completion, or exceptionally when decoding failed. */
    public CompletableFuture<Completion> submit(InferenceRequest request) {
        CompletableFuture<Completion> f = new CompletableFuture<>();
        synchronized (queue) {
            if (closed) throw new IllegalStateException("the model worker is closed");
            queue.add(new Pending(request, f));
            queue.notifyAll();
        }
        return f;
    }

    /**
     * Deterministic batches (null: lingering, the default). Instead of lingering, the worker waits until as many
     * requests are queued as {@code expectedCallers} says are running (the agent's query threads still working), then
     * decodes all of them ordered by prompt, in batches of up to {@code maxBatch}: which prompts share a batch, and so
     * the padding and the sampled tokens, no longer depend on thread timing.
     */
    public void lockstep(IntSupplier expectedCallers) {
        lockstepCallers = expectedCallers;
        synchronized (queue) {
            queue.notifyAll();
        }
    }

    public Load load() {
        int waiting;
        synchronized (queue) {
            waiting = queue.size();
        }
        return new Load(running.size(), waiting, maxBatch);
    }

    public Stats stats() {
        synchronized (queue) {
            return new Stats(batches, sequences);
        }
    }

    /** The next batch, or null once closed. */
    private List<Pending> nextBatch() throws InterruptedException {
        synchronized (queue) {
            while (true) {
                queue.removeIf(Pending::cancelled);
                if (closed) return null;
                IntSupplier callers = lockstepCallers;
                if (callers != null) {
                    List<Pending> batch = lockstepBatches.poll();
                    if (batch != null) {
                        batch.removeIf(Pending::cancelled);
                        if (batch.isEmpty()) continue;
                        batches++;
                        sequences += batch.size();
                        return batch;
                    }
                    if (queue.isEmpty()) queue.wait();
                    // a caller that finishes lowers the count without a notification, hence the short timed wait
                    else if (queue.size() < callers.getAsInt()) queue.wait(1);
                    else planLockstep();
                    continue;
                }
                if (queue.isEmpty()) {
                    queue.wait();
                    continue;
                }
                List<Pending> batch = new ArrayList<>();
                Pending first = queue.removeFirst();
                batch.add(first);
                long deadline = System.nanoTime() + lingerNanos;
                while (true) {
                    for (Iterator<Pending> it = queue.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
                        Pending p = it.next();
                        if (!p.cancelled() && first.request().batchesWith(p.request())) {
                            batch.add(p);
                            it.remove();
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (batch.size() >= maxBatch || closed || left <= 0) break;
                    TimeUnit.NANOSECONDS.timedWait(queue, left);
                }
                batch.removeIf(Pending::cancelled);
                if (closed) {
                    batch.forEach(p -> p.future().completeExceptionally(closedError()));
                    return null;
                }
                if (batch.isEmpty()) continue;
                batches++;
                sequences += batch.size();
                return batch;
            }
        }
    }

    /**
     * Every queued request, ordered by prompt, into batches of compatible requests (any under continuous batching,
     * where settings are per sequence), called holding the queue.
     */
    private void planLockstep() {
        List<Pending> rest = new ArrayList<>(queue);
        queue.clear();
        rest.sort(Comparator.comparing((Pending p) -> p.request().prompt()));
        while (!rest.isEmpty()) {
            Pending first = rest.get(0);
            List<Pending> batch = new ArrayList<>(), others = new ArrayList<>();
            for (Pending p : rest) {
                if (batch.size() < maxBatch && (steps != null || first.request().batchesWith(p.request()))) batch.add(p);
                else others.add(p);
            }
            lockstepBatches.add(batch);
            rest = others;
        }
    }

    private void loop() {
        if (steps != null) {
            continuousLoop();
            return;
        }
        Throwable broken = null;
        try {
            decoder.onWorkerThread();
        } catch (RuntimeException | Error e) {
            broken = e;
        }
        while (true) {
            List<Pending> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                return;
            }
            if (batch == null) return;
            running = batch.stream().map(Pending::future).toList();
            try {
                if (broken != null) throw new IllegalStateException("the model worker failed to start", broken);
                List<Completion> out = decoder.decode(batch.stream().map(Pending::request).toList(), i -> batch.get(i).cancelled());
                if (out.size() != batch.size()) {
                    throw new IllegalStateException(out.size() + " completions for a batch of " + batch.size());
                }
                for (int i = 0; i < batch.size(); i++) {
                    Consumer<String> listener = batch.get(i).request().onText();
                    if (listener != null && !out.get(i).text().isEmpty()) listener.accept(out.get(i).text());
                    batch.get(i).future().complete(out.get(i));
                }
            } catch (Exception | Error e) {
                for (Pending p : batch) p.future().completeExceptionally(e);
            }
            running = List.of();
        }
    }

    /** Admits queued requests while the batch has room, then steps the batch, until closed. */
    private void continuousLoop() {
        try {
            while (true) {
                try {
                    if (!admit()) return;
                } catch (InterruptedException e) {
                    return;
                }
                steps.cancelGone();
                try {
                    steps.step();
                } catch (RuntimeException | Error e) {
                    steps.failAll(e);
                }
                running = steps.running();
                synchronized (queue) {
                    batches = steps.decodeSteps();
                    sequences = steps.sequenceSteps();
                }
            }
        } finally {
            steps.close();
        }
    }

    /**
     * Moves queued requests into the running batch while it has room, waiting while there is nothing to run; in
     * lockstep mode a planned batch joins only once the previous one has finished, so the batches stay the same from
     * run to run. False once closed.
     */
    private boolean admit() throws InterruptedException {
        List<Pending> joining = new ArrayList<>();
        synchronized (queue) {
            while (true) {
                queue.removeIf(Pending::cancelled);
                if (closed) return false;
                if (lockstepCallers != null) {
                    if (steps.active() > 0) return true;
                    List<Pending> planned = nextBatch();
                    if (planned == null) return false;
                    joining.addAll(planned);
                    break;
                }
                if (steps.active() == 0 && queue.isEmpty()) {
                    queue.wait();
                    continue;
                }
                takeWhileRoom(joining);
                break;
            }
        }
        join(joining);
        return true;
    }

    /**
     * Between the layers of a decode pass: moves queued requests into the batch while it has room, without waiting.
     * Not in lockstep mode, whose batches must not depend on when requests arrive.
     */
    private void admitArrivals() {
        if (lockstepCallers != null) return;
        List<Pending> joining;
        synchronized (queue) {
            if (closed || queue.isEmpty()) return;
            joining = new ArrayList<>();
            queue.removeIf(Pending::cancelled);
            takeWhileRoom(joining);
        }
        join(joining);
    }

    /** Takes queued requests into {@code joining} while the batch has room; called holding the queue. */
    private void takeWhileRoom(List<Pending> joining) {
        while (steps.active() + joining.size() < maxBatch && !queue.isEmpty()) joining.add(queue.removeFirst());
    }

    private void join(List<Pending> joining) {
        for (Pending p : joining) steps.admit(p.request(), p.future());
        running = steps.running();
    }

    private static IllegalStateException closedError() {
        return new IllegalStateException("the model worker is closed");
    }

    /** Fails queued and running requests (a running batch stops at the decoder's next step), then frees the resources. */
    @Override
    public void close() {
        synchronized (queue) {
            closed = true;
            for (Pending p : queue) p.future().completeExceptionally(closedError());
            queue.clear();
            for (List<Pending> b : lockstepBatches) b.forEach(p -> p.future().completeExceptionally(closedError()));
            lockstepBatches.clear();
            queue.notifyAll();
        }
        for (CompletableFuture<Completion> f : running) f.completeExceptionally(closedError());
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the model: " + e.getMessage(), e);
        }
    }
}
