package io.tooltune.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;

import java.util.function.Supplier;

/** The JSON pieces of tool calls in model output: finding where a JSON value ends, and reading one call object. */
public final class CallJson {
    private CallJson() {}

    /** A call object that cannot be used; the message says why. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    /**
     * The index just past the JSON object or array starting at {@code from} (brackets balanced outside strings), or
     * -1 if it does not close.
     */
    public static int valueEnd(String s, int from) {
        int depth = 0;
        boolean inString = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) return i + 1;
            }
        }
        return -1;
    }

    static JsonNode parse(String text) throws Malformed {
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            if (n == null) throw new Malformed("empty");
            return n;
        } catch (JsonProcessingException e) {
            throw new Malformed("not JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * A call {@code {"name": ..., <argumentsField>: {...}}}; the arguments become JSON text as Python's
     * {@code json.dumps(ensure_ascii=False)} writes it (what OpenAI-compatible servers return).
     */
    static ToolCall call(JsonNode n, String argumentsField, Supplier<String> ids) throws Malformed {
        if (n == null || !n.isObject()) throw new Malformed("a tool call is not a JSON object");
        JsonNode name = n.get("name");
        if (name == null || !name.isTextual() || name.textValue().isBlank()) throw new Malformed("a tool call has no \"name\"");
        return new ToolCall(ids.get(), name.textValue(), arguments(n.get(argumentsField), name.textValue()));
    }

    /** One JSON value as the chat-template path writes arguments ({@code json.dumps(ensure_ascii=False)}). */
    public static String pythonJson(JsonNode value) {
        return TemplateJson.dumps(TemplateValues.of(value));
    }

    /** Arguments given as an object, as the JSON text of one, or absent (no arguments). */
    static String arguments(JsonNode args, String name) throws Malformed {
        if (args == null || args.isNull()) return "{}";
        if (args.isTextual()) args = parse(args.textValue());
        if (!args.isObject()) throw new Malformed("the arguments of " + name + " are not a JSON object");
        return pythonJson(args);
    }
}
