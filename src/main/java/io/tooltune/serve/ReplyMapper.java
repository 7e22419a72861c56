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
 * A reply the token limit cut short returns only what the user would see (finish_reason "length"): prose without
 * ReAct markers as it is, the part of a Finish call's final_answer generated so far, and nothing of a thought or of
 * a call that never completed.
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
            if (hitMaxTokens) return new AssistantReply(partialFinalAnswer(r.actionInput()), List.of(), "length");
            return new AssistantReply(text.strip(), List.of(), plainFinish);
        }
        if (input == null || !callable.contains(action)) {
            if (hitMaxTokens) return new AssistantReply(visibleWhenCut(text), List.of(), "length");
            return new AssistantReply(text.strip(), List.of(), plainFinish);
        }
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

    /** A cut reply's visible part: prose as it is; of ReAct text only a Finish call's final_answer so far. */
    private static String visibleWhenCut(String text) {
        if (!text.contains("Thought:") && !text.contains("Action:") && !text.contains("Action Input:")) return text.strip();
        ReactParser.Parsed r = ReactParser.parse(text);
        boolean finish = text.contains("\nAction Input: ") && r.action().strip().equals(FunctionSchemas.FINISH);
        return finish ? partialFinalAnswer(r.actionInput()) : "";
    }

    /**
     * The final_answer string of a Finish input that may stop anywhere: its characters up to the closing quote or the
     * end (an escape cut in half is dropped); empty when the key's string has not started.
     */
    static String partialFinalAnswer(String input) {
        int key = input.indexOf("\"final_answer\"");
        if (key < 0) return "";
        int i = key + "\"final_answer\"".length();
        while (i < input.length() && (input.charAt(i) == ':' || Character.isWhitespace(input.charAt(i)))) i++;
        if (i >= input.length() || input.charAt(i) != '"') return "";
        StringBuilder out = new StringBuilder();
        for (i++; i < input.length(); i++) {
            char c = input.charAt(i);
            if (c == '"') break;
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (i + 1 >= input.length()) break;
            char e = input.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    if (i + 4 >= input.length()) return out.toString();
                    try {
                        out.append((char) Integer.parseInt(input.substring(i + 1, i + 5), 16));
                    } catch (NumberFormatException ex) {
                        return out.toString();
                    }
                    i += 4;
                }
                default -> out.append(e);
            }
        }
        return out.toString();
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
