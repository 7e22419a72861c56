package io.tooltune.eval.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.tooltune.Json;
import io.tooltune.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tooltune bfcl run} end to end on the non-live categories: a scripted endpoint, then a fixture model. */
class BfclRunTest {
    private static final List<String> NON_LIVE = List.of("simple_python", "multiple", "parallel", "parallel_multiple", "irrelevance");
    private static final int PER_CATEGORY = 12;

    @TempDir
    Path tmp;

    /** Per category, the first {@code perCategory} entries BFCL judged in expected_verdicts.jsonl: id -> that verdict line. */
    private static Map<String, Map<String, JsonNode>> judgedEntries(int perCategory) throws IOException {
        Map<String, Map<String, JsonNode>> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Shared.path("data/bfcl/expected_verdicts.jsonl"))) {
            JsonNode v = Json.MAPPER.readTree(line);
            String c = v.get("category").asText();
            if (!c.equals("irrelevance") && !v.get("variant").asText().equals("exact")) continue;
            Map<String, JsonNode> ids = out.computeIfAbsent(c, k -> new LinkedHashMap<>());
            if (ids.size() < perCategory) ids.putIfAbsent(v.get("id").asText(), v);
        }
        return out;
    }

    /** The data of those entries only, with their possible answers (kept aligned line by line). */
    private Path smallData(Map<String, Map<String, JsonNode>> entries) throws IOException {
        Path bfcl = Shared.path("data/bfcl"), data = tmp.resolve("data");
        Files.createDirectories(data.resolve("possible_answer"));
        for (String c : NON_LIVE) {
            String name = "BFCL_v4_" + c + ".json";
            List<String> questions = Files.readAllLines(bfcl.resolve(name));
            List<String> answers = c.equals("irrelevance") ? null : Files.readAllLines(bfcl.resolve("possible_answer").resolve(name));
            List<String> keptQ = new ArrayList<>(), keptA = new ArrayList<>();
            for (int i = 0; i < questions.size(); i++) {
                if (!entries.get(c).containsKey(Json.MAPPER.readTree(questions.get(i)).get("id").asText())) continue;
                keptQ.add(questions.get(i));
                if (answers != null) keptA.add(answers.get(i));
            }
            Files.write(data.resolve(name), keptQ);
            if (answers != null) Files.write(data.resolve("possible_answer").resolve(name), keptA);
        }
        return data;
    }

    @Test
    void scriptedEndpointRunResumesAndScores() throws Exception {
        Map<String, Map<String, JsonNode>> judged = judgedEntries(PER_CATEGORY);
        Path data = smallData(judged);
        // the endpoint replies BFCL's judged output to every other entry and prose to the rest (no call decodes)
        Map<String, String> replies = new HashMap<>(), expectedSystem = new HashMap<>();
        Map<String, Integer> expectedCorrect = new HashMap<>();
        for (String c : NON_LIVE) {
            int correct = 0, i = 0;
            for (String line : Files.readAllLines(data.resolve("BFCL_v4_" + c + ".json"))) {
                JsonNode q = Json.MAPPER.readTree(line);
                JsonNode verdict = judged.get(c).get(q.get("id").asText());
                String user = q.get("question").get(0).get(0).get("content").asText();
                boolean judgedOutput = i++ % 2 == 0;
                replies.put(user, judgedOutput ? verdict.get("result").asText() : "Sure, here you go.");
                expectedSystem.put(user, BfclPrompt.messages(q.get("question"), q.get("function")).get(0).get("content").asText());
                if (judgedOutput ? verdict.get("valid").asBoolean() : c.equals("irrelevance")) correct++;
            }
            expectedCorrect.put(c, correct);
        }
        AtomicInteger requests = new AtomicInteger(), failAfter = new AtomicInteger(25);
        List<String> problems = new ArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            JsonNode req = Json.MAPPER.readTree(ex.getRequestBody());
            int n = requests.incrementAndGet();
            String user = req.path("messages").path(1).path("content").asText();
            if (!req.path("messages").path(0).path("content").asText().equals(expectedSystem.get(user))) problems.add("system prompt for " + user);
            if (req.has("tools") || req.path("temperature").asDouble() != 0.001) problems.add("request shape " + req);
            byte[] body;
            int code = 200;
            if (failAfter.get() > 0 && n > failAfter.get()) {
                code = 503;
                body = "{\"error\":\"overloaded\"}".getBytes(StandardCharsets.UTF_8);
            } else {
                ObjectNode res = Json.MAPPER.createObjectNode();
                res.putArray("choices").addObject().putObject("message").put("role", "assistant").put("content", replies.get(user));
                body = res.toString().getBytes(StandardCharsets.UTF_8);
            }
            ex.sendResponseHeaders(code, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
            Path out = tmp.resolve("out");
            String[] args = {"bfcl", "run", "--data", data.toString(), "--openai-url", url, "--openai-model", "scripted",
                    "--categories", "non_live", "--output", out.toString(), "--batch-size", "4"};
            CliRun first = CliRun.of(args);
            assertEquals(1, first.code(), first.err());
            assertTrue(first.err().contains("rerun the same command"), first.err());
            assertEquals(24, countLines(out.resolve("results")), "six full batches of four were answered before the outage");

            Path multiple = out.resolve("results/BFCL_v4_multiple_result.json");
            Files.writeString(multiple, Files.readString(multiple) + "{\"id\": \"multiple_"); // a write cut by a kill
            failAfter.set(0);
            requests.set(0);
            CliRun second = CliRun.of(args);
            assertEquals(0, second.code(), second.err());
            assertTrue(second.err().contains("removed an incomplete last line"), second.err());
            assertEquals(5 * PER_CATEGORY - 24, requests.get(), "answered ids are skipped");
            assertEquals(5 * PER_CATEGORY, countLines(out.resolve("results")));
            assertTrue(problems.isEmpty(), String.join("\n", problems));

            JsonNode scores = Json.MAPPER.readTree(out.resolve("scores.json").toFile());
            for (String c : NON_LIVE) {
                JsonNode s = scores.path("categories").path(c);
                assertEquals(PER_CATEGORY, s.path("total").asInt(), c);
                assertEquals(expectedCorrect.get(c), s.path("correct").asInt(), c);
            }
            assertTrue(second.out().contains("| irrelevance |"), second.out());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void fixtureModelRunsEndToEnd() throws Exception {
        Path data = smallData(judgedEntries(2)); // the fixture is slow on BFCL's long prompts: two entries each
        Path model = Shared.path("fixtures/opt/tiny-opt-prenorm");
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("bfcl", "run", "--data", data.toString(), "--model", model.toString(), "--categories",
                "simple_python,multiple,parallel,parallel_multiple,irrelevance", "--output", out.toString(),
                "--max-new-tokens", "4", "--batch-size", "12");
        assertEquals(0, r.code(), r.err());
        assertEquals(10, countLines(out.resolve("results")));
        assertEquals(10, Files.readAllLines(out.resolve("verdicts.jsonl")).size());
        assertFalse(r.out().isEmpty());
    }

    private static long countLines(Path dir) throws IOException {
        long n = 0;
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) n += Files.readAllLines(p).size();
        }
        return n;
    }
}
