package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.data.python.PythonRepr;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The main path of a converted answer's {@code answer_details} as ToolEval reads it: its steps text ({@code get_steps}),
 * the hallucination check ({@code check_has_hallucination}) and its tool messages.
 */
public final class AnswerPath {
    private static final Pattern NAME = Pattern.compile("'name':\\s*'(.*?)'", Pattern.DOTALL);

    private AnswerPath() {}

    /** "Step k: ..." lines joined by newlines, and "Final step: ..." (empty when there is no tool node). */
    public record AnswerSteps(String steps, String finalStep) {}

    public static AnswerSteps steps(JsonNode example) {
        JsonNode node = example.path("answer").path("answer_details").path(0);
        List<String> steps = new ArrayList<>();
        String finalStep = "";
        while (node.has("next")) {
            String text = str(node.get("message"));
            if (!text.isEmpty() && node.path("role").asText().equals("tool")) {
                steps.add("Step " + (steps.size() + 1) + ": " + text);
                finalStep = "Final step: " + text;
            }
            if (node.get("next").isEmpty()) break;
            node = node.get("next").get(0);
        }
        return new AnswerSteps(String.join("\n", steps), finalStep);
    }

    /** Python's str(): text as is, anything else as its repr. */
    static String str(JsonNode message) {
        if (message == null || message.isMissingNode()) return "";
        return message.isTextual() ? message.asText() : PythonRepr.repr(message);
    }

    /** True when every tool node's name is an available tool (ToolEval's "not_hallucinate"). */
    public static boolean notHallucinated(JsonNode example) {
        Set<String> names = new HashSet<>();
        for (JsonNode t : example.path("available_tools")) names.add(t.path("name").asText());
        return check(example.path("answer").path("answer_details"), names);
    }

    private static boolean check(JsonNode nodes, Set<String> names) {
        for (JsonNode n : nodes) {
            if (n.path("role").asText().equals("tool")) {
                Matcher m = NAME.matcher(str(n.get("message")));
                if (!m.find() || !names.contains(m.group(1))) return false;
            }
            if (!check(n.path("next"), names)) return false;
        }
        return true;
    }

    /** Names of the tools called in the answer's main path, in order (Finish included). */
    public static List<JsonNode> toolMessages(JsonNode answer) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode node = answer.path("answer_details").path(0);
        while (node.isObject()) {
            if (node.path("role").asText().equals("tool")) out.add(node.get("message"));
            node = node.path("next").path(0);
        }
        return out;
    }
}
