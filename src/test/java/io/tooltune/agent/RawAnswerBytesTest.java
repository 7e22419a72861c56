package io.tooltune.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Golden;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.data.format.DataFiles;
import io.tooltune.data.format.Query;
import io.tooltune.tools.ToolExecutor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/** The agent's raw answer files, as AgentRun writes them, stay byte-identical for fixed model scripts. */
class RawAnswerBytesTest {
    private static final String SEARCH = "transfermarkt_search_for_theclique";
    private static final String ANSWER = "{\n  \"return_type\": \"give_answer\",\n  \"final_answer\": \"Messi plays for Inter Miami.\"\n}";
    private static final String GIVE_UP = "{\"return_type\": \"give_up_and_restart\"}";

    private static ToolEnv env() {
        Query q = DataFiles.readQueries(Shared.path("data/stabletoolbench/solvable_queries_example/test_instruction/G1_instruction.json"))
                .stream().filter(x -> x.id().equals("588")).findFirst().orElseThrow();
        ToolExecutor ex = r -> "{\"error\": \"\", \"response\": {\"results\": [\"" + r.apiName() + "\"]}}";
        return new ToolEnv(q, t -> null, ex, "", new AtomicInteger());
    }

    private static void check(String golden, ObjectNode answer) throws IOException {
        Golden.assertMatches(RawAnswerBytesTest.class, golden,
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
    }

    @Test
    void cotAnswerAfterAHallucinatedCall() throws IOException {
        ScriptedBackend model = new ScriptedBackend(k -> switch (k) {
            case 0 -> ScriptedBackend.call(null, "search_for_theclique", "{\"name\": \"Messi\"}");
            case 1 -> ScriptedBackend.call("Let me look it up", "made_up_api", "{}");
            default -> ScriptedBackend.call(null, "Finish", ANSWER);
        });
        check("cot-answer.json", new CotSearch("Tell me about Messi", env(), model, 12, 1, 10).run());
    }

    @Test
    void cotTwoChainsWithoutAnswer() throws IOException {
        ScriptedBackend model = new ScriptedBackend(k -> ScriptedBackend.call("thinking " + k, SEARCH, "{\"n\": " + k + "}"));
        check("cot-no-answer.json", new CotSearch("q", env(), model, 12, 2, 2).run());
    }

    @Test
    void dfsAnswerAfterAGiveUpAndADiversityPrompt() throws IOException {
        ScriptedBackend model = new ScriptedBackend(k -> switch (k) {
            case 0 -> ScriptedBackend.call(null, SEARCH, "{\"name\": \"Messi\"}");
            case 1 -> ScriptedBackend.call("Nothing useful", "Finish", GIVE_UP);
            default -> ScriptedBackend.call(null, "Finish", ANSWER);
        });
        check("dfs-answer.json", new DfsSearch("q", env(), model, 12, 2, 200).run());
    }

    @Test
    void dfsGiveUp() throws IOException {
        check("dfs-give-up.json", new DfsSearch("q", env(),
                new ScriptedBackend(k -> ScriptedBackend.call(null, "Finish", GIVE_UP)), 12, 2, 200).run());
    }

    @Test
    void dfsOutOfModelCalls() throws IOException {
        check("dfs-no-answer.json", new DfsSearch("q", env(),
                new ScriptedBackend(k -> ScriptedBackend.call(null, SEARCH, "{\"n\": " + k + "}")), 6, 2, 7).run());
    }
}
