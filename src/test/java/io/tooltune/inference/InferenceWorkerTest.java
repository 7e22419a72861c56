package io.tooltune.inference;

import io.tooltune.Shared;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.Generator;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InferenceWorkerTest {
    static InferenceRequest request(String prompt, double temperature) {
        return new InferenceRequest(prompt, GenerationConfig.sampling(8, temperature));
    }

    /** A decoder that upper-cases prompts, recording each batch, and holds the first batch until released. */
    private static final class HeldDecoder implements BatchDecoder {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch firstRunning = new CountDownLatch(1);
        final List<List<String>> batches = new CopyOnWriteArrayList<>();
        final List<Boolean> sawCancelled = new CopyOnWriteArrayList<>();

        @Override
        public List<Completion> decode(List<InferenceRequest> batch, IntPredicate cancelled) throws InterruptedException {
            batches.add(batch.stream().map(InferenceRequest::prompt).toList());
            firstRunning.countDown();
            assertTrue(release.await(10, TimeUnit.SECONDS));
            sawCancelled.add(cancelled.test(0));
            return batch.stream().map(r -> new Completion(r.prompt().toUpperCase(), 1, 1, false)).toList();
        }

        /** Submits a greedy request and waits until it runs, held. */
        CompletableFuture<Completion> submitHeld(InferenceWorker w, String prompt) throws InterruptedException {
            CompletableFuture<Completion> f = w.submit(request(prompt, 0));
            assertTrue(firstRunning.await(10, TimeUnit.SECONDS));
            return f;
        }
    }

    @Test
    void queuedRequestsShareABatchAndCancelledOnesAreDropped() throws Exception {
        HeldDecoder d = new HeldDecoder();
        try (InferenceWorker w = new InferenceWorker(d, 3, 0)) {
            CompletableFuture<Completion> a = d.submitHeld(w, "a");
            List<CompletableFuture<Completion>> rest = new ArrayList<>();
            for (String p : List.of("b", "c", "hot", "d", "e")) rest.add(w.submit(request(p, p.equals("hot") ? 0.7 : 0)));
            rest.get(1).cancel(true);
            d.release.countDown();
            assertEquals("A", a.get(10, TimeUnit.SECONDS).text());
            assertEquals("B", rest.get(0).get(10, TimeUnit.SECONDS).text());
            assertEquals("HOT", rest.get(2).get(10, TimeUnit.SECONDS).text());
            assertEquals("E", rest.get(4).get(10, TimeUnit.SECONDS).text());
            assertEquals(List.of(List.of("a"), List.of("b", "d", "e"), List.of("hot")), d.batches);
            assertEquals(new InferenceWorker.Stats(3, 5), w.stats());
        }
    }

    /** What /metrics reports: the sequences running, those queued behind them, and the places in the batch. */
    @Test
    void loadCountsRunningAndWaitingRequests() throws Exception {
        HeldDecoder d = new HeldDecoder();
        try (InferenceWorker w = new InferenceWorker(d, 4, 0)) {
            assertEquals(new InferenceWorker.Load(0, 0, 4), w.load());
            CompletableFuture<Completion> a = d.submitHeld(w, "a");
            CompletableFuture<Completion> b = w.submit(request("b", 0));
            CompletableFuture<Completion> c = w.submit(request("c", 0));
            assertEquals(new InferenceWorker.Load(1, 2, 4), w.load());
            d.release.countDown();
            a.get(10, TimeUnit.SECONDS);
            b.get(10, TimeUnit.SECONDS);
            c.get(10, TimeUnit.SECONDS);
        }
    }

    /** A running request whose caller went away is reported to the decoder, so that it can stop decoding it. */
    @Test
    void theDecoderSeesARunningRequestCancelled() throws Exception {
        HeldDecoder d = new HeldDecoder();
        try (InferenceWorker w = new InferenceWorker(d, 2, 0)) {
            CompletableFuture<Completion> a = d.submitHeld(w, "a");
            a.cancel(true);
            d.release.countDown();
            CompletableFuture<Completion> b = w.submit(request("b", 0));
            assertEquals("B", b.get(10, TimeUnit.SECONDS).text());
            assertEquals(List.of(true, false), d.sawCancelled);
        }
    }

    /** Closing fails the queued and the running requests at once, then waits for the batch to stop and frees the model. */
    @Test
    void closingFailsQueuedAndRunningRequestsAndRefusesNewOnes() throws Exception {
        HeldDecoder d = new HeldDecoder();
        List<String> closed = new CopyOnWriteArrayList<>();
        InferenceWorker w = new InferenceWorker(d, 1, 0, () -> closed.add("model"));
        CompletableFuture<Completion> running = d.submitHeld(w, "a");
        CompletableFuture<Completion> queued = w.submit(request("b", 0));
        Thread closer = Thread.ofPlatform().start(w::close);
        for (CompletableFuture<Completion> f : List.of(queued, running)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            assertEquals("the model worker is closed", e.getCause().getMessage());
        }
        assertEquals(List.of(), closed, "the model stays open while a batch runs");
        d.release.countDown();
        closer.join(10_000);
        assertEquals(List.of("model"), closed);
        assertEquals(List.of(List.of("a")), d.batches);
        assertThrows(IllegalStateException.class, () -> w.submit(request("c", 0)));
    }

    /**
     * A model worker batches requests with different settings together; each completes with the text it gets alone,
     * streamed piece by piece to its listener. Lockstep makes the three share the batch without relying on timing.
     */
    @Test
    void aModelWorkerDecodesRequestsWithDifferentSettingsInOneBatch() throws Exception {
        LoadedModel reference = ModelFolder.load(Shared.path("fixtures/opt/tiny-opt-prenorm"));
        List<InferenceRequest> requests = List.of(
                new InferenceRequest("Hello there", GenerationConfig.greedy(20).withStopAtEos(false)),
                new InferenceRequest("Numbers: 1, 2, 3,", GenerationConfig.greedy(7).withStopAtEos(false)),
                new InferenceRequest("Thought: I need", GenerationConfig.greedy(14).withStopAtEos(false).withStopStrings(List.of("zz"))));
        List<String> want = new ArrayList<>();
        try (reference) {
            Generator alone = new Generator(reference.model(), reference.tokenizer(), true, false);
            for (InferenceRequest r : requests) want.add(alone.generate(r.prompt(), r.config()).text());
        }
        try (InferenceWorker w = InferenceWorker.forModel(ModelFolder.load(Shared.path("fixtures/opt/tiny-opt-prenorm")), 4, 0)) {
            w.lockstep(() -> 3);
            List<List<String>> pieces = new ArrayList<>();
            List<CompletableFuture<Completion>> futures = new ArrayList<>();
            for (InferenceRequest r : requests) {
                List<String> mine = new CopyOnWriteArrayList<>();
                pieces.add(mine);
                futures.add(w.submit(r.streaming(mine::add)));
            }
            for (int i = 0; i < requests.size(); i++) {
                Completion c = futures.get(i).get(60, TimeUnit.SECONDS);
                assertEquals(want.get(i), c.text());
                assertEquals(c.text(), String.join("", pieces.get(i)));
                assertTrue(pieces.get(i).size() > 1, "streamed in pieces: " + pieces.get(i));
            }
            assertTrue(w.stats().meanBatchSize() > 1.5, "decode steps shared by the requests: " + w.stats());
        }
    }

    @Test
    void aDecoderThatFailsToStartFailsEveryRequest() {
        BatchDecoder broken = new BatchDecoder() {
            @Override
            public List<Completion> decode(List<InferenceRequest> batch, IntPredicate cancelled) {
                throw new AssertionError("never called");
            }

            @Override
            public void onWorkerThread() {
                throw new IllegalStateException("no engine");
            }
        };
        try (InferenceWorker w = new InferenceWorker(broken, 4, 0)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> w.submit(request("a", 0)).get(10, TimeUnit.SECONDS));
            assertEquals("no engine", e.getCause().getCause().getMessage());
        }
    }
}
