package io.tooltune.data.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A test or training query ({@code test_instruction/<group>.json}, {@code instruction/G*_query.json}).
 * {@code queryId} is kept as JSON (ints in ToolBench, strings elsewhere); {@code relevantApis} are
 * [tool_name, api_name] pairs; {@code json} is the record as read, so writing it back loses nothing.
 */
public record Query(String query, JsonNode queryId, List<ApiEntry> apiList, List<List<String>> relevantApis,
                    ObjectNode json) {
    public static final String RELEVANT_APIS = "relevant APIs";

    public static Query of(JsonNode n, String where) {
        if (!n.isObject()) throw JsonFields.bad(where, "query is not an object");
        List<List<String>> relevant = new ArrayList<>();
        JsonNode rel = JsonFields.array(n, RELEVANT_APIS, where, false);
        if (rel != null) {
            for (int i = 0; i < rel.size(); i++) {
                JsonNode pair = rel.get(i);
                if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual() || !pair.get(1).isTextual()) {
                    throw JsonFields.bad(where, "\"relevant APIs\"[" + i + "] is not a [tool_name, api_name] pair");
                }
                relevant.add(List.of(pair.get(0).textValue(), pair.get(1).textValue()));
            }
        }
        JsonNode id = n.get("query_id");
        return new Query(JsonFields.str(n, "query", where), id == null ? null : id,
                JsonFields.list(JsonFields.array(n, "api_list", where, false), where + ".api_list", ApiEntry::of),
                List.copyOf(relevant), (ObjectNode) n);
    }

    /** The query id as text ("588"), the key used by query-id files and converted answers. */
    public String id() {
        return queryId == null || queryId.isNull() ? null : queryId.asText();
    }
}
