package io.tooltune.data.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;

/**
 * An OpenAI-style message of {@code train_messages}: system, user, assistant (content may be null, with or
 * without a function_call) or function (with the function's name). StableToolBench writes calls as
 * {@code tool_calls}; the first one is read as the function_call. {@code json} keeps the message as read
 * (e.g. the {@code "valid": false} flag of diversity prompts).
 */
public record ChatMessage(String role, String content, FunctionCall functionCall, String name, ObjectNode json) {

    public static ChatMessage of(JsonNode n, String where) {
        if (!n.isObject()) throw JsonFields.bad(where, "message is not an object");
        String role = JsonFields.str(n, "role", where);
        FunctionCall call = null;
        JsonNode fc = n.get("function_call");
        if (fc == null || fc.isNull()) {
            JsonNode calls = n.get("tool_calls");
            if (calls != null && calls.isArray() && !calls.isEmpty()) fc = calls.get(0).get("function");
        }
        if (fc != null && !fc.isNull()) {
            if (!fc.isObject()) throw JsonFields.bad(where, "function_call is not an object");
            JsonNode args = fc.get("arguments");
            String arguments = args == null || args.isNull() ? "" : args.isTextual() ? args.textValue() : args.toString();
            call = new FunctionCall(JsonFields.str(fc, "name", where + ".function_call"), arguments);
        }
        String content;
        try {
            content = JsonFields.optStr(n, "content", null);
        } catch (RuntimeException e) {
            throw JsonFields.bad(where, e.getMessage());
        }
        return new ChatMessage(role, content, call, JsonFields.optStr(n, "name", null), (ObjectNode) n);
    }

    public static ChatMessage of(String role, String content) {
        ObjectNode n = Json.MAPPER.createObjectNode().put("role", role).put("content", content);
        return new ChatMessage(role, content, null, null, n);
    }

    public boolean hasFunctionCall() {
        return functionCall != null;
    }
}
