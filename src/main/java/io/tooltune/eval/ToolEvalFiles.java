package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.data.python.PythonRepr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * ToolEval's result files: {@code <group>_<model>.json/.csv} for pass rates (StableToolBench layout for SoPR,
 * ToolBench layout with passed/failed/solvable/label/reason otherwise) and {@code <group>_<ref>_<cand>.json/.csv}
 * for preferences; CSVs tab-separated with Python csv's minimal quoting. Answers that could not be read carry an
 * extra "failure" field.
 */
public final class ToolEvalFiles {
    private ToolEvalFiles() {}

    public static void writePass(Path dir, PassAndWinRates.GroupPass g, PassAndWinRates.Metric metric, PassAndWinRates eval) throws IOException {
        Files.createDirectories(dir);
        String base = g.group() + "_" + g.model();
        ObjectNode json = Json.MAPPER.createObjectNode();
        StringBuilder csv = new StringBuilder();
        boolean stb = metric == PassAndWinRates.Metric.SOPR;
        csv.append(row(stb ? List.of("query", "available_tools", "model_intermediate_steps", "model_final_step", "model", "query_id", "is_solved")
                : List.of("query", "solvable", "available_tools", "model_intermediate_steps", "model_final_step", "model", "query_id",
                "is_solved", "pass_rate_label", "reason", "not_hallucinate")));
        for (PassAndWinRates.QueryResult q : g.done()) {
            ObjectNode o = json.putObject(q.qid());
            if (!stb) {
                o.put("passed", q.passed());
                o.put("failed", q.failed());
            }
            o.put("query", q.query());
            if (!stb) o.put("task_solvable", q.taskSolvable());
            var names = o.putArray("tool_names");
            q.toolNames().forEach(names::add);
            o.put("answer_steps", q.steps());
            o.put("final_step", q.finalStep());
            ObjectNode solved = o.putObject("is_solved");
            q.isSolved().forEach((k, v) -> solved.put(String.valueOf(k), v));
            if (!stb) {
                o.put("reason", q.reason());
                o.put("not_hallucinate", q.notHallucinate());
            }
            if (q.failure() != null) o.put("failure", q.failure());
            String tools = pyList(q.toolNames());
            String isSolved = q.isSolved().entrySet().stream().map(e -> e.getKey() + ": " + PythonRepr.repr(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
            csv.append(row(stb ? List.of(q.query(), tools, q.steps(), q.finalStep(), g.model(), q.qid(), isSolved)
                    : List.of(q.query(), q.taskSolvable(), tools, q.steps(), q.finalStep(), g.model(), q.qid(), isSolved,
                    eval.passLabel(g.model(), g.group(), q), q.reason(), q.notHallucinate() ? "True" : "False")));
        }
        Files.writeString(dir.resolve(base + ".json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        Files.writeString(dir.resolve(base + ".csv"), csv.toString());
    }

    public static void writePreference(Path dir, PassAndWinRates.GroupWin w, int rounds, Map<String, JsonNode> refAnswers,
                                       Map<String, JsonNode> candAnswers) throws IOException {
        Files.createDirectories(dir);
        String base = w.group() + "_" + w.refModel() + "_" + w.model();
        ObjectNode json = Json.MAPPER.createObjectNode();
        StringBuilder csv = new StringBuilder(row(List.of("query", "available_tools", "ref_model_intermediate_steps",
                "ref_model_final_step", "output_model_intermediate_steps", "output_model_final_step", "preference_label",
                "query_id", "ref_model", "output_model")));
        for (PassAndWinRates.PrefResult p : w.queries()) {
            ObjectNode o = json.putObject(p.qid());
            o.put(w.refModel(), p.ref());
            o.put(w.model(), p.cand());
            for (int i = 0; i < rounds; i++) o.put("round_" + i, p.pending() ? "incomplete" : "complete");
            var ref = refAnswers.get(p.qid());
            var cand = candAnswers.get(p.qid());
            var any = ref != null ? ref : cand;
            AnswerPath.AnswerSteps rs = ref != null ? AnswerPath.steps(ref) : new AnswerPath.AnswerSteps("", "");
            AnswerPath.AnswerSteps cs = cand != null ? AnswerPath.steps(cand) : new AnswerPath.AnswerSteps("", "");
            List<String> tools = new ArrayList<>();
            if (any != null) any.path("available_tools").forEach(t -> tools.add(t.path("name").asText()));
            csv.append(row(List.of(any == null ? "" : any.path("query").asText(), pyList(tools), rs.steps(), rs.finalStep(),
                    cs.steps(), cs.finalStep(), String.valueOf(p.label()), p.qid(), w.refModel(), w.model())));
        }
        Files.writeString(dir.resolve(base + ".json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        Files.writeString(dir.resolve(base + ".csv"), csv.toString());
    }

    private static String pyList(List<String> items) {
        return items.stream().map(PythonRepr::repr).collect(Collectors.joining(", ", "[", "]"));
    }

    /** One row as Python's csv.writer(delimiter="\t") writes it. */
    static String row(List<String> cells) {
        return cells.stream().map(c -> c.contains("\t") || c.contains("\"") || c.contains("\n") || c.contains("\r")
                ? "\"" + c.replace("\"", "\"\"") + "\"" : c).collect(Collectors.joining("\t")) + "\r\n";
    }
}
