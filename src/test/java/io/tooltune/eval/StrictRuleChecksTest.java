package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The strict rules' automatic checks: grounding of facts, Action Input validity, tool-node parsing, bootstrap. */
class StrictRuleChecksTest {
    @Test
    void groundingFindsNumbersAndNamesMissingFromTheObservations() {
        String answer = "The weather in Paris is 21 degrees. Tomorrow it will be 23 degrees according to MeteoFrance.\n- Humidity: 1,250 ppm";
        Grounding g = Grounding.check(answer, "{'city': 'Paris', 'temp': 21, 'humidity': 1250, 'source': 'meteofrance'}");
        // "The", "Tomorrow" and "Humidity" open a sentence or list item; 23 is not observed
        assertEquals(List.of("23"), g.ungrounded());
        assertEquals(5, g.facts());
        assertFalse(g.grounded());
        assertTrue(Grounding.check("I found nothing useful.", "").grounded());
        // unicode escapes of JSON observations, capitals and codes anywhere
        assertTrue(Grounding.check("ACT - Agence Calédonienne", "{\"name\": \"ACT - Agence Cal\\u00e9donienne\"}").grounded());
        assertEquals(List.of("N47T"), Grounding.check("Engine N47T.", "engine: N47").ungrounded());
    }

    @Test
    void groundingOfARealAnswerUsesItsObservationsAndQuery() throws Exception {
        JsonNode all = Json.MAPPER.readTree(Shared.path("data/toolbench/tooleval_default_evalset/gpt-3.5-turbo_CoT/G1_instruction.json").toFile());
        JsonNode ex = all.elements().next();
        Grounding g = Grounding.of(ex.path("query").asText(), ex.path("answer"));
        // the VINs come from the query; the decoded facts were cut off in the evalset's observations
        assertFalse(g.ungrounded().contains("WBAWY32040L678750"));
        assertTrue(g.ungrounded().contains("BMW"), g.ungrounded().toString());
    }

    @Test
    void actionInputsAreCheckedAgainstToolBenchSchemas() throws Exception {
        JsonNode schema = Json.MAPPER.readTree("{\"type\":\"object\",\"properties\":{\"vin\":{\"type\":\"string\"},"
                + "\"limit\":{\"type\":\"NUMBER\"},\"date\":{\"type\":\"DATE (YYYY-MM-DD)\"}},\"required\":[\"vin\"],\"optional\":[\"limit\"]}");
        assertNull(ActionInputCheck.problem("{\"vin\": \"X\", \"limit\": 5, \"date\": \"2020-01-01\"}", schema));
        assertEquals("not JSON", ActionInputCheck.problem("{\"vin\": \"X\"", schema));
        assertEquals("not a JSON object", ActionInputCheck.problem("[1]", schema));
        assertEquals("missing required parameter vin", ActionInputCheck.problem("", schema));
        assertEquals("unknown parameter page", ActionInputCheck.problem("{\"vin\": \"X\", \"page\": 2}", schema));
        assertEquals("parameter limit is not of type NUMBER", ActionInputCheck.problem("{\"vin\": \"X\", \"limit\": \"5\"}", schema));
        assertNull(ActionInputCheck.problem("", Json.MAPPER.readTree("{\"type\":\"object\",\"properties\":{}}")));
    }

    @Test
    void toolNodesParseFromObjectsAndCutOffReprs() throws Exception {
        ToolCall whole = ToolCall.of(Json.MAPPER.readTree("\"{'name': 'f', 'arguments': '{\\\"a\\\": 1}', 'response': '{\\\"error\\\": \\\"\\\"}'}\""));
        assertEquals(new ToolCall("f", "{\"a\": 1}", "{\"error\": \"\"}", true), whole);
        ToolCall cutInResponse = ToolCall.of(Json.MAPPER.readTree("\"{'name': 'f', 'arguments': '{}', 'response': '{\\\"err\""));
        assertEquals(new ToolCall("f", "{}", "{\"err", false), cutInResponse);
        ToolCall cutInArguments = ToolCall.of(Json.MAPPER.readTree("\"{'name': 'f', 'arguments': '{\\\"a\\\": \""));
        assertNull(cutInArguments.arguments());
        ToolCall object = ToolCall.of(Json.MAPPER.readTree("{\"name\": \"Finish\", \"arguments\": \"{}\", \"response\": \"\"}"));
        assertTrue(object.isFinish() && object.responseComplete());
    }

    @Test
    void tiesPassUnderToolBenchAndFailUnderStrict() {
        PassAndWinRates.Strict tie = new PassAndWinRates.Strict(List.of(true, true, false, false), 0, 0, new Grounding(1, List.of()));
        PassAndWinRates.QueryResult q = new PassAndWinRates.QueryResult("1", "q", List.of(), "", "", Map.of(), 2, 2,
                "TaskStatus.Solvable", "", true, null, false, tie);
        assertTrue(q.passes(RuleSet.TOOLBENCH) && q.tie());
        assertFalse(q.passes(RuleSet.STRICT));
        PassAndWinRates.Strict three = new PassAndWinRates.Strict(List.of(true, true, true, false), 0, 0, new Grounding(1, List.of()));
        assertTrue(new PassAndWinRates.QueryResult("1", "q", List.of(), "", "", Map.of(), 3, 1,
                "TaskStatus.Solvable", "", true, null, false, three).passes(RuleSet.STRICT));
    }

    @Test
    void badUnsolvableIdsFileExitsTwoNamingIt(@TempDir Path tmp) throws Exception {
        Path ids = tmp.resolve("ids.json");
        Files.writeString(ids, "\"588\"");
        Path answers = Shared.path("data/stabletoolbench/data_example/model_predictions_converted/virtual_chatgpt_cot");
        assertEquals(2, Main.run("eval", "--answers", answers.toString(), "--rules", "strict", "--unsolvable-ids", ids.toString(),
                "--output", tmp.resolve("out").toString()));
        assertEquals(2, Main.run("eval", "--answers", answers.toString(), "--rules", "lenient", "--output", tmp.resolve("out").toString()));
    }

    @Test
    void bootstrapIntervalsAreSeededAndCoverTheMean() {
        double[] v = new double[100];
        for (int i = 0; i < 30; i++) v[i] = 1;
        Bootstrap.Interval a = Bootstrap.mean(v, 7), b = Bootstrap.mean(v, 7), c = Bootstrap.mean(v, 8);
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertTrue(a.low() < 0.3 && a.high() > 0.3 && a.low() > 0.18 && a.high() < 0.42, a.toString());
        assertEquals(new Bootstrap.Interval(1, 1), Bootstrap.mean(new double[] {1, 1, 1}, 1));
    }
}
