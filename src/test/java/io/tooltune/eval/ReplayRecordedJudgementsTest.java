package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * StableToolBench's example run (3 G1_instruction queries, ChatGPT CoT vs DFS, 3 rounds) replayed: a loopback judge
 * answers with the decisions recorded in pass_rate_results and preference_results, and `tooltune eval` on the raw
 * answers must reproduce the per-query labels, the CSV columns and the totals.
 */
class ReplayRecordedJudgementsTest {
    static final String COT = "virtual_chatgpt_cot", DFS = "virtual_chatgpt_dfs";

    @TempDir
    Path tmp;

    private static String between(String s, String a, String b) {
        int i = s.indexOf(a) + a.length();
        return s.substring(i, s.indexOf(b, i));
    }

    @Test
    void reproducesPassRateAndPreferenceResults() throws Exception {
        Path ex = Shared.path("data/stabletoolbench/data_example");
        Map<String, JsonNode> converted = new HashMap<>(), recordedPass = new HashMap<>();
        for (String m : List.of(COT, DFS)) {
            converted.put(m, Json.MAPPER.readTree(ex.resolve("model_predictions_converted/" + m + "/G1_instruction.json").toFile()));
            recordedPass.put(m, Json.MAPPER.readTree(ex.resolve("pass_rate_results/" + m + "/G1_instruction_" + m + ".json").toFile()));
        }
        JsonNode recordedPref = Json.MAPPER.readTree(ex.resolve("preference_results/G1_instruction_" + COT + "_" + DFS + ".json").toFile());

        Map<String, String> statusByFinalAnswer = new HashMap<>(), qidByQuery = new HashMap<>();
        Map<String, Deque<String>> selectWinners = new HashMap<>();
        for (String m : List.of(COT, DFS)) {
            converted.get(m).fields().forEachRemaining(e -> {
                String status = recordedPass.get(m).get(e.getKey()).get("is_solved").get("0").asText().replace("AnswerStatus.", "");
                statusByFinalAnswer.put(e.getValue().path("answer").path("final_answer").asText(), status);
                qidByQuery.put(e.getValue().path("query").asText(), e.getKey());
            });
        }
        // select_better_answer is only asked where both answers are Solved; its recorded winners are the preference counts
        recordedPref.fields().forEachRemaining(e -> {
            Deque<String> q = new ArrayDeque<>();
            for (int i = 0; i < e.getValue().get(COT).asInt(); i++) q.add(COT);
            for (int i = 0; i < e.getValue().get(DFS).asInt(); i++) q.add(DFS);
            selectWinners.put(e.getKey(), q);
        });

        try (ScriptedJudgeServer judge = new ScriptedJudgeServer((function, prompt) -> {
            ObjectNode v = Json.MAPPER.createObjectNode();
            switch (function) {
                case "check_answer_status", "parse_answer_status" ->
                        v.put("answer_status", statusByFinalAnswer.get(between(prompt, "\nAnswer:\n", "\n\nNow ")));
                case "check_task_solvable" -> v.put("task_status", "Solvable");
                case "select_better_answer" -> {
                    String qid = qidByQuery.get(between(prompt, "Query:\n", "\n\nAnswer_0:\n"));
                    String winner = selectWinners.get(qid).poll();
                    String a0 = between(prompt, "Answer_0:\n", "\n\nAnswer_1:\n");
                    String cotFinal = converted.get(COT).get(qid).path("answer").path("final_answer").asText();
                    boolean a0IsCot;
                    try {
                        a0IsCot = Json.MAPPER.readTree(a0).path("final_answer").asText().equals(cotFinal);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    v.put("index", a0IsCot == winner.equals(COT) ? 0 : 1);
                }
                default -> throw new IllegalStateException(function);
            }
            return v;
        })) {
            Path out = tmp.resolve("out");
            int rc = Main.run("eval", "--answers", ex.resolve("answer/" + COT).toString(), ex.resolve("answer/" + DFS).toString(),
                    "--judge", "openai", "--base-url", judge.baseUrl(), "--metric", "sopr", "--evaluate-times", "3",
                    "--reference", COT, "--no-pass-shortcut", "--concurrency", "1", "--output", out.toString());
            assertEquals(0, rc);

            for (String m : List.of(COT, DFS)) {
                JsonNode ours = Json.MAPPER.readTree(out.resolve("pass_rate/" + m + "/G1_instruction_" + m + ".json").toFile());
                JsonNode rec = recordedPass.get(m);
                assertEquals(new TreeSet<>(iter(rec)), new TreeSet<>(iter(ours)));
                for (String qid : iter(rec)) {
                    assertEquals(rec.get(qid).get("is_solved"), ours.get(qid).get("is_solved"), m + " " + qid);
                    assertEquals(rec.get(qid).get("answer_steps"), ours.get(qid).get("answer_steps"), m + " " + qid);
                    assertEquals(rec.get(qid).get("final_step"), ours.get(qid).get("final_step"), m + " " + qid);
                }
                Map<String, List<String>> recCsv = byQueryId(ex.resolve("pass_rate_results/" + m + "/G1_instruction_" + m + ".csv"));
                Map<String, List<String>> ourCsv = byQueryId(out.resolve("pass_rate/" + m + "/G1_instruction_" + m + ".csv"));
                assertEquals(recCsv.keySet(), ourCsv.keySet());
                for (String qid : recCsv.keySet()) {
                    assertEquals(recCsv.get(qid).subList(0, 6), ourCsv.get(qid).subList(0, 6), m + " csv " + qid);
                    assertEquals(new TreeSet<>(strip(recCsv.get(qid).get(6))), new TreeSet<>(strip(ourCsv.get(qid).get(6))));
                }
            }
            String table = Files.readString(out.resolve("table2.csv"));
            assertTrue(table.startsWith("Model,Metric,I1-Inst.,Average\r\n"), table); // the paper's column label
            assertTrue(table.contains(COT + ",SoPR,66.7±0.0,66.7"), table);
            assertTrue(table.contains(DFS + ",SoPR,100.0±0.0,100.0"), table);
            assertTrue(table.contains(DFS + ",Win rate,100.0,100.0"), table);

            JsonNode pref = Json.MAPPER.readTree(out.resolve("preference/G1_instruction_" + COT + "_" + DFS + ".json").toFile());
            assertEquals(recordedPref, pref);
            Map<String, List<String>> recPrefCsv = byQueryId(ex.resolve("preference_results/G1_instruction_" + COT + "_" + DFS + ".csv"));
            Map<String, List<String>> ourPrefCsv = byQueryId(out.resolve("preference/G1_instruction_" + COT + "_" + DFS + ".csv"));
            assertEquals(recPrefCsv, ourPrefCsv);
            int asked = judge.requests.get();

            // a rerun replays the stored judgements: same files, no judge request
            rc = Main.run("eval", "--answers", ex.resolve("answer/" + COT).toString(), ex.resolve("answer/" + DFS).toString(),
                    "--judge", "openai", "--base-url", judge.baseUrl(), "--metric", "sopr", "--evaluate-times", "3",
                    "--reference", COT, "--no-pass-shortcut", "--concurrency", "1", "--output", out.toString());
            assertEquals(0, rc);
            assertEquals(asked, judge.requests.get());
            assertEquals(recordedPref, Json.MAPPER.readTree(out.resolve("preference/G1_instruction_" + COT + "_" + DFS + ".json").toFile()));

            // ToolBench's shortcut: 588 (CoT failed, DFS passed) is decided from the pass labels, without a judgement
            selectWinners.clear();
            recordedPref.fields().forEachRemaining(e -> {
                Deque<String> q = new ArrayDeque<>();
                for (int i = 0; i < e.getValue().get(COT).asInt(); i++) q.add(COT);
                for (int i = 0; i < e.getValue().get(DFS).asInt(); i++) q.add(DFS);
                selectWinners.put(e.getKey(), q);
            });
            Path out2 = tmp.resolve("shortcut");
            int before = judge.requests.get();
            rc = Main.run("eval", "--answers", ex.resolve("answer/" + COT).toString(), ex.resolve("answer/" + DFS).toString(),
                    "--judge", "openai", "--base-url", judge.baseUrl(), "--metric", "sopr", "--evaluate-times", "3",
                    "--reference", COT, "--concurrency", "1", "--output", out2.toString());
            assertEquals(0, rc);
            assertEquals(recordedPref, Json.MAPPER.readTree(out2.resolve("preference/G1_instruction_" + COT + "_" + DFS + ".json").toFile()));
            assertEquals(asked - 3, judge.requests.get() - before, "588's three check_answer_status calls are skipped");
        }
    }

    @Test
    void outageLeavesQueriesPendingAndARerunResumes() throws Exception {
        Path ex = Shared.path("data/stabletoolbench/data_example");
        try (ScriptedJudgeServer judge = new ScriptedJudgeServer((function, prompt) -> {
            ObjectNode v = Json.MAPPER.createObjectNode();
            v.put("answer_status", "Solved");
            v.put("task_status", "Solvable");
            return v;
        })) {
            Path out = tmp.resolve("outage");
            List<String> args = List.of("eval", "--answers", ex.resolve("model_predictions_converted/" + DFS).toString(),
                    "--judge", "openai", "--base-url", judge.baseUrl(), "--evaluate-times", "2", "--retries", "2",
                    "--backoff-ms", "1", "--concurrency", "1", "--output", out.toString());
            judge.failNext.set(3); // the first query's first judgement fails twice, the second query's once
            assertEquals(1, Main.run(args.toArray(String[]::new)));
            JsonNode partial = Json.MAPPER.readTree(out.resolve("pass_rate/" + DFS + "/G1_instruction_" + DFS + ".json").toFile());
            assertEquals(2, partial.size(), "the pending query is not written as failed");
            int before = judge.requests.get();
            assertEquals(0, Main.run(args.toArray(String[]::new)));
            JsonNode all = Json.MAPPER.readTree(out.resolve("pass_rate/" + DFS + "/G1_instruction_" + DFS + ".json").toFile());
            assertEquals(3, all.size());
            for (JsonNode q : all) assertEquals(2, q.get("passed").asInt());
            assertEquals(2, judge.requests.get() - before, "only the pending query's two judgements are asked again");
        }
    }

    private static List<String> iter(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<String> strip(String pyDict) {
        return List.of(pyDict.substring(1, pyDict.length() - 1).split(", "));
    }

    /** Rows of a tab-separated Python csv file keyed by their query_id column. */
    static Map<String, List<String>> byQueryId(Path file) throws Exception {
        List<List<String>> rows = PythonCsv.read(Files.readString(file), '\t');
        int id = rows.get(0).indexOf("query_id");
        Map<String, List<String>> out = new HashMap<>();
        for (List<String> r : rows.subList(1, rows.size())) out.put(r.get(id), r);
        return out;
    }
}
