package io.tooltune.data.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A raw ToolBench answer file ({@code <qid>_ChatGPT_DFS_woFilter_w2.json}, {@code <qid>_CoT@1.json}): the
 * {@code answer_generation} block typed, the search record ({@code tree} for DFS, {@code trys} for CoT) and
 * everything else kept in {@code json}.
 */
public record RawAnswer(boolean validData, String query, String finalAnswer, String finishType,
                        ArrayNode functions, List<List<ChatMessage>> trainMessages, ObjectNode json) {

    public static RawAnswer of(JsonNode n, String where) {
        if (!n.isObject()) throw JsonFields.bad(where, "answer file is not an object");
        JsonNode ag = JsonFields.object(n, "answer_generation", where);
        String w = where + ".answer_generation";
        JsonNode valid = ag.get("valid_data");
        if (valid == null || !valid.isBoolean()) throw JsonFields.bad(w, "\"valid_data\" missing or not a boolean");
        JsonNode functions = JsonFields.array(ag, "function", w, true);
        // invalid runs (no Finish reached) carry no train_messages
        JsonNode tm = JsonFields.array(ag, "train_messages", w, valid.booleanValue());
        List<List<ChatMessage>> trainMessages = new ArrayList<>();
        for (int i = 0; tm != null && i < tm.size(); i++) {
            String wi = w + ".train_messages[" + i + "]";
            if (!tm.get(i).isArray()) throw JsonFields.bad(wi, "not a list of messages");
            trainMessages.add(JsonFields.list(tm.get(i), wi, ChatMessage::of));
        }
        String finalAnswer;
        try {
            finalAnswer = JsonFields.optStr(ag, "final_answer", "");
        } catch (RuntimeException e) {
            throw JsonFields.bad(w, e.getMessage());
        }
        return new RawAnswer(valid.booleanValue(), JsonFields.str(ag, "query", w), finalAnswer,
                ag.hasNonNull("finish_type") ? ag.get("finish_type").asText() : null, (ArrayNode) functions,
                List.copyOf(trainMessages), (ObjectNode) n);
    }

    /** The DFSDT search tree ({@code tree.tree}), or null for CoT files. */
    public JsonNode tree() {
        JsonNode t = json.get("tree");
        return t == null ? null : t.get("tree");
    }

    /** CoT attempts ({@code trys[k].chain}), or null for DFS files. */
    public JsonNode trys() {
        return json.get("trys");
    }

    /** The DFSDT tree typed (root node), or null for CoT files. */
    public SearchNode treeRoot() {
        JsonNode t = tree();
        return t == null ? null : SearchNode.of(t, "tree.tree");
    }

    /** The CoT attempts' chains typed, in order; empty for DFS files. */
    public List<List<SearchNode>> tryChains() {
        List<List<SearchNode>> out = new ArrayList<>();
        JsonNode trys = trys();
        if (trys == null || !trys.isArray()) return out;
        for (int k = 0; k < trys.size(); k++) {
            out.add(JsonFields.list(JsonFields.array(trys.get(k), "chain", "trys[" + k + "]", true), "trys[" + k + "].chain", SearchNode::of));
        }
        return out;
    }

    public boolean win() {
        return json.path("win").asBoolean(false);
    }
}
