package io.tooltune.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.data.python.PythonRepr;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Offline simulator: fills the API's {@code template_response} (ToolBench's type skeleton: "str", "int",
 * "float", "bool", lists with "_list_length", "list of str with length N") with deterministic values seeded
 * by the API and the arguments, so the same call always gets the same response. Template fields named like an
 * argument echo the argument's value. Without a template it describes the call in a sentence.
 */
public final class SchemaSimulator implements ResponseSimulator {
    private static final Pattern LIST_OF = Pattern.compile("list of (\\w+) with length (\\d+)");
    private static final int MAX_LIST = 3;
    private static final String[] WORDS = {"alpha", "river", "summit", "harbor", "nova", "cedar", "orbit", "atlas",
            "ember", "lumen", "delta", "maple", "quartz", "sierra", "tango", "willow"};

    @Override
    public String kind() {
        return "schema";
    }

    @Override
    public ObjectNode simulate(ApiCatalog.ApiInfo api, List<ResponseCache.Entry> examples, JsonNode toolInput) {
        String seedText = (api == null ? "" : api.category() + "/" + api.toolName() + "/" + api.apiName()) + "|"
                + PythonRepr.repr(toolInput);
        SplittableRandom rnd = new SplittableRandom(fnv(seedText));
        ObjectNode out = Json.MAPPER.createObjectNode().put("error", "");
        JsonNode template = api == null ? null : api.templateResponse();
        if (template == null || template.isNull() || (template.isContainerNode() && template.isEmpty())) {
            String name = api == null ? "The API" : "The " + api.apiName() + " API of " + api.toolName();
            out.put("response", name + " returned a result for " + PythonRepr.repr(toolInput) + " (reference "
                    + Long.toHexString(rnd.nextLong() & 0xffffffL) + ").");
        } else {
            out.set("response", fill(template, "value", toolInput, rnd));
        }
        return out;
    }

    private JsonNode fill(JsonNode t, String field, JsonNode args, SplittableRandom rnd) {
        if (t.isObject()) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("_list_length")) o.set(e.getKey(), fill(e.getValue(), e.getKey(), args, rnd));
            }
            return o;
        }
        if (t.isArray()) {
            ArrayNode a = Json.MAPPER.createArrayNode();
            if (t.isEmpty()) return a;
            JsonNode item = t.get(0);
            int n = item.isObject() && item.has("_list_length") ? item.get("_list_length").asInt(1) : 1;
            if (item.isTextual()) {
                Matcher m = LIST_OF.matcher(item.textValue());
                if (m.matches()) {
                    for (int i = 0; i < Math.min(MAX_LIST, Integer.parseInt(m.group(2))); i++) {
                        a.add(scalar(m.group(1), field, args, rnd));
                    }
                    return a;
                }
            }
            for (int i = 0; i < Math.min(MAX_LIST, Math.max(1, n)); i++) a.add(fill(item, field, args, rnd));
            return a;
        }
        return t.isTextual() ? scalar(t.textValue(), field, args, rnd) : t;
    }

    private JsonNode scalar(String type, String field, JsonNode args, SplittableRandom rnd) {
        JsonNode echoed = args != null && args.isObject() ? args.get(field) : null;
        return switch (type) {
            case "int" -> echoed != null && echoed.canConvertToLong() ? echoed
                    : Json.MAPPER.getNodeFactory().numberNode(rnd.nextInt(1, 1000));
            case "float" -> Json.MAPPER.getNodeFactory().numberNode(Math.round(rnd.nextDouble() * 10000) / 100.0);
            case "bool" -> Json.MAPPER.getNodeFactory().booleanNode(rnd.nextBoolean());
            case "NoneType" -> Json.MAPPER.getNodeFactory().nullNode();
            default -> echoed != null && echoed.isValueNode() ? Json.MAPPER.getNodeFactory().textNode(echoed.asText())
                    : Json.MAPPER.getNodeFactory().textNode(field + " " + WORDS[rnd.nextInt(WORDS.length)] + " "
                    + rnd.nextInt(100, 1000));
        };
    }

    private static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) h = (h ^ (b & 0xff)) * 0x100000001b3L;
        return h;
    }
}
