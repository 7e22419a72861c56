package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.cli.Main;
import io.tooltune.data.format.TestGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `eval --rules toolbench|strict` on the 600 ChatGPT-CoT answers of ToolEval's default evalset, with the heuristic
 * judge and with a scripted OpenAI-compatible judge whose verdicts make each rule's effect countable.
 */
class RuleSetsEvalsetTest {
    private static final String MODEL = "gpt-3.5-turbo_CoT";
    private static final Pattern EXPLANATION = Pattern.compile(MODEL + ": ToolBench's rules pass (\\d+) of (\\d+) queries, the strict rules (\\d+)\\."
            + "(?: Of the (\\d+) queries only ToolBench's rules pass, (\\d+) had a round passed on a coin flip \\(an Unsure verdict\\), (\\d+) were ties"
            + " of passed and failed rounds, (\\d+) had a round passed because the judge found the task unsolvable although the query is"
            + " not marked unsolvable, and (\\d+) have)?");

    @TempDir
    Path tmp;

    private static Path answers() {
        return Shared.path("data/toolbench/tooleval_default_evalset/" + MODEL);
    }

    /** The explanation's numbers: toolbench passes, queries, strict passes, lost, coin flip, tie, unsolvable, ungrounded. */
    private static int[] explanation(Path out) throws Exception {
        Matcher m = EXPLANATION.matcher(Files.readString(out.resolve("report.html")));
        assertTrue(m.find(), "rule comparison paragraph in report.html");
        int[] n = new int[8];
        for (int i = 0; i < 8; i++) n[i] = m.group(i + 1) == null ? 0 : Integer.parseInt(m.group(i + 1));
        return n;
    }

    /** Table 1 rows of the model: rules label → average. */
    private static double average(Path out, String rules) throws Exception {
        for (String line : Files.readAllLines(out.resolve("table1.csv"))) {
            String[] c = line.split(",");
            if (c[0].equals(MODEL) && c[1].equals(rules)) return Double.parseDouble(c[3]);
        }
        throw new AssertionError("no " + rules + " row in table1.csv");
    }

    /** Answers of the evalset that end in a Finish call, those with a final answer, and those grounded. */
    private static int[] answeredAndGrounded() throws Exception {
        int finished = 0, answered = 0, grounded = 0;
        for (String g : TestGroup.NAMES) {
            JsonNode all = Json.MAPPER.readTree(answers().resolve(g + ".json").toFile());
            for (JsonNode ex : all) {
                if (!AnswerPath.steps(ex).finalStep().contains("'name': 'Finish'")) continue;
                finished++;
                String fa = ex.path("answer").path("final_answer").asText("");
                if (fa.isEmpty() || fa.contains("give_up_and_restart")) continue;
                answered++;
                Grounding check = Grounding.of(ex.path("query").asText(), ex.path("answer"));
                if (check != null && check.grounded()) grounded++;
            }
        }
        return new int[] {answered, grounded, finished};
    }

    @Test
    void heuristicJudgeUnderBothRuleSets() throws Exception {
        Path strict = tmp.resolve("strict"), toolbench = tmp.resolve("toolbench");
        assertEquals(0, Main.run("eval", "--answers", answers().toString(), "--rules", "strict", "--output", strict.toString(),
                "--concurrency", "2"));
        // same store: the toolbench run replays the verdicts and must read them the same way
        assertEquals(0, Main.run("eval", "--answers", answers().toString(), "--output", toolbench.toString(),
                "--store", strict.resolve("judgements.sqlite").toString(), "--concurrency", "2"));
        int[] a = explanation(strict), b = explanation(toolbench);
        assertEquals(List.of(a[0], a[1], a[2], a[3]), List.of(b[0], b[1], b[2], b[3]));
        assertEquals(600, a[1]);
        assertEquals(a[0] - a[2], a[3], "strict passes are a subset of ToolBench's");
        assertTrue(a[3] > 0 && a[4] > 0, "the heuristic judge's Unsure verdicts pass on coin flips under ToolBench's rules");
        assertEquals(average(strict, "strict"), average(toolbench, "strict"));
        assertTrue(average(strict, "strict") < average(strict, "toolbench"));
        // the per-group table follows --rules
        String t2s = Files.readString(strict.resolve("table2.csv")), t2t = Files.readString(toolbench.resolve("table2.csv"));
        assertTrue(!t2s.equals(t2t));
        String html = Files.readString(strict.resolve("report.html"));
        assertTrue(html.contains("Judge: heuristic-v1") && html.contains("95% CI") && html.contains("Tool use"), "report sections");
        assertTrue(Files.readString(strict.resolve("table1.csv")).lines().count() == 3, "a row per model per rule set");
        // the tool-use shares over the 600 answers (2 answers call no tool besides Finish)
        String toolUse = Files.readString(strict.resolve("tool_use.csv"));
        assertTrue(toolUse.contains(MODEL + ",600,0.3,"), toolUse);
    }

