package io.tooltune.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.tooltune.Json;
import io.tooltune.backend.OpenAiClient;
import io.tooltune.data.format.Query;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ApiServerTest {
    private static final String CACHED = "{\"error\":\"\",\"response\":{\"results\":[{\"id\":\"28003\",\"name\":\"Lionel Messi\",\"score\":1.5}]}}";

    private static Path cacheFolder(Path dir) throws Exception {
        Path f = dir.resolve("cache/Data/theclique_for_Data/transfermarkt_search.json");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "{\"{'name': 'Lionel Messi'}\": " + CACHED + "}");
        return dir.resolve("cache");
    }

    private static HttpResponse<String> post(String url, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String request(String tool, String api, String input) {
        return "{\"category\":\"Data\",\"tool_name\":\"" + tool + "\",\"api_name\":\"" + api + "\",\"tool_input\":"
                + Json.MAPPER.getNodeFactory().textNode(input) + ",\"strip\":\"\",\"toolbench_key\":\"\"}";
    }

    private static ApiCatalog catalog() {
        ApiCatalog c = new ApiCatalog();
        JsonNode q = Json.MAPPER.createObjectNode().put("query", "q").put("query_id", 1)
                .set("api_list", Json.MAPPER.createArrayNode().add(Json.MAPPER.createObjectNode()
                        .put("category_name", "Data").put("tool_name", "TheClique").put("api_name", "Songkick artist")
                        .set("template_response", Json.MAPPER.createObjectNode().put("name", "str").put("fans_num", "int"))));
        c.addQueries(List.of(Query.of(q, "test")));
        return c;
    }

    @Test
    void cacheHitMissAndMalformedRequestsOverHttp(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
        try (ResponseCache cache = new ResponseCache(dir.resolve("cache.sqlite"))) {
            assertEquals(1, cache.importFolder(cacheFolder(dir)));
            try (ApiServer server = new ApiServer("127.0.0.1", 0, new VirtualApis(cache, catalog(), new SchemaSimulator(), null, log))) {
                // hit: the tool/API names as the agent sends them (function name suffix, unstandardized tool)
                HttpResponse<String> hit = post(server.url(), request("TheClique", "Transfermarkt search", "{\"name\": \"Lionel Messi\"}"));
                assertEquals(200, hit.statusCode());
                assertEquals(CACHED, hit.body());

                HttpResponse<String> miss = post(server.url(), request("TheClique", "Songkick artist", "{\"artist_id\": \"520117-arctic-monkeys\"}"));
                assertEquals(200, miss.statusCode());
                JsonNode m = Json.MAPPER.readTree(miss.body());
                assertEquals("", m.get("error").asText());
                assertTrue(m.get("response").get("name").isTextual());
                assertTrue(m.get("response").get("fans_num").isInt());
                assertEquals(1, cache.examples("Data", "theclique_for_Data", "songkick_artist", 5).size());
                assertEquals("simulated-schema", cache.examples("Data", "theclique_for_Data", "songkick_artist", 5).get(0).source());
                HttpResponse<String> again = post(server.url(), request("TheClique", "Songkick artist", "{\"artist_id\":\"520117-arctic-monkeys\"}"));
                assertEquals(miss.body(), again.body());
                assertTrue(logBytes.toString(StandardCharsets.UTF_8).contains("fake_response (simulated by schema)"));

                HttpResponse<String> bad = post(server.url(), "{\"category\": 3");
                assertEquals(422, bad.statusCode());
                assertTrue(Json.MAPPER.readTree(bad.body()).get("error").asText().startsWith("Invalid request"));
                HttpResponse<String> missing = post(server.url(), "{\"category\":\"Data\"}");
                assertEquals(422, missing.statusCode());
                HttpResponse<String> badInput = post(server.url(), request("TheClique", "Songkick artist", "{not json"));
                assertEquals("{\"error\":\"Tool input parse error...\\n\",\"response\":\"\"}", badInput.body());
                HttpResponse<String> chat = post(server.url(), request("TheClique", "chat_with_user", ""));
                assertEquals("Chat with user.", Json.MAPPER.readTree(chat.body()).get("response").asText());
                // still up after the bad requests
                assertEquals(CACHED, post(server.url(), request("TheClique", "transfermarkt_search", "{\"name\": \"Lionel Messi\"}")).body());
            }
        }
    }

    @Test
    void llmSimulatorSendsStableToolBenchPromptAndRetries(@TempDir Path dir) throws Exception {
        List<JsonNode> seen = new ArrayList<>();
        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        fake.createContext("/v1/chat/completions", ex -> {
            seen.add(Json.MAPPER.readTree(ex.getRequestBody()));
            String content = seen.size() == 1 ? "not json" : "```json\n{\"error\": \"\", \"response\": \"fans: 12\"}\n```";
            byte[] b = Json.MAPPER.writeValueAsBytes(Json.MAPPER.createObjectNode().set("choices", Json.MAPPER.createArrayNode()
                    .add(Json.MAPPER.createObjectNode().set("message", Json.MAPPER.createObjectNode().put("content", content)))));
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        fake.start();
        try (ResponseCache cache = new ResponseCache(dir.resolve("c.sqlite"))) {
            cache.importFolder(cacheFolder(dir));
            LlmSimulator sim = new LlmSimulator(new OpenAiClient("http://127.0.0.1:" + fake.getAddress().getPort() + "/v1", "",
                    Duration.ofSeconds(10)), "gpt-4-turbo", 0);
            VirtualApis apis = new VirtualApis(cache, new ApiCatalog(), sim, null, null);
            String out = apis.execute(ToolRequest.of(Json.MAPPER.readTree(request("TheClique", "transfermarkt_search", "{\"name\": \"Messi\"}"))));
            assertEquals("{\"error\":\"\",\"response\":\"fans: 12\"}", out);
            assertEquals(2, seen.size());
            JsonNode body = seen.get(0);
            assertEquals("json_object", body.at("/response_format/type").asText());
            assertEquals(1024, body.get("max_tokens").asInt());
            assertTrue(body.at("/messages/0/content").asText().startsWith("\nImagine you are an API Server"));
            assertEquals("API Documentation:{'tool_description': '', 'api_info': ''}\nAPI Examples:[(\"{'name': 'Lionel Messi'}\", "
                    + "{'error': '', 'response': {'results': [{'id': '28003', 'name': 'Lionel Messi', 'score': 1.5}]}})]\n"
                    + "API Input:{'name': 'Messi'}\n", body.at("/messages/1/content").asText());
            assertEquals(out, cache.get("Data", "theclique_for_Data", "transfermarkt_search", "{'name': 'Messi'}"));
        } finally {
            fake.stop(0);
        }
    }
}
