package io.tooltune.eval.exact;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.data.synth.SynthGold;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExactCheckTest {
    private static final String COT = "data/stabletoolbench/data_example/answer/virtual_chatgpt_cot/G1_instruction/";

    private static ObjectNode args(String key, String value) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put(key, value);
        return o;
    }

    private static SynthGold.Call call(String function, ObjectNode args) {
        return new SynthGold.Call("", "", "", function, args, null);
    }

    private static SynthGold gold(String id, List<SynthGold.Call> calls, List<String> facts) {
        return new SynthGold(id, "", calls, "", facts);
    }

    @Test
    void readsCallsAndAnswerOfARealCotRun() {
        AgentTrace t = AgentTrace.read(Shared.path(COT + "1073_CoT@1.json"));
        assertTrue(t.gaveAnswer());
        assertTrue(t.finalAnswer().startsWith("For the search query 'birthday party ideas'"));
        assertEquals("popularsitesforquery_for_keyword_analysis", t.calls().get(0).name());
        assertTrue(t.calls().stream().noneMatch(c -> c.name().equals("Finish")));
    }

    @Test
    void checksApiArgumentsAndFacts() {
        AgentTrace t = AgentTrace.read(Shared.path(COT + "1073_CoT@1.json"));
        SynthGold right = gold("1073", List.of(
                call("popularsitesforquery_for_keyword_analysis", args("q", "birthday party ideas"))),
                List.of("pinterest.com", "MarthaStewart"));
        assertTrue(ExactCheck.check(right, t).allRight());
        assertEquals(1, ExactCheck.check(right, t).exactCalls());

        SynthGold wrongArgs = gold("1073", List.of(
                call("popularsitesforquery_for_keyword_analysis", args("q", "wedding ideas"))),
                List.of());
        ExactCheck.Result r = ExactCheck.check(wrongArgs, t);
        assertTrue(r.apiRight());
        assertFalse(r.argsRight());
        assertEquals(0, r.exactCalls());

        SynthGold oneOfTwo = gold("1073", List.of(
                call("popularsitesforquery_for_keyword_analysis", args("q", "birthday party ideas")),
                call("other_for_keyword_analysis", args("q", "x"))),
                List.of());
        r = ExactCheck.check(oneOfTwo, t);
        assertFalse(r.apiRight());
        assertEquals(2, r.goldCalls());
        assertEquals(1, r.exactCalls());

        SynthGold wrongApi = gold("1073", List.of(
                call("other_for_keyword_analysis", args("q", "birthday party ideas"))),
                List.of("no such fact"));
        r = ExactCheck.check(wrongApi, t);
        assertFalse(r.apiRight());
        assertFalse(r.argsRight());
        assertFalse(r.answerRight());
    }

    @Test
    void argumentsCompareByValueText() {
        ObjectNode gold = Json.MAPPER.createObjectNode().put("n", 5).put("city", "Oslo");
        assertTrue(ExactCheck.sameArguments(gold, "{\"city\": \"Oslo\", \"n\": \"5\"}"));
        assertFalse(ExactCheck.sameArguments(gold, "{\"city\": \"Oslo\"}"));
        assertFalse(ExactCheck.sameArguments(gold, "{\"city\": \"Oslo\", \"n\": 5, \"x\": 1}"));
        assertFalse(ExactCheck.sameArguments(gold, "not json"));
    }

    @Test
    void scoresPerGroupCountingMissingAnswersAsWrong(@TempDir Path tmp) throws Exception {
        Path g = Files.createDirectories(tmp.resolve("G1_instruction"));
        Files.copy(Shared.path(COT + "1073_CoT@1.json"), g.resolve("1073_CoT@1.json"));
        SynthGold found = gold("1073", List.of(
                call("popularsitesforquery_for_keyword_analysis", args("q", "birthday party ideas"))),
                List.of("pinterest"));
        SynthGold missing = gold("999", List.of(), List.of());
        ExactScores s = ExactScores.score(tmp, Map.of("G1_instruction", List.of(found, missing)));
        ExactScores.Group grp = s.groups().get("G1_instruction");
        assertEquals(2, grp.queries());
        assertEquals(1, grp.allRight());
        assertEquals(0.5, grp.rate(grp.allRight()));
        assertEquals(1, grp.goldCalls());
        assertEquals(1.0, grp.exactCallRate());
        assertTrue(ExactTable.markdown(Map.of("m", s)).contains("| m | gold calls made exactly | 100.0 | 100.0 |"));
    }
}
