package io.tooltune.agent;

import com.sun.net.httpserver.HttpServer;
import io.tooltune.Json;
import io.tooltune.data.format.Query;
import io.tooltune.tools.HttpToolExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class ToolEnvTest {
    private static Query query() throws Exception {
        return Query.of(Json.MAPPER.readTree("{\"query\": \"q\", \"query_id\": 1, \"api_list\": [{\"category_name\": \"Data\","
                + " \"tool_name\": \"TheClique\", \"api_name\": \"Transfermarkt search\", \"api_description\": \"d\","
                + " \"required_parameters\": [], \"optional_parameters\": []}]}"), "test");
    }

    @Test
    void serviceFaultsBecomeToolBenchObservations() throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        s.createContext("/five", ex -> { ex.sendResponseHeaders(503, -1); ex.close(); });
        s.createContext("/text", ex -> { byte[] b = "<html>oops</html>".getBytes(); ex.sendResponseHeaders(200, b.length); ex.getResponseBody().write(b); ex.close(); });
        s.createContext("/slow", ex -> { try { Thread.sleep(3000); } catch (InterruptedException ignored) { } ex.close(); });
        s.createContext("/long", ex -> {
            byte[] b = Json.MAPPER.writeValueAsBytes(Json.MAPPER.createObjectNode().put("error", "Message error...").put("response", "é".repeat(2000)));
            ex.sendResponseHeaders(200, b.length); ex.getResponseBody().write(b); ex.close();
        });
        s.start();
        String base = "http://127.0.0.1:" + s.getAddress().getPort();
        try {
            AtomicInteger calls = new AtomicInteger();
            ToolEnv five = new ToolEnv(query(), t -> null, new HttpToolExecutor(base + "/five", Duration.ofSeconds(5)), "", calls);
            assertEquals(new ToolEnv.Observation("{\"error\": \"request invalid, data error. status_code=503\", \"response\": \"\"}", 12),
                    five.step("transfermarkt_search_for_theclique", "{}"));
            ToolEnv text = new ToolEnv(query(), t -> null, new HttpToolExecutor(base + "/text", Duration.ofSeconds(5)), "", calls);
            assertEquals(12, text.step("transfermarkt_search_for_theclique", "{}").code());
            ToolEnv slow = new ToolEnv(query(), t -> null, new HttpToolExecutor(base + "/slow", Duration.ofMillis(300)), "", calls);
            ToolEnv.Observation o = slow.step("transfermarkt_search_for_theclique", "{}");
            assertEquals(5, o.code());
            assertTrue(o.text().startsWith("{\"error\": \"Timeout error..."));
            ToolEnv longer = new ToolEnv(query(), t -> null, new HttpToolExecutor(base + "/long", Duration.ofSeconds(5)), "", calls);
            ToolEnv.Observation l = longer.step("transfermarkt_search_for_theclique", "{}");
            assertEquals(11, l.code());
            assertEquals(1027, l.text().length());
            assertTrue(l.text().startsWith("{\"error\": \"Message error...\", \"response\": \"\\u00e9") && l.text().endsWith("..."));
            assertEquals(4, calls.get());
            assertEquals(1, five.step("nothing_like_it", "{}").code());
            assertEquals(4, calls.get());
        } finally {
            s.stop(0);
        }
    }

    @Test
    void finishSalvagesBrokenJsonAsToolBench() throws Exception {
        ToolEnv env = new ToolEnv(query(), t -> null, r -> "{}", "", new AtomicInteger());
        assertEquals(3, env.step("Finish", "{\"return_type\": \"give_answer\", \"final_answer\": \"unterminated").code());
        assertEquals(4, env.step("Finish", "{\"return_type\": \"give_up_and_restart\"").code());
        assertEquals(new ToolEnv.Observation("{error:\"must have \"return_type\"\"}", 2), env.step("Finish", "{}"));
        assertEquals(new ToolEnv.Observation("{error:\"must have \"final_answer\"\"}", 2), env.step("Finish", "{\"return_type\": \"give_answer\"}"));
        assertEquals(2, env.step("Finish", "{\"return_type\": \"other\"}").code());
    }

    @Test
    void queryEntriesWithMissingFieldsAreReportedAndSkipped(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("q.json");
        Files.writeString(f, "[{\"query\": \"ok\", \"query_id\": 5, \"api_list\": [{\"category_name\": \"Data\", \"tool_name\": \"T\","
                + " \"api_name\": \"a\"}]}, {\"query_id\": 6, \"api_list\": []}, {\"query\": \"no id\", \"api_list\": []}]");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<Query> qs = AgentRun.readQueries(f, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, qs.size());
        assertEquals("5", qs.get(0).id());
        assertEquals(2, err.toString(StandardCharsets.UTF_8).lines().filter(x -> x.startsWith("skipped")).count(), err.toString());
    }
}
