package io.tooltune.data.synth;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The schemas raw answers carry are ToolBench's: checked against StableToolBench's stored function lists. */
class ToolBenchShapesTest {

    @Test
    void functionListsOfTheStableToolBenchExamplesAreReproduced() throws IOException {
        JsonNode queries = Json.MAPPER.readTree(Shared.path(
                "data/stabletoolbench/solvable_queries_example/test_instruction/G1_instruction.json").toFile());
        int checked = 0;
        for (JsonNode q : queries) {
            JsonNode stored = Json.MAPPER.readTree(Shared.path("data/stabletoolbench/data_example/answer/virtual_chatgpt_dfs/"
                    + "G1_instruction/" + q.get("query_id").asText() + "_DFS_woFilter_w2.json").toFile())
                    .get("answer_generation");
            JsonNode fns = stored.get("function");
            for (int i = 0; i < q.get("api_list").size(); i++) {
                JsonNode a = q.get("api_list").get(i);
                SynthApi api = new SynthApi(a.get("api_name").asText(), a.get("api_description").asText(),
                        a.get("method").asText(), params(a.get("required_parameters")),
                        params(a.get("optional_parameters")), SynthApi.Kind.LOOKUP, null, List.of());
                SynthTool tool = new SynthTool(a.get("category_name").asText(), a.get("tool_name").asText(), "", "",
                        null, List.of(api));
                assertEquals(fns.get(i), ToolBenchShapes.function(tool, api));
                checked++;
            }
            String system = stored.get("train_messages").get(0).get(0).get("content").asText();
            String toolLine = system.substring(system.lastIndexOf("\n1.") + 3, system.length() - 1);
            assertEquals(system, ToolBenchShapes.systemPrompt(List.of(toolLine)));
        }
        assertEquals(23, checked);
    }

    @Test
    void pythonReprOfArgumentsMatchesTheCacheKeys() {
        java.util.Map<String, Object> args = new java.util.LinkedHashMap<>();
        args.put("q", "birthday party ideas");
        assertEquals("{'q': 'birthday party ideas'}", PyRepr.dict(args));
        args.put("name", "O'Brien");
        args.put("n", 3L);
        args.put("flag", true);
        assertEquals("{'q': 'birthday party ideas', 'name': \"O'Brien\", 'n': 3, 'flag': True}", PyRepr.dict(args));
    }

    private static List<SynthParam> params(JsonNode arr) {
        List<SynthParam> out = new ArrayList<>();
        for (JsonNode p : arr) {
            out.add(new SynthParam(p.get("name").asText(), p.get("type").asText(), p.get("description").asText(),
                    p.get("default").asText()));
        }
        return out;
    }
}
