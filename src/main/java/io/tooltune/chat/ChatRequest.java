package io.tooltune.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a chat template is rendered with: the conversation, the tools offered ({@code null}: none), whether to open
 * the assistant's turn, and extra template variables (e.g. {@code enable_thinking}). Messages and tools are
 * template values (maps in key order, as transformers reads them from JSON).
 */
public record ChatRequest(List<Object> messages, List<Object> tools, boolean addGenerationPrompt, Map<String, Object> kwargs) {

    public ChatRequest {
        messages = List.copyOf(messages);
        kwargs = Collections.unmodifiableMap(new LinkedHashMap<>(kwargs)); // JSON null values allowed
    }

    /**
     * Reads {@code {"messages": [...], "tools": [...], "add_generation_prompt": bool, ...}}; other fields become
     * template variables. An OpenAI-style tool call whose {@code arguments} is a JSON string is given to the template
     * as the object it encodes, as chat servers do, since templates write arguments with {@code tojson}.
     */
    public static ChatRequest fromJson(JsonNode root, String where) {
        if (root == null || !root.isObject()) throw bad(where, "expected one JSON object with \"messages\"");
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray()) throw bad(where, "\"messages\" is missing or not an array");
        List<Object> msgs = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = where + ": messages[" + i + "]";
            if (!m.isObject()) throw new BadInputException(at + ": not an object");
            if (!m.path("role").isTextual()) throw new BadInputException(at + ": \"role\" is missing or not a string");
            msgs.add(withDecodedArguments(TemplateValues.of(m), at));
        }
        JsonNode tools = root.get("tools");
        if (tools != null && !tools.isNull() && !tools.isArray()) throw bad(where, "\"tools\" is not an array");
        JsonNode agp = root.get("add_generation_prompt");
        if (agp != null && !agp.isNull() && !agp.isBoolean()) throw bad(where, "\"add_generation_prompt\" is not true or false");
        Map<String, Object> kwargs = new LinkedHashMap<>();
        root.properties().forEach(e -> {
            if (!List.of("messages", "tools", "add_generation_prompt").contains(e.getKey())) {
                kwargs.put(e.getKey(), TemplateValues.of(e.getValue()));
            }
        });
        @SuppressWarnings("unchecked")
        List<Object> toolList = tools == null || tools.isNull() ? null : (List<Object>) TemplateValues.of(tools);
        return new ChatRequest(msgs, toolList, agp != null && agp.asBoolean(), kwargs);
    }

    @SuppressWarnings("unchecked")
    private static Object withDecodedArguments(Object message, String where) {
        Object calls = ((Map<String, Object>) message).get("tool_calls");
        if (!(calls instanceof List<?> list)) return message;
        for (Object call : list) {
            if (!(call instanceof Map<?, ?> c) || !(c.get("function") instanceof Map<?, ?> f)) continue;
            if (f.get("arguments") instanceof String text) {
                try {
                    JsonNode args = Json.MAPPER.readTree(text);
                    if (args != null && args.isObject()) ((Map<String, Object>) f).put("arguments", TemplateValues.of(args));
                } catch (Exception e) {
                    throw new BadInputException(where + ": tool call arguments are not JSON: " + text);
                }
            }
        }
        return message;
    }

    private static BadInputException bad(String where, String problem) {
        return new BadInputException(where + ": " + problem);
    }
}
