package io.tooltune.data.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a ToolEval converted answer file ({@code <model>/<group>.json}, an object keyed by query id):
 * query, available_tools, and answer {method, total_steps, final_answer, answer_details}. {@code json} is the
 * entry as read.
 */
public record ConvertedAnswer(String queryId, String query, ArrayNode availableTools, String method,
                              int totalSteps, String finalAnswer, List<AnswerNode> answerDetails, ObjectNode json) {

    public static ConvertedAnswer of(String queryId, JsonNode n, String where) {
        if (!n.isObject()) throw JsonFields.bad(where, "converted answer is not an object");
        JsonNode answer = JsonFields.object(n, "answer", where);
        String w = where + ".answer";
        JsonNode steps = answer.get("total_steps");
        if (steps != null && !steps.isIntegralNumber()) throw JsonFields.bad(w, "\"total_steps\" is not an integer");
        String finalAnswer;
        try {
            finalAnswer = JsonFields.optStr(answer, "final_answer", "");
        } catch (RuntimeException e) {
            throw JsonFields.bad(w, e.getMessage());
        }
        return new ConvertedAnswer(queryId, JsonFields.str(n, "query", where),
                (ArrayNode) JsonFields.array(n, "available_tools", where, true), JsonFields.optStr(answer, "method", ""),
                steps == null ? 0 : steps.intValue(), finalAnswer,
                JsonFields.list(JsonFields.array(answer, "answer_details", w, true), w + ".answer_details", AnswerNode::of),
                (ObjectNode) n);
    }

    /** The first path through answer_details (ToolEval's reduced sequence: each node's next[0]). */
    public List<AnswerNode> path() {
        List<AnswerNode> out = new ArrayList<>();
        AnswerNode n = answerDetails.isEmpty() ? null : answerDetails.get(0);
        while (n != null) {
            out.add(n);
            n = n.next().isEmpty() ? null : n.next().get(0);
        }
        return out;
    }

    /** A fresh entry (for writers that build converted answers). */
    public static ObjectNode toJson(String query, ArrayNode availableTools, String method, int totalSteps,
                                    String finalAnswer, List<AnswerNode> details) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("query", query);
        o.set("available_tools", availableTools);
        ObjectNode a = o.putObject("answer").put("method", method).put("total_steps", totalSteps)
                .put("final_answer", finalAnswer);
        ArrayNode d = a.putArray("answer_details");
        for (AnswerNode n : details) d.add(n.toJson());
        return o;
    }
}
