package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.cli.Main;
import io.tooltune.data.format.TestGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The 600 ChatGPT-CoT answers of ToolEval's default evalset, end to end with the offline heuristic judge. */
class HeuristicEvalsetTest {
    @TempDir
    Path tmp;

    @Test
    void evaluatesAllSixHundredAnswers() throws Exception {
        Path answers = Shared.path("data/toolbench/tooleval_default_evalset/gpt-3.5-turbo_CoT");
        Path out = tmp.resolve("out");
        assertEquals(0, Main.run("eval", "--answers", answers.toString(), "--judge", "heuristic", "--output", out.toString(),
                "--concurrency", "2"));
        double sum = 0;
        int allUnsure = 0, mixed = 0;
        for (String group : TestGroup.NAMES) {
            JsonNode input = Json.MAPPER.readTree(answers.resolve(group + ".json").toFile());
            JsonNode res = Json.MAPPER.readTree(out.resolve("pass_rate/gpt-3.5-turbo_CoT/" + group + "_gpt-3.5-turbo_CoT.json").toFile());
            assertEquals(100, res.size(), group);
            int passing = 0;
            for (var it = res.fields(); it.hasNext(); ) {
                var e = it.next();
                JsonNode q = e.getValue();
                assertEquals(4, q.get("passed").asInt() + q.get("failed").asInt());
                String fa = input.get(e.getKey()).path("answer").path("final_answer").asText();
                if (fa.isEmpty() || fa.contains("give_up_and_restart") || !q.get("final_step").asText().contains("'name': 'Finish'")) {
                    assertEquals(4, q.get("failed").asInt(), group + " " + e.getKey() + ": no answer cannot pass");
                    assertEquals("AnswerStatus.Unsolved", q.get("is_solved").get("0").asText());
                }
                if (q.get("failed").asInt() <= q.get("passed").asInt()) passing++;
                if (q.get("is_solved").toString().split("AnswerStatus.Unsure", -1).length == 5
                        && q.get("task_solvable").asText().equals("TaskStatus.Solvable")) {
                    allUnsure++;
                    if (q.get("passed").asInt() > 0 && q.get("failed").asInt() > 0) mixed++;
                }
            }
            sum += passing;
            assertTrue(Files.readString(out.resolve("table2.csv")).contains(String.format(Locale.ROOT, ",%.1f,", passing * 1.0)) || passing == 0);
        }
        // Unsure verdicts are independent coin flips per round: 4 flips are mixed with probability 7/8
        assertTrue(allUnsure > 50 && mixed > allUnsure * 0.7, mixed + " of " + allUnsure + " all-Unsure queries have mixed labels");
        String t1 = Files.readString(out.resolve("table1.csv"));
        assertTrue(t1.contains(String.format(Locale.ROOT, "gpt-3.5-turbo_CoT,toolbench,–,%.1f,", sum / 6)), t1);
        for (String f : new String[] {"report.html", "radar.png", "radar.svg", "table1.md", "table2.md", "judgements.sqlite"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
    }

    @Test
    void malformedAndMissingAnswersFailWithTheirReason() throws Exception {
        Path raw = Shared.path("data/stabletoolbench/data_example/answer/virtual_chatgpt_dfs/G1_instruction");
        Path model = tmp.resolve("broken_model/G1_instruction");
        Files.createDirectories(model);
        Files.copy(raw.resolve("588_DFS_woFilter_w2.json"), model.resolve("588_DFS_woFilter_w2.json"));
        Files.writeString(model.resolve("608_DFS_woFilter_w2.json"), "{\"answer_generation\": ");
        Path ids = tmp.resolve("ids");
        Files.createDirectories(ids);
        Files.writeString(ids.resolve("G1_instruction.json"), "{\"588\": 1, \"608\": 1, \"1073\": 1}");
        Path out = tmp.resolve("out");
        assertEquals(0, Main.run("eval", "--answers", model.getParent().toString(), "--test-ids", ids.toString(),
                "--evaluate-times", "2", "--output", out.toString()));
        JsonNode res = Json.MAPPER.readTree(out.resolve("pass_rate/broken_model/G1_instruction_broken_model.json").toFile());
        assertEquals(3, res.size());
        assertTrue(res.get("608").get("failure").asText().contains("truncated JSON"), res.get("608").toString());
        assertEquals(2, res.get("608").get("failed").asInt());
        assertTrue(res.get("1073").get("failure").asText().contains("no answer"), res.get("1073").toString());
        assertTrue(!res.get("588").has("failure"));
        assertEquals(2, Main.run("eval", "--answers", tmp.resolve("nowhere").toString(), "--output", out.toString()));

        Path conv = tmp.resolve("conv_model");
        Files.createDirectories(conv);
        Files.writeString(conv.resolve("G1_tool.json"), "{\"5\": {\"query\": \"q\"}}");
        assertEquals(0, Main.run("eval", "--answers", conv.toString(), "--evaluate-times", "1", "--output", tmp.resolve("out2").toString()));
        JsonNode c = Json.MAPPER.readTree(tmp.resolve("out2/pass_rate/conv_model/G1_tool_conv_model.json").toFile());
        assertTrue(c.get("5").get("failure").asText().contains("answer"), c.toString());
        assertEquals(1, c.get("5").get("failed").asInt());
    }
}
