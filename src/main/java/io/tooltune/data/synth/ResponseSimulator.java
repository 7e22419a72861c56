package io.tooltune.data.synth;

import io.tooltune.data.format.ToolNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic API behaviour for synthetic tools: every value is a pure function of (seed, tool, entity,
 * attribute), so an API answers the same arguments identically everywhere (gold answers, cache, a fallback server)
 * and two APIs of one tool agree about one entity.
 */
public final class ResponseSimulator {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final long seed;

    public ResponseSimulator(long seed) {
        this.seed = seed;
    }

    /** The value of one attribute of one entity, as it appears in responses (Long, Double or String). */
    public Object value(SynthTool tool, String key, Domain.Attribute a) {
        SplittableRandom r = random(tool.name(), key, a.field());
        return switch (a.kind()) {
            case 'i' -> (long) Math.floor(a.lo() + r.nextDouble() * (a.hi() - a.lo() + 1));
            case 'f' -> Math.round((a.lo() + r.nextDouble() * (a.hi() - a.lo())) * 10) / 10.0;
            case 't' -> String.format(Locale.ROOT, "%02d:%02d", r.nextInt(24), 5 * r.nextInt(12));
            case 'd' -> String.format(Locale.ROOT, "%04d-%02d-%02d", (int) a.lo() + r.nextInt((int) (a.hi() - a.lo()) + 1),
                    1 + r.nextInt(12), 1 + r.nextInt(28));
            default -> a.words().get(r.nextInt(a.words().size()));
        };
    }

    /** The value as answer text: what a correct final answer must contain. */
    public static String fact(Object value) {
        return value instanceof Double d ? Double.toString(d) : String.valueOf(value);
    }

    /** The id a tool's SEARCH gives an entity (and its DETAILS accepts). */
    public String idOf(SynthTool tool, String key) {
        SplittableRandom r = random(tool.name(), key, "#id");
        String prefix = tool.domain().entity().replaceAll("[^a-z]", "");
        int index = tool.domain().keyPool().indexOf(key);
        // the digits after the first three are the entity's index (9999 for an unknown entity), so ids never collide
        return prefix.substring(0, Math.min(3, prefix.length())) + "_" + (100 + r.nextInt(900)) + String.format(Locale.ROOT, "%02d",
                index < 0 ? 9999 : index);
    }

    /**
     * The response body of a call. Arguments are keyed as the function schema names them (standardized,
     * change_name applied); unknown ids get a message instead of details.
     */
    public JsonNode respond(SynthTool tool, SynthApi api, Map<String, ?> args) {
        Object keyArg = api.keyParam() == null ? null : args.get(ToolNames.pureApiName(api.keyParam()));
        String key = keyArg == null ? "" : String.valueOf(keyArg);
        ObjectNode out = F.objectNode();
        switch (api.kind()) {
            case LOOKUP -> {
                out.put(api.keyParam(), key);
                for (Domain.Attribute a : api.attributes()) {
                    put(out, a.field(), value(tool, key, a));
                }
            }
            case SEARCH -> {
                ArrayNode results = out.putArray("results");
                for (String name : searchHits(tool, key)) {
                    ObjectNode hit = results.addObject();
                    hit.put("id", idOf(tool, name));
                    hit.put("name", name);
                }
                out.put("count", results.size());
            }
            case DETAILS -> {
                String name = nameOfId(tool, key);
                if (name == null) {
                    out.put("message", "No " + tool.domain().entity() + " found with id " + key);
                } else {
                    out.put("id", key);
                    out.put("name", name);
                    for (Domain.Attribute a : api.attributes()) {
                        put(out, a.field(), value(tool, name, a));
                    }
                }
            }
            case LIST -> {
                ArrayNode names = out.putArray(tool.domain().plural().replace(' ', '_'));
                tool.domain().keyValues().forEach(names::add);
            }
        }
        return out;
    }

    /** The exact match first, then up to two other known entities (decoys whose ids must not be used). */
    List<String> searchHits(SynthTool tool, String query) {
        List<String> hits = new ArrayList<>();
        hits.add(query);
        List<String> values = tool.domain().keyPool();
        SplittableRandom r = random(tool.name(), query, "#search");
        int decoys = r.nextInt(3);
        for (int i = 0; i < 8 && hits.size() < 1 + decoys; i++) {
            String v = values.get(r.nextInt(values.size()));
            if (!hits.contains(v)) {
                hits.add(v);
            }
        }
        return hits;
    }

    /** The entity whose id this is: {@link #idOf} writes its index after three random digits. */
    private String nameOfId(SynthTool tool, String id) {
        int digits = id.indexOf('_') + 4;
        if (digits < 4 || digits >= id.length() || id.length() - digits > 4
                || !id.substring(digits).chars().allMatch(Character::isDigit)) {
            return null;
        }
        int index = Integer.parseInt(id.substring(digits));
        List<String> pool = tool.domain().keyPool();
        return index < pool.size() && idOf(tool, pool.get(index)).equals(id) ? pool.get(index) : null;
    }

    private static void put(ObjectNode out, String field, Object v) {
        switch (v) {
            case Long l -> out.put(field, l);
            case Double d -> out.put(field, d);
            default -> out.put(field, String.valueOf(v));
        }
    }

    private SplittableRandom random(String... parts) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (String p : parts) {
            for (byte b : (p + "\u0000").getBytes(StandardCharsets.UTF_8)) {
                h = (h ^ (b & 0xff)) * 0x100000001b3L;
            }
        }
        return new SplittableRandom(h);
    }
}
