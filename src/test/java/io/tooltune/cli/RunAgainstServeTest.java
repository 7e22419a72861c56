package io.tooltune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.model.Device;
import io.tooltune.serve.ChatServer;
import io.tooltune.serve.LocalModelBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * tooltune's agent against tooltune's own server: {@code run --openai-url} pointed at {@code serve} of a fixture
 * model, end to end. The agent offers the Finish tool, which the server must accept; the tiny random model's reply
 * comes back through the OpenAI wire format into the answer file.
 */
class RunAgainstServeTest {
    @Test
    void runUsesServeAsItsBackend(@TempDir Path dir) throws Exception {
        // tiny-llama's rope has no position table: its context is only the config's number, raised here so that
        // ToolLLaMA's system prompt fits
        Path fixture = Shared.path("fixtures/llama/tiny-llama"), model = dir.resolve("tiny-llama");
        Files.createDirectories(model);
        try (Stream<Path> s = Files.list(fixture)) {
            for (Path f : s.toList()) Files.copy(f, model.resolve(f.getFileName()));
        }
        ObjectNode cfg = (ObjectNode) Json.MAPPER.readTree(model.resolve("config.json").toFile());
        model.resolve("config.json").toFile().setWritable(true);
        Json.MAPPER.writeValue(model.resolve("config.json").toFile(), cfg.put("max_position_embeddings", 2048));

        ArrayNode qs = Json.MAPPER.createArrayNode();
        ObjectNode q = qs.addObject().put("query", "What is the weather in Paris?").put("query_id", "7");
        q.putArray("api_list").addObject().put("category_name", "Weather").put("tool_name", "Forecast")
                .put("api_name", "today").put("api_description", "Today's weather").put("method", "GET")
                .putArray("required_parameters");
        Path queries = dir.resolve("queries.json");
        Json.MAPPER.writeValue(queries.toFile(), qs);

        try (LocalModelBackend backend = LocalModelBackend.load(model, "tiny", 4, Device.CPU);
             ChatServer server = new ChatServer(backend, "127.0.0.1", 0)) {
            server.start();
            CliRun r = CliRun.of("run", "--queries", queries.toString(), "--openai-url",
                    "http://127.0.0.1:" + server.port() + "/v1", "--openai-model", "tiny", "--method", "cot",
                    "--max-iterations", "1", "--api-embedded", "--cache", dir.resolve("cache.sqlite").toString(),
                    "--output", dir.resolve("out").toString(), "--openai-attempts", "1", "--openai-max-tokens", "24");
            assertEquals(0, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("1 queries (0 already done)") && r.out().contains("0 errors, 0 failed"), r.out());
            assertTrue(backend.stats().sequences() >= 1, "the server's model decoded the agent's request");
        }
        JsonNode answer = Json.MAPPER.readTree(dir.resolve("out/7_CoT@1.json").toFile());
        assertEquals(1, answer.at("/answer_generation/query_count").asInt());
        JsonNode chain = answer.at("/trys/0/chain");
        assertTrue(chain.size() >= 1, answer.toString());
        // the model's reply arrived: a Thought node carrying its text, not an error-pruned root
        assertEquals("Thought", chain.get(0).get("node_type").asText(), chain.toString());
        assertFalse(chain.get(0).get("description").asText().isEmpty());
    }
}
