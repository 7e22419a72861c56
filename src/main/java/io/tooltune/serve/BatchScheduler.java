package io.tooltune.serve;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Collects concurrent completion requests into batches for one model worker thread. While a batch decodes, new
 * requests queue; the next batch takes the oldest request plus every queued one with the same sampling settings
 * (up to {@code maxBatch}), so that concurrent clients share forward passes. Cancelled requests are dropped from
 * the queue, and the runner is told which running ones were cancelled so that it can stop decoding them.
 */
final class BatchScheduler implements AutoCloseable {

    /** Runs one batch on the worker thread; {@code jobs} share their sampling settings. */
    interface Runner {
        List<ModelBackend.Completion> run(List<Pending> batch);
    }

    /** A queued request; {@code cancelled()} turns true when the client went away. */
    record Pending(ModelBackend.Job job, CompletableFuture<ModelBackend.Completion> future) {
        boolean cancelled() {
            return future.isDone();
        }
    }

    private final int maxBatch;
    private final Runner runner;
    private final LinkedList<Pending> queue = new LinkedList<>();
    private final Thread worker;
    private volatile boolean closed;
    private volatile List<Pending> running = List.of();
    private long batches;
    private long batchedRequests;

    private final Runnable threadInit;

    /** {@code threadInit} runs first on the worker thread (the model backend switches grad mode off there). */
    BatchScheduler(int maxBatch, Runnable threadInit, Runner runner) {
        this.maxBatch = maxBatch;
        this.runner = runner;
        this.threadInit = threadInit;
        this.worker = new Thread(this::loop, "tooltune-serve-model");
        worker.setDaemon(true);
        worker.start();
    }

    CompletableFuture<ModelBackend.Completion> submit(ModelBackend.Job job) {
        CompletableFuture<ModelBackend.Completion> f = new CompletableFuture<>();
        synchronized (queue) {
            if (closed) throw new IllegalStateException("the model worker is closed");
            queue.add(new Pending(job, f));
            queue.notifyAll();
        }
        return f;
    }

    /** Mean requests per batch so far (how much batching happened). */
    synchronized double meanBatchSize() {
        return batches == 0 ? 0 : (double) batchedRequests / batches;
    }

    private static boolean compatible(ModelBackend.Job a, ModelBackend.Job b) {
        return a.maxTokens() == b.maxTokens() && a.temperature() == b.temperature() && a.topP() == b.topP()
                && Objects.equals(a.seed(), b.seed()) && a.stop().equals(b.stop());
    }

    private List<Pending> nextBatch() throws InterruptedException {
        synchronized (queue) {
            while (true) {
                queue.removeIf(Pending::cancelled);
                if (!queue.isEmpty() || closed) break;
                queue.wait();
            }
            List<Pending> batch = new ArrayList<>();
            if (closed) return batch;
            Pending first = queue.removeFirst();
            batch.add(first);
            for (Iterator<Pending> it = queue.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
                Pending p = it.next();
                if (compatible(first.job(), p.job())) {
                    batch.add(p);
                    it.remove();
                }
            }
            return batch;
        }
    }

    private void loop() {
        Throwable broken = null;
        try {
            threadInit.run();
        } catch (RuntimeException | Error e) {
            broken = e;
        }
        while (!closed) {
            List<Pending> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                return;
            }
            if (batch.isEmpty()) continue;
            synchronized (this) {
                batches++;
                batchedRequests += batch.size();
            }
            running = batch;
            try {
                if (broken != null) throw new IllegalStateException("the model worker failed to start", broken);
                List<ModelBackend.Completion> out = runner.run(batch);
                for (int i = 0; i < batch.size(); i++) batch.get(i).future().complete(out.get(i));
            } catch (RuntimeException | Error e) {
                for (Pending p : batch) p.future().completeExceptionally(e);
            }
            running = List.of();
        }
    }

    @Override
    public void close() {
        synchronized (queue) {
            closed = true;
            for (Pending p : queue) p.future().cancel(false);
            queue.clear();
            queue.notifyAll();
        }
        for (Pending p : running) p.future().cancel(false);
        worker.interrupt();
        try {
            worker.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
