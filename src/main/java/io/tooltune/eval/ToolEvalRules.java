package io.tooltune.eval;

import io.tooltune.data.python.PythonJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;

import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * ToolEval's answer rules (ReinforceToolLearningEvaluator, rtl.py): is an answer solved, is the task solvable, does
 * the answer pass, which of two answers is preferred; the judge's replies come from a {@link JudgeStore}.
 */
public final class ToolEvalRules {
    public enum AnswerStatus {
        Unsure, Unsolved, Solved;

        /** Python's str() of the member ({@code AnswerStatus.Solved}), as ToolEval's files hold it. */
        public String str() {
            return "AnswerStatus." + name();
        }
    }

    public enum TaskStatus {
        Unsure, Unsolvable, Solvable;

        public String str() {
            return "TaskStatus." + name();
        }
    }

    public enum AnswerPass { Unsure, Failed, Passed }

    public record Verdict<T>(T status, String reason) {}

    private final JudgeStore store;

    public ToolEvalRules(JudgeStore store) {
        this.store = store;
    }

    /** check_is_solved: empty/give-up answers are Unsolved without asking; Unsure goes to parse_answer_status. */
    public Verdict<AnswerStatus> checkIsSolved(String slot, String query, JsonNode answer, boolean returnReason) {
        String fa = answer.path("final_answer").asText("");
        if (fa.isEmpty() || fa.contains("give_up_and_restart")) {
            return new Verdict<>(AnswerStatus.Unsolved, returnReason ? "Empty final answer!" : "");
        }
        JsonNode ret = store.ask(slot, "check_answer_status", Map.of("query", query, "answer", fa), returnReason);
        AnswerStatus s = AnswerStatus.valueOf(ret.path("answer_status").asText());
        if (s == AnswerStatus.Unsure) {
            ret = store.ask(slot, "parse_answer_status", Map.of("query", query, "answer", PythonJson.dumps(answer)), returnReason);
            s = AnswerStatus.valueOf(ret.path("answer_status").asText());
        }
        return new Verdict<>(s, returnReason ? ret.path("reason").asText("") : "");
    }

    public Verdict<TaskStatus> checkTaskSolvable(String slot, JsonNode task, boolean hasBeenSolved, boolean returnReason) {
        if (hasBeenSolved) return new Verdict<>(TaskStatus.Solvable, returnReason ? "Task has been solved before." : "");
        JsonNode ret = store.ask(slot, "check_task_solvable", Map.of("task", PythonJson.dumps(task)), returnReason);
        return new Verdict<>(TaskStatus.valueOf(ret.path("task_status").asText()), returnReason ? ret.path("reason").asText("") : "");
    }

    public static AnswerPass isPassed(AnswerStatus a, TaskStatus t) {
        if (a == AnswerStatus.Solved) return AnswerPass.Passed;
        if (a == AnswerStatus.Unsolved) {
            return switch (t) { case Solvable -> AnswerPass.Failed; case Unsure -> AnswerPass.Unsure; case Unsolvable -> AnswerPass.Passed; };
        }
        return t == TaskStatus.Unsolvable ? AnswerPass.Passed : AnswerPass.Unsure;
    }

    /** {query, available_tools} as ToolEval passes it to check_task_solvable. */
    public static ObjectNode task(String query, JsonNode tools) {
        ObjectNode t = Json.MAPPER.createObjectNode();
        t.put("query", query);
        t.set("available_tools", tools);
        return t;
    }

    /** normalized_openai_completions: which of the answers (index) is preferred. */
    public int prefer(String slot, JsonNode task, List<JsonNode> answers, RandomGenerator random) {
        String query = task.path("query").asText();
        AnswerStatus[] status = new AnswerStatus[answers.size()];
        for (int i = 0; i < answers.size(); i++) {
            status[i] = checkIsSolved(slot + "/answer" + i, query, answers.get(i), false).status();
        }
        List<Integer> solved = indices(status, AnswerStatus.Solved);
        if (solved.size() == 1) return solved.get(0);
        if (solved.size() > 1) return selectBetter(slot, query, solved, answers, random);
        List<Integer> unsure = indices(status, AnswerStatus.Unsure);
        if (unsure.size() == 1) return unsure.get(0);
        checkTaskSolvable(slot, task, false, false);
        if (unsure.size() > 1) return selectBetter(slot, query, unsure, answers, random);
        return selectBetter(slot, query, List.of(0, 1), answers, random);
    }

    private static List<Integer> indices(AnswerStatus[] status, AnswerStatus s) {
        return IntStream.range(0, status.length).filter(i -> status[i] == s).boxed().toList();
    }

    private int selectBetter(String slot, String query, List<Integer> idxs, List<JsonNode> all, RandomGenerator random) {
        JsonNode a0 = all.get(idxs.get(0)), a1 = all.get(idxs.get(1));
        if (a0.path("final_answer").equals(a1.path("final_answer"))
                && AnswerPath.str(a0.path("answer_details")).equals(AnswerPath.str(a1.path("answer_details")))) {
            return idxs.get(random.nextInt(idxs.size()));
        }
        JsonNode ret = store.ask(slot, "select_better_answer",
                Map.of("query", query, "answer_0", PythonJson.dumps(a0), "answer_1", PythonJson.dumps(a1)), true);
        int index = (int) ret.path("index").asDouble(-1);
        if (!idxs.contains(index)) throw new Judge.JudgeUnavailableException("select_better_answer: index " + index + " not found", null);
        return index;
    }
}
