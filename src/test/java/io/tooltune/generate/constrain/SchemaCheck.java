package io.tooltune.generate.constrain;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An independent validator for the schema subset JsonSchemaGrammar supports, with its documented semantics
 * (declared properties in schema order; no extra properties when "properties" is given without
 * "additionalProperties"), used to check what constrained decoding produces.
 */
public final class SchemaCheck {
    private final JsonNode root;

    private SchemaCheck(JsonNode root) {
        this.root = root;
    }

    public static boolean valid(JsonNode schema, JsonNode value) {
        return new SchemaCheck(schema).check(schema, value);
    }

    private boolean check(JsonNode s, JsonNode v) {
        if (s.isBoolean()) return s.booleanValue();
        if (s.path("nullable").asBoolean(false) && v.isNull()) return true;
        if (s.has("$ref")) {
            String[] parts = s.get("$ref").textValue().substring(2).split("/");
            return check(root.get(parts[0]).get(parts[1]), v);
        }
        if (s.has("const")) return s.get("const").equals(v);
        if (s.has("enum")) {
            for (JsonNode e : s.get("enum")) if (e.equals(v)) return true;
            return false;
        }
        for (String union : List.of("anyOf", "oneOf", "allOf")) {
            if (s.has(union)) {
                for (JsonNode sub : s.get(union)) if (check(sub, v)) return true;
                return false;
            }
        }
        List<String> types = new ArrayList<>();
        JsonNode t = s.get("type");
        if (t == null) {
            if (s.has("properties") || s.has("required") || s.has("additionalProperties")) types.add("object");
            if (s.has("items") || s.has("minItems") || s.has("maxItems")) types.add("array");
            if (types.isEmpty()) return true;
        } else if (t.isTextual()) {
            types.add(t.textValue());
        } else {
            t.forEach(x -> types.add(x.textValue()));
        }
        for (String type : types) if (checkType(type, s, v)) return true;
        return false;
    }

    private boolean checkType(String type, JsonNode s, JsonNode v) {
        return switch (type) {
            case "object" -> v.isObject() && checkObject(s, v);
            case "array" -> v.isArray() && checkArray(s, v);
            case "string" -> v.isTextual();
            case "number" -> v.isNumber();
            case "integer" -> v.isIntegralNumber();
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            default -> throw new IllegalArgumentException(type);
        };
    }

    private boolean checkObject(JsonNode s, JsonNode v) {
        JsonNode props = s.get("properties");
        for (JsonNode r : s.path("required")) if (!v.has(r.textValue())) return false;
        JsonNode add = s.get("additionalProperties");
        int lastDeclared = -1;
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (props != null && props.has(m.getKey())) {
                int at = indexOf(props, m.getKey());
                if (at < lastDeclared) return false;
                lastDeclared = at;
                if (!check(props.get(m.getKey()), m.getValue())) return false;
            } else if (add == null) {
                if (props != null) return false;
            } else if (!check(add, m.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(JsonNode props, String key) {
        int i = 0;
        for (Iterator<String> it = props.fieldNames(); it.hasNext(); i++) if (it.next().equals(key)) return i;
        return -1;
    }

    private boolean checkArray(JsonNode s, JsonNode v) {
        if (s.has("minItems") && v.size() < s.get("minItems").asInt()) return false;
        if (s.has("maxItems") && v.size() > s.get("maxItems").asInt()) return false;
        JsonNode items = s.get("items");
        if (items != null) for (JsonNode x : v) if (!check(items, x)) return false;
        return true;
    }
}
