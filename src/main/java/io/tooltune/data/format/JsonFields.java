package io.tooltune.data.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** Typed field access on parsed JSON, failing with a message that names the record and the field. */
final class JsonFields {
    private JsonFields() {}

    static BadInputException bad(String where, String problem) {
        return new BadInputException(where + ": " + problem);
    }

    static String str(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null) throw bad(where, "missing field \"" + field + "\"");
        if (!v.isTextual()) throw bad(where, "field \"" + field + "\" is " + v.getNodeType() + ", not a string");
        return v.textValue();
    }

    /** A string field that may be absent or null (ToolBench writes null descriptions and contents). */
    static String optStr(JsonNode n, String field, String fallback) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return fallback;
        if (v.isTextual()) return v.textValue();
        if (v.isValueNode()) return v.asText();
        throw new BadInputException("field \"" + field + "\" is " + v.getNodeType() + ", not a string");
    }

    static JsonNode array(JsonNode n, String field, String where, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) throw bad(where, "missing field \"" + field + "\"");
            return null;
        }
        if (!v.isArray()) throw bad(where, "field \"" + field + "\" is " + v.getNodeType() + ", not a list");
        return v;
    }

    static JsonNode object(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null) throw bad(where, "missing field \"" + field + "\"");
        if (!v.isObject()) throw bad(where, "field \"" + field + "\" is " + v.getNodeType() + ", not an object");
        return v;
    }

    static <T> List<T> list(JsonNode arr, String where, BiFunction<JsonNode, String, T> item) {
        List<T> out = new ArrayList<>();
        if (arr == null) return out;
        for (int i = 0; i < arr.size(); i++) out.add(item.apply(arr.get(i), where + "[" + i + "]"));
        return List.copyOf(out);
    }
}
