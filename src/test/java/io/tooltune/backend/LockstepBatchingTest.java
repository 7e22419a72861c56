package io.tooltune.backend;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.inference.Completion;
import io.tooltune.inference.InferenceRequest;
import io.tooltune.inference.InferenceWorker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Lockstep batching: a batch holds every announced caller's call, ordered by prompt, whatever the arrival order. */
class LockstepBatchingTest {
    private static List<ObjectNode> history(String query) {
        return List.of(Json.MAPPER.createObjectNode().put("role", "user").put("content", query));
    }

    @Test
    void waitsForEveryCallerAndOrdersThePrompts() throws Exception {
        List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger callers = new AtomicInteger(3);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        // no linger at all: without lockstep, calls arriving apart would run one by one
        try (LocalToolLlamaBackend b = new LocalToolLlamaBackend(new InferenceWorker((batch, cancelled) -> {
            batches.add(batch.stream().map(InferenceRequest::prompt).toList());
            return batch.stream().map(p -> new Completion("Action: Finish\nAction Input: {}", 1, 1, false)).toList();
        }, 8, 0), GenerationConfig.toolLlama()).lockstep(true)) {
            b.expectCallers(callers::get);
            List<Future<?>> calls = new ArrayList<>();
            for (String q : List.of("c", "a")) calls.add(pool.submit(() -> b.chat(history(q), null)));
            // the third caller ends without calling: the batch goes once the announced count drops to the two waiting
            callers.set(2);
            for (Future<?> f : calls) f.get();
            calls.clear();
            for (String q : List.of("e", "d")) calls.add(pool.submit(() -> b.chat(history(q), null)));
            for (Future<?> f : calls) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(List.of("User: a\nAssistant:\n", "User: c\nAssistant:\n"),
                List.of("User: d\nAssistant:\n", "User: e\nAssistant:\n")), batches);
    }
}
