package io.tooltune.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;

import java.util.List;

/**
 * The agent's history (ToolBench's function_call / function messages) in OpenAI's tools form: messages flagged
 * {@code "valid": false} left out, a function_call as a one-element tool_calls with a numbered id, a function result
 * as role "tool" answering the last call; the function list as function tools.
 */
final class AgentMessages {
    private AgentMessages() {}

    /** @param toolNames whether tool results keep the function's {@code name} (chat templates read it; OpenAI does not) */
    static ArrayNode openAiMessages(List<ObjectNode> messages, boolean toolNames) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        int callId = 0;
        for (ObjectNode m : messages) {
            if (m.has("valid") && !m.get("valid").asBoolean(true)) continue;
            String role = m.path("role").asText();
            ObjectNode o = out.addObject().put("role", role.equals("function") ? "tool" : role);
            JsonNode content = m.get("content");
            if (content == null || content.isNull()) o.putNull("content");
            else o.put("content", content.asText());
            if (m.has("function_call")) {
                ObjectNode call = o.putArray("tool_calls").addObject().put("id", "call_" + (++callId)).put("type", "function");
                call.set("function", m.get("function_call").deepCopy());
            }
            if (role.equals("function")) {
                o.put("tool_call_id", "call_" + callId);
                if (toolNames && m.hasNonNull("name")) o.put("name", m.get("name").asText());
            }
        }
        return out;
    }

    static ArrayNode tools(ArrayNode functions) {
        ArrayNode tools = Json.MAPPER.createArrayNode();
        for (JsonNode f : functions) tools.addObject().put("type", "function").set("function", f);
        return tools;
    }
}
