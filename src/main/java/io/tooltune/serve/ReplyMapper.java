package io.tooltune.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Maps the model's ReAct text ("Thought: ...\nAction: name\nAction Input: {...}") back onto OpenAI's shape: a call
 * of an offered tool with a JSON-object input becomes a tool call; Finish becomes plain content (its final_answer);
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
        React r = React.parse(text);
        if (r == null) return new AssistantReply(text.strip(), List.of(), plainFinish);
        JsonNode input = parseObject(r.actionInput());
        if (r.action().equals("Finish")) {
            if (input != null && input.path("final_answer").isTextual()) {
                return new AssistantReply(input.get("final_answer").asText(), List.of(), "stop");
            }
            if (input != null && "give_up_and_restart".equals(input.path("return_type").asText())) {
                String thought = r.thought().strip();
                return new AssistantReply(thought.isEmpty() ? "I give up and restart" : thought, List.of(), "stop");
            }
            return new AssistantReply(text.strip(), List.of(), plainFinish);
        }
        if (input == null || !callable.contains(r.action())) return new AssistantReply(text.strip(), List.of(), plainFinish);
        String args;
        try {
            args = Json.MAPPER.writeValueAsString(input);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ChatRequest.ToolCall call = new ChatRequest.ToolCall(newCallId(), r.action(), args);
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

    /** Thought / action / action input as ToolBench's react_parser cuts them; null when there is no action. */
    record React(String thought, String action, String actionInput) {
        static React parse(String s) {
            int a = s.indexOf("Action: ");
            int ai = s.indexOf("\nAction Input: ");
            if (a < 0 || ai < 0 || ai < a) return null;
            int t = s.indexOf("Thought: ");
            int ta = s.indexOf("\nAction: ");
            String thought = t >= 0 && ta > t ? s.substring(t + 9, ta) : "";
            return new React(thought, s.substring(a + 8, ai).strip(), s.substring(s.indexOf("Action Input: ") + 14));
        }
    }
}