    @Test
    void scriptedJudgeSeparatesCoinFlipsUnsolvableAndGrounding() throws Exception {
        int[] ag = answeredAndGrounded();
        // every answer Unsure twice: ToolBench passes on coin flips alone, the strict rules pass nothing
        try (ScriptedJudgeServer judge = new ScriptedJudgeServer((function, prompt) -> verdict("Unsure", "Solvable"))) {
            Path out = run(judge, "unsure", List.of());
            int[] n = explanation(out);
            assertEquals(0, n[2]);
            assertEquals(n[0], n[3]);
            assertEquals(n[3], n[4], "every ToolBench pass had a coin-flip round");
            assertTrue(n[0] > ag[0] / 2 && n[0] < ag[0] * 0.85, n[0] + " of " + ag[0] + ": about 11/16 pass 4 fair flips");
            assertTrue(n[5] > 0 && n[5] < n[0], "ties among them");
            assertEquals(0, n[6]);
            assertEquals(0, average(out, "strict"));
        }
        // every answer Solved: ToolBench passes each answered query; strict exactly the grounded ones
        try (ScriptedJudgeServer judge = new ScriptedJudgeServer((function, prompt) -> verdict("Solved", "Solvable"))) {
            Path out = run(judge, "solved", List.of());
            int[] n = explanation(out);
            assertEquals(ag[0], n[0]);
            assertEquals(ag[1], n[2]);
            assertEquals(ag[0] - ag[1], n[7], "every lost query is an ungrounded answer");
            assertEquals(0, n[4] + n[5] + n[6]);
            assertTrue(ag[1] > 0 && ag[1] < ag[0], ag[1] + " grounded of " + ag[0]);
            int strictPassed = 0, listed = 0;
            for (String g : TestGroup.NAMES) {
                JsonNode st = Json.MAPPER.readTree(out.resolve("strict/" + MODEL + "/" + g + "_" + MODEL + ".json").toFile());
                for (JsonNode q : st) {
                    if (q.get("passed").asInt() == 4) strictPassed++;
                    if (q.has("ungrounded") && !q.get("ungrounded").isEmpty()) listed++;
                }
            }
            assertEquals(ag[1], strictPassed);
            assertTrue(listed >= ag[0] - ag[1], "the missing facts are listed per query");
        }
        // every answer Unsolved on an unsolvable task: ToolBench passes all; strict only the queries marked unsolvable
        List<String> marked = firstQueryIds(10);
        Path ids = tmp.resolve("unsolvable.json");
        Json.MAPPER.writeValue(ids.toFile(), marked);
        try (ScriptedJudgeServer judge = new ScriptedJudgeServer((function, prompt) -> verdict("Unsolved", "Unsolvable"))) {
            Path out = run(judge, "unsolvable", List.of("--unsolvable-ids", ids.toString()));
            int[] n = explanation(out);
            assertEquals(ag[2], n[0], "give-ups pass too: the judge finds their task unsolvable");
            int markedAnswered = 0;
            for (String g : TestGroup.NAMES) {
                JsonNode pr = Json.MAPPER.readTree(out.resolve("pass_rate/" + MODEL + "/" + g + "_" + MODEL + ".json").toFile());
                for (String q : marked) if (pr.has(q) && pr.get(q).get("passed").asInt() == 4) markedAnswered++;
            }
            assertEquals(markedAnswered, n[2]);
            assertEquals(ag[2] - markedAnswered, n[6]);
            String html = Files.readString(out.resolve("report.html"));
            assertTrue(html.contains("openai:gpt-3.5-turbo-16k at " + judge.baseUrl() + "; temperature 0.2, max_tokens 1000"), "judge settings");
        }
    }

    private Path run(ScriptedJudgeServer judge, String name, List<String> extra) {
        Path out = tmp.resolve(name);
        List<String> args = new ArrayList<>(List.of("eval", "--answers", answers().toString(), "--judge", "openai",
                "--base-url", judge.baseUrl(), "--rules", "strict", "--concurrency", "4", "--output", out.toString()));
        args.addAll(extra);
        assertEquals(0, Main.run(args.toArray(String[]::new)));
        return out;
    }

    private static ObjectNode verdict(String answer, String task) {
        ObjectNode v = Json.MAPPER.createObjectNode();
        v.put("answer_status", answer);
        v.put("task_status", task);
        return v;
    }

    private static List<String> firstQueryIds(int n) throws Exception {
        List<String> ids = new ArrayList<>();
        JsonNode all = Json.MAPPER.readTree(answers().resolve(TestGroup.NAMES.get(0) + ".json").toFile());
        all.fieldNames().forEachRemaining(id -> {
            if (ids.size() < n) ids.add(id);
        });
        return ids;
    }
}
