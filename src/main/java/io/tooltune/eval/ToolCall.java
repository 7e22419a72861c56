package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.data.python.PythonLiteral;

import java.util.ArrayList;
import java.util.List;

/**
 * One tool node of a converted answer's main path: the function called, its Action Input and the observation.
 * Converted files keep a node's message either as an object or as its Python repr, which ToolEval's evalsets cut
 * off; {@code arguments} is null when the cut fell inside them, {@code responseComplete} false when it fell inside
 * the observation.
 */
public record ToolCall(String name, String arguments, String response, boolean responseComplete) {
    public static final String FINISH = "Finish";

    public boolean isFinish() {
        return name.equals(FINISH);
    }

    /** The tool nodes of the answer's main path, in order (Finish included). */
    public static List<ToolCall> mainPath(JsonNode answer) {
        List<ToolCall> out = new ArrayList<>();
        for (JsonNode m : AnswerPath.toolMessages(answer)) out.add(of(m));
        return out;
    }

    static ToolCall of(JsonNode message) {
        if (message == null || message.isNull()) return new ToolCall("", null, "", false);
        if (message.isObject()) {
            return new ToolCall(message.path("name").asText(), text(message.get("arguments")), text(message.get("response")), true);
        }
        PythonLiteral.Parsed p;
        try {
            p = PythonLiteral.parsePrefix(message.asText());
        } catch (IllegalArgumentException e) {
            return new ToolCall(message.asText(), null, "", false);
        }
        JsonNode o = p.value();
        boolean hasResponse = o.has("response");
        String args = hasResponse || !p.truncated() ? text(o.get("arguments")) : null;
        return new ToolCall(o.path("name").asText(), args, text(o.get("response")), hasResponse && !p.truncated());
    }

    private static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return "";
        return n.isTextual() ? n.asText() : n.toString();
    }
}
