package io.tooltune.eval;

import io.tooltune.data.python.PythonJson;
import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HeuristicJudgeTest {
    final HeuristicJudge judge = new HeuristicJudge();

    static String answer(String finalText, String response) {
        String fa = "{\"return_type\": \"give_answer\", \"final_answer\": \"" + finalText + "\"}";
        return "{\"method\": \"CoT@1\", \"total_steps\": 4, \"final_answer\": " + PythonJson.dumps(Json.MAPPER.getNodeFactory().textNode(fa))
                + ", \"answer_details\": [{\"role\": \"system\", \"message\": \"\", \"next\": [{\"role\": \"user\", \"message\": \"\", \"next\": ["
                + "{\"role\": \"tool\", \"message\": {\"name\": \"weather_for_meteo\", \"arguments\": \"{}\", \"response\": "
                + PythonJson.dumps(Json.MAPPER.getNodeFactory().textNode(response)) + "}, \"next\": ["
                + "{\"role\": \"tool\", \"message\": {\"name\": \"Finish\", \"arguments\": \"{}\", \"response\": \"\"}, \"next\": []}]}]}]}]}";
    }

    String status(String function, String arg) {
        JsonNode v = judge.call(function, Map.of("query", "Weather in Paris?", "answer", arg), true);
        assertEquals(true, v.has("reason"));
        return v.get("answer_status").asText();
    }

    @Test
    void finalAnswerChecks() {
        assertEquals("Unsolved", status("check_answer_status", ""));
        assertEquals("Unsolved", status("check_answer_status", "{\"return_type\": \"give_up_and_restart\"}"));
        assertEquals("Unsolved", status("check_answer_status", "{\"return_type\": \"give_answer\", \"final_answer\": \"Sorry, I could not get the weather.\"}"));
        assertEquals("Unsure", status("check_answer_status", "{\"return_type\": \"give_answer\", \"final_answer\": \"It is sunny in Paris, 21 degrees.\"}"));
    }

    @Test
    void executionDetailChecks() {
        String ok = "{\"error\": \"\", \"response\": \"{'city': 'Paris', 'condition': 'sunny', 'temperature': 21, 'degrees': 'celsius'}\"}";
        assertEquals("Solved", status("parse_answer_status", answer("Paris is sunny with 21 degrees celsius.", ok)));
        assertEquals("Unsure", status("parse_answer_status", answer("Tokyo has heavy snowfall tonight.", ok)));
        String irrelevant = answer("Tokyo has heavy snowfall tonight.", ok).replace("weather_for_meteo", "stock_quotes_for_finance");
        assertEquals("Unsolved", status("parse_answer_status", irrelevant));
        assertEquals("Unsolved", status("parse_answer_status", answer("Paris is sunny.", "{\"error\": \"Rate limit exceeded\", \"response\": \"\"}")));
    }

    @Test
    void solvabilityAndPreference() {
        JsonNode t = judge.call("check_task_solvable", Map.of("task", "{\"query\": \"q\", \"available_tools\": [{\"name\": \"a\"}, {\"name\": \"Finish\"}]}"), false);
        assertEquals("Solvable", t.get("task_status").asText());
        t = judge.call("check_task_solvable", Map.of("task", "{\"query\": \"q\", \"available_tools\": [{\"name\": \"Finish\"}]}"), false);
        assertEquals("Unsolvable", t.get("task_status").asText());
        String ok = "{\"error\": \"\", \"response\": \"{'city': 'Paris', 'condition': 'sunny'}\"}";
        String good = answer("Paris is sunny.", ok), bad = answer("", "{\"error\": \"timeout\", \"response\": \"\"}");
        assertEquals(1, judge.call("select_better_answer", Map.of("query", "q", "answer_0", bad, "answer_1", good), true).get("index").asInt());
        assertEquals(0, judge.call("select_better_answer", Map.of("query", "q", "answer_0", good, "answer_1", bad), true).get("index").asInt());
    }
}
