package io.tooltune.serve;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchSchedulerTest {
    static ModelBackend.Job job(String prompt, double temperature) {
        return new ModelBackend.Job(prompt, 8, temperature, 1.0, null, List.of());
    }

    @Test
    void queuedRequestsShareABatchAndCancelledOnesAreDropped() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstRunning = new CountDownLatch(1);
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        BatchScheduler s = new BatchScheduler(3, () -> { }, batch -> {
            batches.add(batch.stream().map(p -> p.job().prompt()).toList());
            firstRunning.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return batch.stream().map(p -> new ModelBackend.Completion(p.job().prompt().toUpperCase(), 1, 1, false)).toList();
        });
        try (s) {
            CompletableFuture<ModelBackend.Completion> a = s.submit(job("a", 0));
            assertTrue(firstRunning.await(10, TimeUnit.SECONDS));
            List<CompletableFuture<ModelBackend.Completion>> rest = new ArrayList<>();
            for (String p : List.of("b", "c", "hot", "d", "e")) rest.add(s.submit(job(p, p.equals("hot") ? 0.7 : 0)));
            rest.get(1).cancel(true);
            release.countDown();
            assertEquals("A", a.get(10, TimeUnit.SECONDS).text());
            assertEquals("B", rest.get(0).get(10, TimeUnit.SECONDS).text());
            assertEquals("HOT", rest.get(2).get(10, TimeUnit.SECONDS).text());
            assertEquals("E", rest.get(4).get(10, TimeUnit.SECONDS).text());
            assertEquals(List.of(List.of("a"), List.of("b", "d", "e"), List.of("hot")), batches);
        }
    }
}
