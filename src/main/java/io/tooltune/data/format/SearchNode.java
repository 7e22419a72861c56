package io.tooltune.data.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A node of a raw answer's search record: the DFSDT {@code tree} or a CoT {@code trys[k].chain}. {@code nodeType}
 * is Thought, Action (description = function name) or Action Input (description = arguments, with the
 * observation and its status code). {@code json} keeps the rest (Elo, io_state, expand_num...). Chain nodes have
 * no children.
 */
public record SearchNode(String nodeType, String description, String observation, Integer observationCode,
                         boolean terminal, boolean pruned, boolean finished, int depth, List<SearchNode> children,
                         ObjectNode json) {
    public static SearchNode of(JsonNode n, String where) {
        if (!n.isObject()) throw JsonFields.bad(where, "tree node is not an object");
        JsonNode code = n.get("observation_code");
        String observation;
        try {
            observation = JsonFields.optStr(n, "observation", null);
        } catch (RuntimeException e) {
            throw JsonFields.bad(where, e.getMessage());
        }
        return new SearchNode(JsonFields.str(n, "node_type", where), JsonFields.optStr(n, "description", ""), observation,
                code == null || code.isNull() ? null : code.asInt(), n.path("is_terminal").asBoolean(false),
                n.path("pruned").asBoolean(false), n.path("finished").asBoolean(false), n.path("depth").asInt(0),
                JsonFields.list(JsonFields.array(n, "children", where, false), where + ".children", SearchNode::of), (ObjectNode) n);
    }
}
