package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The raw SSE of a streamed tool call: OpenAI's chunk shape, id and type only in a call's first fragment. */
class StreamShapeTest {
    @Test
    void toolCallChunks() throws Exception {
        try (ChatServer server = ServeTestSupport.start(ScriptedBackend.load(ServeTestSupport.script(), "opt-tools", 2048))) {
            String body = "{\"model\":\"opt-tools\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"weather in Paris?\"}],"
                    + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}]}";
            String sse = ServeTestSupport.post(server, "/chat/completions", body).body();
            assertTrue(sse.endsWith("data: [DONE]\n\n"));
            List<JsonNode> chunks = new ArrayList<>();
            for (String event : sse.split("\n\n")) {
                assertTrue(event.startsWith("data: "), event);
                if (!event.equals("data: [DONE]")) chunks.add(Json.MAPPER.readTree(event.substring(6)));
            }
            String id = chunks.get(0).get("id").asText();
            for (JsonNode c : chunks) {
                assertEquals("chat.completion.chunk", c.get("object").asText());
                assertEquals(id, c.get("id").asText());
            }
            assertEquals("assistant", chunks.get(0).at("/choices/0/delta/role").asText());
            JsonNode first = chunks.get(1).at("/choices/0/delta/tool_calls/0");
            assertEquals("function", first.get("type").asText());
            assertEquals("get_weather", first.at("/function/name").asText());
            StringBuilder args = new StringBuilder();
            int fragments = 0;
            for (JsonNode c : chunks.subList(2, chunks.size() - 2)) {
                JsonNode tc = c.at("/choices/0/delta/tool_calls/0");
                assertFalse(tc.has("id") || tc.has("type"), tc.toString());
                assertEquals(0, tc.get("index").asInt());
                args.append(tc.at("/function/arguments").asText());
                fragments++;
            }
            assertTrue(fragments > 1);
            // fragment by fragment as generated, joining to the non-streamed reply's arguments
            assertEquals("{\"city\":\"Paris\"}", args.toString());
            JsonNode last = chunks.get(chunks.size() - 2).at("/choices/0");
            assertEquals("tool_calls", last.get("finish_reason").asText());
            assertTrue(last.get("delta").isEmpty());
            JsonNode usage = chunks.get(chunks.size() - 1);
            assertTrue(usage.get("choices").isEmpty());
            assertTrue(usage.at("/usage/total_tokens").asInt() > 0);
        }
    }
}
