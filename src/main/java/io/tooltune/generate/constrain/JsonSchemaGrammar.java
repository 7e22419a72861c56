package io.tooltune.generate.constrain;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a JSON Schema (the subset below) into a {@link Grammar} whose documents are exactly the JSON texts valid
 * for it, with whitespace only between tokens and at most {@code maxWhitespace} characters of it in a row (default
 * {@value #DEFAULT_MAX_WHITESPACE}: pretty-printing a few levels deep fits, endless whitespace does not), and numbers of
 * at most 20 integer, 20 fraction and 3 exponent digits.
 *
 * <p>Supported: {@code type} (object, array, string, number, integer, boolean, null, or an array of them),
 * {@code properties}, {@code required}, {@code additionalProperties} (false, true or a schema), {@code enum},
 * {@code const}, {@code items} (one schema), {@code minItems}/{@code maxItems}, {@code anyOf}/{@code oneOf} (both as a
 * union: oneOf's exclusivity is not enforced), {@code allOf} of one schema, {@code nullable}, and {@code $ref} to
 * {@code #/$defs/...} or {@code #/definitions/...} (not recursive). Annotations are ignored: description, title,
 * default, examples, $schema, $id, $comment, deprecated, readOnly, writeOnly, and ToolBench's example_value and
 * optional. Any other keyword is refused with a {@link BadInputException} naming it, never silently dropped.
 *
 * <p>Deliberate choices: properties are written in schema order, required ones always, optional ones or not (as
 * llama.cpp and most engines do; any order would multiply states). With {@code properties} given and
 * {@code additionalProperties} absent, no other properties are allowed (OpenAI's strict mode and llama.cpp agree);
 * an object schema without {@code properties} allows any members. Extra members come after the declared ones, under
 * names other than theirs, so a declared property is never given twice; extra members may repeat each other's names
 * (a context-free grammar cannot remember the names written, and holding them in the matcher's state would make its
 * masks, cached per state, depend on every key). {@code enum}/{@code const} values are written in Jackson's compact
 * spelling only.
 */
public final class JsonSchemaGrammar {
    public static final int DEFAULT_MAX_WHITESPACE = 8;
    private static final Set<String> ANNOTATIONS = Set.of("description", "title", "default", "examples", "$schema",
            "$id", "$comment", "deprecated", "readOnly", "writeOnly", "example_value", "optional", "$defs",
            "definitions");
    private static final Set<String> SUPPORTED = Set.of("type", "properties", "required", "additionalProperties",
            "enum", "const", "items", "minItems", "maxItems", "anyOf", "oneOf", "allOf", "nullable", "$ref");
    private static final Set<String> OBJECT_KEYWORDS = Set.of("properties", "required", "additionalProperties");
    private static final Set<String> ARRAY_KEYWORDS = Set.of("items", "minItems", "maxItems");

    private final JsonRules json;
    private final JsonNode root;
    private final String where;
    private final Map<String, Rule> refs = new HashMap<>();
    private final Deque<String> resolving = new ArrayDeque<>();

    private JsonSchemaGrammar(JsonRules json, JsonNode root, String where) {
        this.json = json;
        this.root = root;
        this.where = where;
    }

    /** The grammar of JSON texts valid for {@code schema}; {@code where} names it in errors (e.g. a request field). */
    public static Grammar compile(JsonNode schema, String where) {
        return compile(schema, where, DEFAULT_MAX_WHITESPACE);
    }

    public static Grammar compile(JsonNode schema, String where, int maxWhitespace) {
        return new Grammar(rule(new JsonRules(maxWhitespace), schema, where));
    }

    /** Any JSON object (OpenAI's {@code response_format: json_object}). */
    public static Grammar anyObject(int maxWhitespace) {
        return new Grammar(new JsonRules(maxWhitespace).anyObject);
    }

    /** The rule for {@code schema} within a grammar built from {@code json}'s pieces (for composed grammars). */
    static Rule rule(JsonRules json, JsonNode schema, String where) {
        return new JsonSchemaGrammar(json, schema, where).schema(schema, "");
    }

    private BadInputException bad(String path, String problem) {
        return new BadInputException(where + ": JSON schema" + (path.isEmpty() ? "" : " at " + path) + ": " + problem);
    }

    private Rule schema(JsonNode s, String path) {
        if (s == null || s.isMissingNode()) throw bad(path, "missing schema");
        if (s.isBoolean()) {
            if (s.booleanValue()) return json.value;
            throw bad(path, "schema false allows no value");
        }
        if (!s.isObject()) throw bad(path, "a schema must be an object or a boolean, not " + s.getNodeType());
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!SUPPORTED.contains(k) && !ANNOTATIONS.contains(k)) throw bad(path, "unsupported keyword \"" + k + "\"");
        }
        Rule r = base(s, path);
        JsonNode nullable = s.get("nullable");
        if (nullable != null && !nullable.isBoolean()) throw bad(path, "\"nullable\" must be true or false");
        if (nullable != null && nullable.booleanValue()) r = new Rule("nullable").alt(r).alt(json.nul);
        return r;
    }

    private Rule base(JsonNode s, String path) {
        if (s.has("$ref")) {
            onlyWith(s, path, "$ref", Set.of("nullable"));
            return ref(s.get("$ref"), path);
        }
        if (s.has("const")) {
            onlyWith(s, path, "const", Set.of("type", "nullable"));
            return JsonRules.literal(JsonRules.compact(s.get("const")));
        }
        if (s.has("enum")) {
            onlyWith(s, path, "enum", Set.of("type", "nullable"));
            return enumRule(s.get("enum"), path + "/enum");
        }
        for (String union : List.of("anyOf", "oneOf", "allOf")) {
            if (!s.has(union)) continue;
            onlyWith(s, path, union, Set.of("nullable"));
            JsonNode subs = s.get(union);
            if (!subs.isArray() || subs.isEmpty()) throw bad(path, "\"" + union + "\" must be a non-empty array");
            if (union.equals("allOf")) {
                if (subs.size() != 1) throw bad(path, "unsupported keyword \"allOf\" with more than one schema");
                return schema(subs.get(0), path + "/allOf/0");
            }
            Rule r = new Rule(union);
            for (int i = 0; i < subs.size(); i++) r.alt(schema(subs.get(i), path + "/" + union + "/" + i));
            return r;
        }
        Set<String> types = types(s, path);
        Rule r = new Rule("types " + types);
        for (String t : types) {
            r.alt(switch (t) {
                case "object" -> object(s, path);
                case "array" -> array(s, path);
                case "string" -> json.string;
                case "number" -> json.number;
                case "integer" -> json.integer;
                case "boolean" -> json.bool;
                case "null" -> json.nul;
                default -> throw bad(path, "unknown type \"" + t + "\"");
            });
        }
        return r;
    }

    /** The schema's types, from {@code type} or, without it, from the keywords present (none: any JSON value). */
    private Set<String> types(JsonNode s, String path) {
        JsonNode t = s.get("type");
        Set<String> out = new LinkedHashSet<>();
        if (t == null) {
            if (s.properties().stream().anyMatch(e -> OBJECT_KEYWORDS.contains(e.getKey()))) out.add("object");
            if (s.properties().stream().anyMatch(e -> ARRAY_KEYWORDS.contains(e.getKey()))) out.add("array");
            if (out.isEmpty()) out.addAll(List.of("object", "array", "string", "number", "boolean", "null"));
        } else if (t.isTextual()) {
            out.add(t.textValue());
        } else if (t.isArray() && !t.isEmpty()) {
            for (JsonNode x : t) {
                if (!x.isTextual()) throw bad(path, "\"type\" entries must be strings");
                out.add(x.textValue());
            }
        } else {
            throw bad(path, "\"type\" must be a string or a non-empty array of strings");
        }
        if (out.contains("number")) out.remove("integer");
        return out;
    }

    private void onlyWith(JsonNode s, String path, String keyword, Set<String> allowed) {
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals(keyword) && SUPPORTED.contains(k) && !allowed.contains(k)) {
                throw bad(path, "unsupported keyword combination: \"" + keyword + "\" with \"" + k + "\"");
            }
        }
    }

    private Rule enumRule(JsonNode values, String path) {
        if (!values.isArray() || values.isEmpty()) throw bad(path, "\"enum\" must be a non-empty array");
        Rule r = new Rule("enum");
        Set<String> seen = new HashSet<>();
        for (JsonNode v : values) {
            String text = JsonRules.compact(v);
            if (seen.add(text)) r.alt(text);
        }
        return r;
    }

    private Rule object(JsonNode s, String path) {
        JsonNode props = s.get("properties");
        if (props != null && !props.isObject()) throw bad(path, "\"properties\" must be an object");
        Set<String> required = new LinkedHashSet<>();
        JsonNode req = s.get("required");
        if (req != null) {
            if (!req.isArray()) throw bad(path, "\"required\" must be an array of names");
            for (JsonNode n : req) {
                if (!n.isTextual()) throw bad(path, "\"required\" must be an array of names");
                if (props == null || !props.has(n.textValue())) {
                    throw bad(path, "required property \"" + n.textValue() + "\" is not in \"properties\"");
                }
                required.add(n.textValue());
            }
        }
        List<JsonRules.Member> members = new ArrayList<>();
        if (props != null) {
            for (Map.Entry<String, JsonNode> p : props.properties()) {
                String sub = path + "/properties/" + pointerEscape(p.getKey());
                members.add(new JsonRules.Member(p.getKey(), schema(p.getValue(), sub), required.contains(p.getKey())));
            }
        }
        JsonNode add = s.get("additionalProperties");
        Rule additional;
        if (add == null) additional = props == null ? json.value : null;
        else if (add.isBoolean()) additional = add.booleanValue() ? json.value : null;
        else additional = schema(add, path + "/additionalProperties");
        try {
            return json.object(members, additional, "object " + path);
        } catch (IllegalArgumentException e) {
            throw bad(path, e.getMessage());
        }
    }

    private Rule array(JsonNode s, String path) {
        JsonNode items = s.get("items");
        if (items != null && items.isArray()) throw bad(path, "unsupported keyword \"items\" as an array (tuple form)");
        Rule item = items == null ? json.value : schema(items, path + "/items");
        int min = count(s, "minItems", 0, path), max = count(s, "maxItems", -1, path);
        if (max >= 0 && min > max) throw bad(path, "minItems " + min + " > maxItems " + max);
        try {
            return json.array(item, min, max, "array " + path);
        } catch (IllegalArgumentException e) {
            throw bad(path, e.getMessage());
        }
    }

    private int count(JsonNode s, String keyword, int absent, String path) {
        JsonNode n = s.get(keyword);
        if (n == null) return absent;
        if (!n.canConvertToExactIntegral() || n.asLong() < 0 || n.asLong() > Integer.MAX_VALUE) {
            throw bad(path, "\"" + keyword + "\" must be a non-negative integer");
        }
        return n.asInt();
    }

    private Rule ref(JsonNode refNode, String path) {
        if (!refNode.isTextual()) throw bad(path, "\"$ref\" must be a string");
        String ref = refNode.textValue();
        Rule known = refs.get(ref);
        if (known != null) return known;
        if (resolving.contains(ref)) throw bad(path, "unsupported keyword \"$ref\": recursive reference " + ref);
        JsonNode target = null;
        for (String prefix : List.of("#/$defs/", "#/definitions/")) {
            if (ref.startsWith(prefix) && ref.indexOf('/', prefix.length()) < 0) {
                JsonNode defs = root.get(prefix.substring(2, prefix.length() - 1));
                String name = ref.substring(prefix.length()).replace("~1", "/").replace("~0", "~");
                target = defs == null ? null : defs.get(name);
                if (target == null) throw bad(path, "\"$ref\" " + ref + " points at nothing");
            }
        }
        if (target == null) throw bad(path, "unsupported \"$ref\" " + ref + " (only #/$defs/NAME and #/definitions/NAME)");
        resolving.push(ref);
        Rule r = schema(target, ref.substring(1));
        resolving.pop();
        refs.put(ref, r);
        return r;
    }

    private static String pointerEscape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
