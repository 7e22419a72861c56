package io.tooltune.backend;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.inference.BatchDecoder;
import io.tooltune.inference.Completion;
import io.tooltune.inference.InferenceRequest;
import io.tooltune.inference.InferenceWorker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

class LocalToolLlamaBackendTest {
    private static List<ObjectNode> history(String query) {
        List<ObjectNode> m = new ArrayList<>();
        m.add(Json.MAPPER.createObjectNode().put("role", "system").put("content",
                "You are AutoGPT, ... with a function call to actually excute your step.\nTask description: T"));
        m.add(Json.MAPPER.createObjectNode().put("role", "user").put("content", "\n" + query + "\nBegin!\n"));
        return m;
    }

    private static ArrayNode functions() {
        ArrayNode f = Json.MAPPER.createArrayNode();
        f.addObject().put("name", "Finish");
        return f;
    }

    private static LocalToolLlamaBackend backend(BatchDecoder decoder, int maxBatch, long lingerMillis) {
        return new LocalToolLlamaBackend(new InferenceWorker(decoder, maxBatch, lingerMillis), GenerationConfig.toolLlama());
    }

    @Test
    void rendersToolLlamaPromptAndParsesTheReply() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        try (LocalToolLlamaBackend b = backend((batch, cancelled) -> {
            seen.addAll(batch.stream().map(InferenceRequest::prompt).toList());
            return batch.stream().map(p -> new Completion(
                    "Thought: done\nAction: Finish\nAction Input: {\"return_type\": \"give_up_and_restart\"}", 7, 3, false)).toList();
        }, 8, 1)) {
            List<ObjectNode> h = history("Q");
            h.add(Json.MAPPER.createObjectNode().put("role", "user").put("content", "diversity").put("valid", false));
            ChatBackend.Reply r = b.chat(h, functions());
            assertEquals("System: You are AutoGPT, ... with a function call to actually excute your step. Your output should follow "
                    + "this format:\nThought:\nAction\nAction Input:\n\nTask description: T\nSpecifically, you have access to the "
                    + "following APIs: [{'name': 'Finish'}]\nUser: \nQ\nBegin!\n\nUser: diversity\nAssistant:\n", seen.get(0));
            assertEquals("Finish", r.message().at("/function_call/name").asText());
            assertEquals("{\"return_type\": \"give_up_and_restart\"}", r.message().at("/function_call/arguments").asText());
            assertTrue(r.message().get("content").asText().startsWith("Thought: done"));
            assertEquals(10, r.tokens());
        }
    }

    /** With format-safe decoding on, each prompt goes to the generator with its offered function names; off, with none. */
    @Test
    void passesTheOfferedNamesWhenConstrained() throws Exception {
        List<List<String>> seen = Collections.synchronizedList(new ArrayList<>());
        BatchDecoder g = (batch, cancelled) -> {
            seen.addAll(batch.stream().map(InferenceRequest::functionNames).toList());
            return batch.stream().map(p -> new Completion("Action: Finish\nAction Input: {}", 1, 1, false)).toList();
        };
        ArrayNode f = functions();
        f.insertObject(0).put("name", "album_search_for_x");
        try (LocalToolLlamaBackend b = backend(g, 2, 1)) {
            b.chat(history("Q"), f);
            b.constrainFunctionNames(true).chat(history("Q"), f);
        }
        assertNull(seen.get(0));
        assertEquals(List.of("album_search_for_x", "Finish"), seen.get(1));
    }

    @Test
    void groupsConcurrentCallsIntoBatches() throws Exception {
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        // a linger far longer than the test: a batch runs as soon as it is full, so 8 concurrent calls make 2 of 4
        try (LocalToolLlamaBackend b = backend((batch, cancelled) -> {
            sizes.add(batch.size());
            return batch.stream().map(p -> new Completion("Action: x\nAction Input: {}", 1, 1, false)).toList();
        }, 4, 3_600_000)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<ChatBackend.Reply>> f = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String q = "q" + i;
                f.add(pool.submit(() -> b.chat(history(q), functions())));
            }
            for (Future<ChatBackend.Reply> x : f) assertEquals("x", x.get().message().at("/function_call/name").asText());
            pool.shutdown();
            assertEquals(8, sizes.stream().mapToInt(Integer::intValue).sum());
            assertTrue(sizes.stream().allMatch(s -> s <= 4));
            assertTrue(sizes.size() <= 4, sizes.toString());
            assertEquals(List.of(4, 4), sizes);
            assertEquals(new InferenceWorker.Stats(2, 8), b.stats());
        }
    }

    @Test
    void generatorFailureBecomesAnIOException() {
        try (LocalToolLlamaBackend b = backend((batch, cancelled) -> { throw new IllegalStateException("boom"); }, 2, 1)) {
            assertThrows(IOException.class, () -> b.chat(history("q"), functions()));
        }
    }
}
