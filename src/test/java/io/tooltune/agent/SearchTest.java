package io.tooltune.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.data.format.DataFiles;
import io.tooltune.data.format.Query;
import io.tooltune.tools.ToolExecutor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class SearchTest {
    private static final String SEARCH = "transfermarkt_search_for_theclique";
    private static final String ANSWER = "{\n  \"return_type\": \"give_answer\",\n  \"final_answer\": \"Messi plays for Inter Miami.\"\n}";
    private static final String GIVE_UP = "{\"return_type\": \"give_up_and_restart\"}";

    private final List<JsonNode> calls = new ArrayList<>();
    private final AtomicInteger apiCalls = new AtomicInteger();

    private ToolEnv env() {
        Query q = DataFiles.readQueries(Shared.path("data/stabletoolbench/solvable_queries_example/test_instruction/G1_instruction.json"))
                .stream().filter(x -> x.id().equals("588")).findFirst().orElseThrow();
        ToolExecutor ex = r -> {
            calls.add(r.toJson());
            return "{\"error\": \"\", \"response\": {\"results\": [\"" + r.apiName() + "\"]}}";
        };
        return new ToolEnv(q, t -> null, ex, "", apiCalls);
    }

    @Test
    void cotAnswersAfterAToolCallWithSuffixMatchingAndHallucinationRewrite() {
        ScriptedBackend model = new ScriptedBackend(k -> switch (k) {
            case 0 -> ScriptedBackend.call(null, "search_for_theclique", "{\"name\": \"Messi\"}");
            case 1 -> ScriptedBackend.call("Let me look it up", "made_up_api", "{}");
            default -> ScriptedBackend.call(null, "Finish", ANSWER);
        });
        CotSearch cot = new CotSearch("Tell me about Messi", env(), model, 12, 1, 10);
        ObjectNode out = cot.run();
        assertTrue(out.get("win").asBoolean());
        assertEquals(3, cot.queryCount());
        assertEquals(1, calls.size());
        assertEquals("transfermarkt_search", calls.get(0).get("api_name").asText());
        assertEquals("theclique", calls.get(0).get("tool_name").asText());
        JsonNode ag = out.get("answer_generation");
        assertEquals(ANSWER, ag.get("final_answer").asText());
        assertEquals(30, ag.get("total_tokens").asInt());
        JsonNode chain = out.at("/trys/0/chain");
        assertEquals(List.of("Action", "Action Input", "Thought", "Action", "Action Input", "Action", "Action Input"),
                types(chain));
        assertEquals("{\"error\": \"No such function name: made_up_api\", \"response\": \"\"}", chain.get(4).get("observation").asText());
        assertEquals(1, chain.get(4).get("observation_code").asInt());
        assertEquals(3, chain.get(6).get("observation_code").asInt());
        JsonNode tm = ag.get("train_messages");
        assertEquals(3, tm.size());
        JsonNode last = tm.get(2);
        assertEquals(ToolEnv.HALLUCINATED, last.get(4).at("/function_call/name").asText());
        assertEquals("{\"error\": \"\", \"response\": {\"results\": [\"transfermarkt_search\"]}}", last.get(3).get("content").asText());
        assertEquals("Finish", last.get(last.size() - 1).at("/function_call/name").asText());
    }

    @Test
    void cotGivesUpWithoutAnswerAndPrunesAtMaxSteps() {
        CotSearch cot = new CotSearch("q", env(), new ScriptedBackend(k -> ScriptedBackend.call(null, SEARCH, "{\"name\": \"x" + k + "\"}")), 12, 1, 10);
        ObjectNode out = cot.run();
        assertFalse(out.get("win").asBoolean());
        assertEquals(6, cot.queryCount()); // Action Input nodes at depths 2..12
        assertTrue(out.at("/trys/0/chain/11/pruned").asBoolean());
        assertFalse(out.at("/answer_generation/valid_data").asBoolean());
    }

    @Test
    void cotStopsAfterMaxIterationsReplies() {
        // content-only replies add one Thought node each, so depth 12 would allow 12 replies; the paper's 10 binds
        ScriptedBackend thinking = new ScriptedBackend(k -> Json.MAPPER.createObjectNode().put("role", "assistant").put("content", "hmm " + k));
        CotSearch cot = new CotSearch("q", env(), thinking, 12, 1, CotSearch.PAPER_MAX_ITERATIONS);
        ObjectNode out = cot.run();
        assertEquals(10, cot.queryCount());
        assertEquals(10, out.at("/trys/0/chain").size());
        assertTrue(out.at("/trys/0/chain/9/pruned").asBoolean());
        assertFalse(out.get("win").asBoolean());
        // tool calls (Action + Action Input per reply) reach depth 12 first: 6 replies, as without the limit
        CotSearch calls = new CotSearch("q", env(), new ScriptedBackend(k -> ScriptedBackend.call(null, SEARCH, "{}")), 12, 1, 10);
        calls.run();
        assertEquals(6, calls.queryCount());
        CotSearch two = new CotSearch("q", env(), new ScriptedBackend(k -> ScriptedBackend.call(null, SEARCH, "{}")), 12, 1, 2);
        assertTrue(two.run().at("/trys/0/chain/3/pruned").asBoolean());
        assertEquals(2, two.queryCount());
    }

    @Test
    void dfsBacktracksWithDiversityPromptAfterAGiveUp() {
        ScriptedBackend model = new ScriptedBackend(k -> switch (k) {
            case 0 -> ScriptedBackend.call(null, SEARCH, "{\"name\": \"Messi\"}");
            case 1 -> ScriptedBackend.call("Nothing useful", "Finish", GIVE_UP);
            default -> ScriptedBackend.call(null, "Finish", ANSWER);
        });
        DfsSearch dfs = new DfsSearch("q", env(), model, 12, 2, 200);
        ObjectNode out = dfs.run();
        assertEquals(3, dfs.queryCount());
        assertEquals(1, dfs.giveUps());
        // the give-up jumps two levels: back to the root, which tries its second child with the diversity prompt
        List<ObjectNode> third = model.requests.get(2);
        assertEquals(3, third.size());
        String diversity = third.get(2).get("content").asText();
        assertTrue(diversity.startsWith("This is not the first time you try this task"));
        assertTrue(diversity.contains("[\n  {\n    \"name\": \"" + SEARCH + "\",\n    \"arguments\": \"{\\\"name\\\": \\\"Messi\\\"}\""));
        assertTrue(diversity.contains("\"mento-carlo-action-value\": 0.0\n  }\n]\n"));
        JsonNode root = out.at("/tree/tree");
        assertEquals(2, root.get("children").size());
        assertEquals("give_answer", out.at("/answer_generation/finish_type").asText());
        assertEquals(ANSWER, out.at("/answer_generation/final_answer").asText());
        JsonNode tm = out.at("/answer_generation/train_messages/0");
        assertFalse(tm.get(2).get("valid").asBoolean()); // the diversity prompt is kept, flagged invalid
        assertEquals(8, out.at("/tree/size").asInt()); // root, A, A-input, Thought, Finish, Finish-input, Finish, Finish-input
    }

    @Test
    void dfsGiveUpAtTheFirstStepEndsTheSearch() {
        DfsSearch dfs = new DfsSearch("q", env(), new ScriptedBackend(k -> ScriptedBackend.call(null, "Finish", GIVE_UP)), 12, 2, 200);
        ObjectNode out = dfs.run();
        assertEquals(1, dfs.queryCount());
        assertEquals("give_up", out.at("/answer_generation/finish_type").asText());
        assertTrue(out.at("/answer_generation/valid_data").asBoolean());
        assertEquals(GIVE_UP, out.at("/answer_generation/final_answer").asText());
    }

    @Test
    void dfsStopsAt200ModelCalls() {
        DfsSearch dfs = new DfsSearch("q", env(), new ScriptedBackend(k -> ScriptedBackend.call(null, SEARCH, "{\"n\": " + k + "}")), 40, 2, 200);
        ObjectNode out = dfs.run();
        assertEquals(200, dfs.queryCount());
        assertFalse(out.at("/answer_generation/valid_data").asBoolean());
        assertEquals(199, apiCalls.get()); // the 200th reply is dropped, as ToolBench returns before using it
    }

    private static List<String> types(JsonNode chain) {
        List<String> t = new ArrayList<>();
        chain.forEach(n -> t.add(n.get("node_type").asText()));
        return t;
    }
}
