package io.tooltune.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the API cache refuses to keep: failed simulations and oversize rows. */
class CacheGuardTest {

    /** Fails (as an LLM simulator whose endpoint answers 401 does) until {@code failures} calls have been made. */
    private static ResponseSimulator failingFirst(int failures, AtomicInteger calls) {
        return new ResponseSimulator() {
            @Override
            public ObjectNode simulate(ApiCatalog.ApiInfo api, List<ResponseCache.Entry> examples, JsonNode toolInput) {
                return calls.incrementAndGet() <= failures
                        ? Json.MAPPER.createObjectNode().put("error", "Failed to generate fake response").put("response", "")
                        : Json.MAPPER.createObjectNode().put("error", "").put("response", "fans: 12");
            }

            @Override
            public String kind() {
                return "llm";
            }
        };
    }

    private static ToolRequest request(String input) {
        return new ToolRequest("Data", "TheClique", "transfermarkt_search", Json.MAPPER.getNodeFactory().textNode(input), "", "");
    }

    @Test
    void aFailedSimulationIsServedButTriedAgainNextTime(@TempDir Path dir) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (ResponseCache cache = new ResponseCache(dir.resolve("c.sqlite"))) {
            VirtualApis apis = new VirtualApis(cache, new ApiCatalog(), failingFirst(1, calls), null, null);
            String first = apis.execute(request("{\"name\": \"Messi\"}"));
            assertEquals("Failed to generate fake response", Json.MAPPER.readTree(first).get("error").asText());
            assertEquals(0, cache.size());
            String second = apis.execute(request("{\"name\": \"Messi\"}"));
            assertEquals("{\"error\":\"\",\"response\":\"fans: 12\"}", second);
            assertEquals(1, cache.size());
            apis.execute(request("{\"name\": \"Messi\"}"));
            assertEquals(2, calls.get()); // the success is now served from the cache
        }
    }

    @Test
    void anOversizeInputIsAnsweredWithAnErrorObservationAndNotStored(@TempDir Path dir) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (ResponseCache cache = new ResponseCache(dir.resolve("c.sqlite"))) {
            VirtualApis apis = new VirtualApis(cache, new ApiCatalog(), failingFirst(0, calls), null, null).maxCacheEntryBytes(1000);
            String out = apis.execute(request("{\"name\": \"" + "x".repeat(5000) + "\"}"));
            JsonNode body = Json.MAPPER.readTree(out);
            assertTrue(body.get("error").asText().startsWith("Tool input too large"), out);
            assertEquals("", body.get("response").asText());
            assertEquals(0, calls.get());
            assertEquals(0, cache.size());
            apis.execute(request("{\"name\": \"small\"}"));
            assertEquals(1, cache.size());
        }
    }
}
