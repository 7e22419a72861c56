package io.tooltune.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;

import java.util.ArrayList;
import java.util.List;

/** Typed reads of a config.json object; errors name the file (or nested object) and the field. */
public final class ConfigFields {
    private final JsonNode json;
    private final String source;

    public ConfigFields(JsonNode json, String source) {
        if (json == null || !json.isObject()) throw new BadInputException(source + ": not a JSON object");
        this.json = json;
        this.source = source;
    }

    public JsonNode json() {
        return json;
    }

    public String source() {
        return source;
    }

    public boolean has(String name) {
        return json.hasNonNull(name);
    }

    public BadInputException error(String message) {
        return new BadInputException(source + ": " + message);
    }

    public int requiredInt(String name) {
        if (!has(name)) throw error("missing field " + name);
        return toInt(name, json.get(name));
    }

    /** The field, or {@code fallback} when it is absent or null. */
    public int optionalInt(String name, int fallback) {
        return has(name) ? toInt(name, json.get(name)) : fallback;
    }

    public double optionalDouble(String name, double fallback) {
        return has(name) ? requiredDouble(name) : fallback;
    }

    public double requiredDouble(String name) {
        if (!has(name)) throw error("missing field " + name);
        JsonNode v = json.get(name);
        if (!v.isNumber()) throw error(name + " is not a number: " + v);
        return v.asDouble();
    }

    public boolean optionalBoolean(String name, boolean fallback) {
        if (!has(name)) return fallback;
        JsonNode v = json.get(name);
        if (!v.isBoolean()) throw error(name + " is not a boolean: " + v);
        return v.asBoolean();
    }

    public String optionalString(String name, String fallback) {
        if (!has(name)) return fallback;
        JsonNode v = json.get(name);
        if (!v.isTextual()) throw error(name + " is not a string: " + v);
        return v.asText();
    }

    /** An integer or a list of integers (as generation_config.json's {@code eos_token_id}); absent: {@code fallback}. */
    public List<Integer> intOrIntList(String name, List<Integer> fallback) {
        if (!has(name)) return fallback;
        JsonNode v = json.get(name);
        if (!v.isArray()) return List.of(toInt(name, v));
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : v) out.add(toInt(name, e));
        return List.copyOf(out);
    }

    /** A nested object's fields (errors name it as {@code source: name}), or null when absent or null. */
    public ConfigFields optionalObject(String name) {
        if (!has(name)) return null;
        JsonNode v = json.get(name);
        if (!v.isObject()) throw error(name + " is not an object: " + v);
        return new ConfigFields(v, source + ": " + name);
    }

    private int toInt(String name, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw error(name + " is not an integer: " + v);
        return v.asInt();
    }
}
