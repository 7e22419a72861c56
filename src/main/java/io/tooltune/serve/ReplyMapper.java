package io.tooltune.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.data.ReactParser;
import io.tooltune.data.FunctionSchemas;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Maps the model's ReAct text ("Thought: ...\nAction: name\nAction Input: {...}") back onto OpenAI's shape: a call
 * of an offered tool with a JSON-object input becomes a tool call; Finish becomes plain content (its final_answer),
 * unless the client offered a Finish tool of its own: then it is a tool call like any other;
 * anything else (unknown function, unparsable input, free text) is returned as plain content, never an error.
 */
public final class ReplyMapper {
    private ReplyMapper() {}

    /**
     * @param text          the model's output (with any prefilled part of the answer prepended)
     * @param callable      names the model may call in this request (empty for tool_choice none)
     * @param hitMaxTokens  whether generation stopped at max_tokens
     */
    public static AssistantReply map(String text, Set<String> callable, boolean hitMaxTokens) {
        String plainFinish = hitMaxTokens ? "length" : "stop";
        ReactParser.Parsed r = ReactParser.parse(text);
        String action = r.action().strip();
        JsonNode input = parseObject(r.actionInput());
        if (action.equals(FunctionSchemas.FINISH) && !callable.contains(FunctionSchemas.FINISH)) {
            if (input != null && input.path("final_answer").isTextual()) {
                return new AssistantReply(input.get("final_answer").asText(), List.of(), "stop");
            }
            if (input != null && "give_up_and_restart".equals(input.path("return_type").asText())) {
                String thought = r.thought().strip();
                return new AssistantReply(thought.isEmpty() ? "I give up and restart" : thought, List.of(), "stop");
            }
            return new AssistantReply(text.strip(), List.of(), plainFinish);
        }
        if (input == null || !callable.contains(action)) return new AssistantReply(text.strip(), List.of(), plainFinish);
        String args;
        try {
            args = Json.MAPPER.writeValueAsString(input);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ChatRequest.ToolCall call = new ChatRequest.ToolCall(newCallId(), action, args);
        return new AssistantReply(null, List.of(call), "tool_calls");
    }

    /** OpenAI-style call ids: "call_" and 24 random alphanumerics. */
    public static String newCallId() {
        return "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    private static JsonNode parseObject(String s) {
        try {
            JsonNode n = Json.MAPPER.readTree(s.strip());
            return n != null && n.isObject() ? n : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
