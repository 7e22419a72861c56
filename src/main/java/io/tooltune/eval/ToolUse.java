package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.Map;

/**
 * How one model used its tools, counted over its answers' main paths (no judge involved): answers that called no
 * tool but Finish, calls to functions the query did not offer, and Action Inputs of offered functions that are not
 * valid for the function's schema ({@link ActionInputCheck}). Calls whose Action Input was cut off in the answer file
 * are not checked.
 */
public record ToolUse(String model, int answers, int noTool, int calls, int unoffered, int checkedInputs, int invalidInputs) {
    public double noToolShare() {
        return share(noTool, answers);
    }

    public double unofferedShare() {
        return share(unoffered, calls);
    }

    public double invalidInputShare() {
        return share(invalidInputs, checkedInputs);
    }

    private static double share(int n, int of) {
        return of == 0 ? 0 : (double) n / of;
    }

    public static ToolUse of(AnswerSet set) {
        int answers = 0, noTool = 0, calls = 0, unoffered = 0, checked = 0, invalid = 0;
        for (Map<String, JsonNode> group : set.answers().values()) {
            for (JsonNode ex : group.values()) {
                answers++;
                Map<String, JsonNode> offered = new HashMap<>();
                for (JsonNode t : ex.path("available_tools")) offered.put(t.path("name").asText(), t.path("parameters"));
                int made = 0;
                for (ToolCall c : ToolCall.mainPath(ex.path("answer"))) {
                    if (c.isFinish()) continue;
                    made++;
                    JsonNode schema = offered.get(c.name());
                    if (schema == null) {
                        unoffered++;
                    } else if (c.arguments() != null) {
                        checked++;
                        if (ActionInputCheck.problem(c.arguments(), schema) != null) invalid++;
                    }
                }
                calls += made;
                if (made == 0) noTool++;
            }
        }
        return new ToolUse(set.model(), answers, noTool, calls, unoffered, checked, invalid);
    }
}
