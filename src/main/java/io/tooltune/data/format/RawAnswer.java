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
        if (!n.isObject()) throw Fields.bad(where, "answer file is not an object");
        JsonNode ag = Fields.object(n, "answer_generation", where);
        String w = where + ".answer_generation";
        JsonNode valid = ag.get("valid_data");
        if (valid == null || !valid.isBoolean()) throw Fields.bad(w, "\"valid_data\" missing or not a boolean");
        JsonNode functions = Fields.array(ag, "function", w, true);
        // invalid runs (no Finish reached) carry no train_messages
        JsonNode tm = Fields.array(ag, "train_messages", w, valid.booleanValue());
        List<List<ChatMessage>> trainMessages = new ArrayList<>();
        for (int i = 0; tm != null && i < tm.size(); i++) {
            String wi = w + ".train_messages[" + i + "]";
            if (!tm.get(i).isArray()) throw Fields.bad(wi, "not a list of messages");
            trainMessages.add(Fields.list(tm.get(i), wi, ChatMessage::of));
        }
        String finalAnswer;
        try {
            finalAnswer = Fields.optStr(ag, "final_answer", "");
        } catch (RuntimeException e) {
            throw Fields.bad(w, e.getMessage());
        }
        return new RawAnswer(valid.booleanValue(), Fields.str(ag, "query", w), finalAnswer,
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

    public boolean win() {
        return json.path("win").asBoolean(false);
    }
}
