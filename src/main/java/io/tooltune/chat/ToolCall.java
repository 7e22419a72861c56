package io.tooltune.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;

/** One OpenAI tool call: {@code {"id", "type": "function", "function": {"name", "arguments": <JSON text>}}}. */
public record ToolCall(String id, String name, String arguments) {

    public ObjectNode toOpenAi() {
        ObjectNode call = Json.MAPPER.createObjectNode().put("id", id).put("type", "function");
        call.putObject("function").put("name", name).put("arguments", arguments);
        return call;
    }
}
