package io.tooltune.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;

/**
 * One call as ToolBench's environment posts it: {@code {category, tool_name, api_name, tool_input, strip,
 * toolbench_key}}. {@code toolInput} is the arguments string the model wrote, or an already parsed object.
 */
public record ToolRequest(String category, String toolName, String apiName, JsonNode toolInput, String strip,
                          String toolbenchKey) {

    /** Reads a request body; null fields or wrong types are a {@link IllegalArgumentException} naming the field. */
    public static ToolRequest of(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("request body is not a JSON object");
        JsonNode input = n.get("tool_input");
        if (input == null || !(input.isTextual() || input.isObject())) {
            throw new IllegalArgumentException("field \"tool_input\" must be a string or an object");
        }
        return new ToolRequest(text(n, "category"), text(n, "tool_name"), text(n, "api_name"), input,
                text(n, "strip"), text(n, "toolbench_key"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException("field \"" + field + "\" must be a string");
        return v.textValue();
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("category", category).put("tool_name", toolName).put("api_name", apiName);
        o.set("tool_input", toolInput);
        return o.put("strip", strip).put("toolbench_key", toolbenchKey);
    }
}
