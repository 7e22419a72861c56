package io.tooltune.eval;

import io.tooltune.data.python.PythonJson;
import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToolEvalPromptsTest {
    @Test
    void formatsLikePythonStrFormatWithoutReexpansion() {
        String p = ToolEvalPrompts.prompt("check_answer_status", Map.of("query", "Q {answer}", "answer", "{\"a\": 1}"));
        assertTrue(p.startsWith("\nGiving the query and answer, you need give `answer_status`"));
        assertTrue(p.endsWith("\nQuery:\nQ {answer}\nAnswer:\n{\"a\": 1}\n\nNow give your reason in \"content\" and `answer_status` of JSON to `check_answer_status`.\n"), p);
    }

    @Test
    void requestForcesTheFunctionAndAddsReason() {
        OpenAiJudge j = new OpenAiJudge(new OpenAiJudge.Config("http://127.0.0.1:1/v1", "m", "", 0.2, 1000, Duration.ofSeconds(1), 1, Duration.ZERO, false));
        JsonNode body = j.requestBody("check_task_solvable", Map.of("task", "{}"), true);
        assertEquals(0.2, body.get("temperature").asDouble());
        assertEquals("check_task_solvable", body.at("/tool_choice/function/name").asText());
        JsonNode params = body.at("/tools/0/function/parameters");
        assertEquals("[\"task_status\",\"reason\"]", params.get("required").toString());
        assertEquals("[\"Unsure\",\"Unsolvable\",\"Solvable\"]", params.at("/properties/task_status/enum").toString());
        assertEquals("explain your answer.", params.at("/properties/reason/description").asText());
        assertEquals(1, body.get("messages").size());
        OpenAiJudge legacy = new OpenAiJudge(new OpenAiJudge.Config("http://127.0.0.1:1/v1", "m", "", 0.2, 1000, Duration.ofSeconds(1), 1, Duration.ZERO, true));
        JsonNode lb = legacy.requestBody("select_better_answer", Map.of("query", "q", "answer_0", "{}", "answer_1", "{}"), true);
        assertEquals("select_better_answer", lb.at("/function_call/name").asText());
        assertEquals("select_better_answer", lb.at("/functions/0/name").asText());
    }

    @Test
    void rejectsVerdictsOutsideTheSchema() throws Exception {
        JsonNode bad = Json.MAPPER.readTree("{\"choices\":[{\"message\":{\"function_call\":{\"name\":\"check_answer_status\",\"arguments\":\"{\\\"answer_status\\\": \\\"Maybe\\\"}\"}}}]}");
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> OpenAiJudge.verdict(bad, "check_answer_status", false));
        JsonNode good = Json.MAPPER.readTree("{\"choices\":[{\"message\":{\"function_call\":{\"name\":\"select_better_answer\",\"arguments\":\"{\\\"index\\\": 1, \\\"reason\\\": \\\"r\\\"}\"}}}]}");
        assertEquals(1, OpenAiJudge.verdict(good, "select_better_answer", true).get("index").asInt());
        JsonNode badIndex = Json.MAPPER.readTree("{\"choices\":[{\"message\":{\"function_call\":{\"name\":\"select_better_answer\",\"arguments\":\"{\\\"index\\\": 2}\"}}}]}");
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> OpenAiJudge.verdict(badIndex, "select_better_answer", false));
    }

    @Test
    void pythonJsonDumps() throws Exception {
        JsonNode n = Json.MAPPER.readTree("{\"a\": [1, 2.5, true, null], \"é\": \"x\\n\\\"y\\\"\"}");
        assertEquals("{\"a\": [1, 2.5, true, null], \"\\u00e9\": \"x\\n\\\"y\\\"\"}", PythonJson.dumps(n));
    }

    @Test
    void isPassedTable() {
        assertEquals(ToolEvalRules.AnswerPass.Passed, ToolEvalRules.isPassed(ToolEvalRules.AnswerStatus.Solved, ToolEvalRules.TaskStatus.Solvable));
        assertEquals(ToolEvalRules.AnswerPass.Failed, ToolEvalRules.isPassed(ToolEvalRules.AnswerStatus.Unsolved, ToolEvalRules.TaskStatus.Solvable));
        assertEquals(ToolEvalRules.AnswerPass.Unsure, ToolEvalRules.isPassed(ToolEvalRules.AnswerStatus.Unsolved, ToolEvalRules.TaskStatus.Unsure));
        assertEquals(ToolEvalRules.AnswerPass.Passed, ToolEvalRules.isPassed(ToolEvalRules.AnswerStatus.Unsolved, ToolEvalRules.TaskStatus.Unsolvable));
        assertEquals(ToolEvalRules.AnswerPass.Unsure, ToolEvalRules.isPassed(ToolEvalRules.AnswerStatus.Unsure, ToolEvalRules.TaskStatus.Solvable));
        assertEquals(ToolEvalRules.AnswerPass.Unsure, ToolEvalRules.isPassed(ToolEvalRules.AnswerStatus.Unsure, ToolEvalRules.TaskStatus.Unsure));
        assertEquals(ToolEvalRules.AnswerPass.Passed, ToolEvalRules.isPassed(ToolEvalRules.AnswerStatus.Unsure, ToolEvalRules.TaskStatus.Unsolvable));
    }
}
