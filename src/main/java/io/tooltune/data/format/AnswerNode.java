package io.tooltune.data.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;

import java.util.List;

/**
 * A node of a converted answer's {@code answer_details} graph: role system, user, assistant (message = thought)
 * or tool (message = {name, arguments, response}; older ToolEval files store it as its Python repr string).
 */
public record AnswerNode(String role, JsonNode message, List<AnswerNode> next) {

    public static AnswerNode of(JsonNode n, String where) {
        if (!n.isObject()) throw JsonFields.bad(where, "answer node is not an object");
        JsonNode msg = n.get("message");
        return new AnswerNode(JsonFields.str(n, "role", where), msg == null ? Json.MAPPER.nullNode() : msg,
                JsonFields.list(JsonFields.array(n, "next", where, false), where + ".next", AnswerNode::of));
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode().put("role", role);
        o.set("message", message);
        var arr = o.putArray("next");
        for (AnswerNode c : next) arr.add(c.toJson());
        return o;
    }
}
