package io.tooltune.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;

import java.util.Iterator;
import java.util.Locale;

/**
 * Is an Action Input valid JSON for a ToolBench function's parameters: a JSON object (ToolBench sends an empty input
 * as {@code {}}) holding every {@code required} parameter, no parameter outside {@code properties}, and values of the
 * declared JSON type (ToolBench's own types, e.g. {@code NUMBER} or {@code DATE (YYYY-MM-DD)}, compare by their
 * JSON-type prefix; an unknown type accepts any value). Returns the first problem, or null when the input is valid.
 */
public final class ActionInputCheck {
    private ActionInputCheck() {}

    public static String problem(String arguments, JsonNode parameters) {
        JsonNode input;
        try {
            input = arguments.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(arguments);
        } catch (JsonProcessingException e) {
            return "not JSON";
        }
        if (input == null || !input.isObject()) return "not a JSON object";
        JsonNode props = parameters.path("properties");
        for (JsonNode r : parameters.path("required")) {
            if (!input.has(r.asText())) return "missing required parameter " + r.asText();
        }
        for (Iterator<String> it = input.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!props.has(k)) return "unknown parameter " + k;
            if (!typeMatches(props.get(k).path("type").asText(""), input.get(k))) {
                return "parameter " + k + " is not of type " + props.get(k).path("type").asText();
            }
        }
        return null;
    }

    private static boolean typeMatches(String type, JsonNode v) {
        String t = type.toLowerCase(Locale.ROOT);
        if (t.startsWith("string")) return v.isTextual();
        if (t.startsWith("integer")) return v.isIntegralNumber();
        if (t.startsWith("number")) return v.isNumber();
        if (t.startsWith("boolean")) return v.isBoolean();
        if (t.startsWith("array")) return v.isArray();
        if (t.startsWith("object")) return v.isObject();
        return true;
    }
}
