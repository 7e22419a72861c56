package io.tooltune.chat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;

import java.util.List;

/**
 * A model reply split into plain content ({@code null} when there is none) and the tool calls it makes. When a call
 * is malformed, {@code error} says why, {@code toolCalls} is empty and {@code content} is the whole reply.
 */
public record ParsedReply(String content, List<ToolCall> toolCalls, String error) {

    public ParsedReply {
        toolCalls = List.copyOf(toolCalls);
    }

    static ParsedReply plain(String output) {
        return new ParsedReply(output, List.of(), null);
    }

    static ParsedReply malformed(String output, String problem) {
        return new ParsedReply(output, List.of(), "malformed tool call: " + problem);
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }

    public boolean failed() {
        return error != null;
    }

    /** The assistant message of an OpenAI chat completion: {@code content} (null when none) and any {@code tool_calls}. */
    public ObjectNode toOpenAiMessage() {
        ObjectNode message = Json.MAPPER.createObjectNode().put("role", "assistant").put("content", content);
        if (hasToolCalls()) {
            ArrayNode calls = message.putArray("tool_calls");
            toolCalls.forEach(c -> calls.add(c.toOpenAi()));
        }
        return message;
    }
}
