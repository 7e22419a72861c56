package io.tooltune.data.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A ToolLLaMA training instance ({@code toolllama_G123_dfs_train.json} element):
 * {@code {"id": "Step k: <query>", "conversations": [{from, value}...]}}. {@code extra} holds any other fields
 * (e.g. {@code source}) so they survive a round trip; it may be empty.
 */
public record ToolLlamaExample(String id, List<Turn> conversations, ObjectNode extra) {

    public ToolLlamaExample(String id, List<Turn> conversations) {
        this(id, conversations, Json.MAPPER.createObjectNode());
    }

    public static ToolLlamaExample of(JsonNode n, String where) {
        if (!n.isObject()) throw JsonFields.bad(where, "instance is not an object");
        String id = JsonFields.str(n, "id", where);
        List<Turn> turns = JsonFields.list(JsonFields.array(n, "conversations", where, true), where + ".conversations",
                (t, w) -> {
                    if (!t.isObject()) throw JsonFields.bad(w, "turn is not an object");
                    return new Turn(JsonFields.str(t, "from", w), JsonFields.str(t, "value", w));
                });
        if (turns.isEmpty()) throw JsonFields.bad(where, "empty conversations");
        ObjectNode extra = Json.MAPPER.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("id") && !e.getKey().equals("conversations")) extra.set(e.getKey(), e.getValue());
        }
        return new ToolLlamaExample(id, turns, extra);
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode().put("id", id);
        ArrayNode conv = o.putArray("conversations");
        for (Turn t : conversations) conv.addObject().put("from", t.from()).put("value", t.value());
        if (extra != null) o.setAll(extra);
        return o;
    }
}
