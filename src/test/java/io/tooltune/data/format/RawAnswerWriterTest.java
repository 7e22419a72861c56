package io.tooltune.data.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.data.format.RawAnswerWriter.AnswerGeneration;
import io.tooltune.data.format.RawAnswerWriter.CotAnswer;
import io.tooltune.data.format.RawAnswerWriter.CotTry;
import io.tooltune.data.format.RawAnswerWriter.DfsAnswer;
import io.tooltune.data.format.RawAnswerWriter.KeyOrder;
import io.tooltune.data.format.RawAnswerWriter.TreeNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Written answers read back through {@link RawAnswer} and have the key layout of recorded ToolBench runs. */
class RawAnswerWriterTest {
    private static final String STB = "data/stabletoolbench/data_example/answer/";

    private static final TreeNode ACTION = new TreeNode(false, false, false, 1, "Action", "search_for_x", null, null,
            1, 0, false, null);
    private static final TreeNode INPUT = new TreeNode(true, false, true, 2, "Action Input", "{\"q\": \"a\"}",
            "{\"error\": \"\", \"response\": \"r\"}", 0, 0, 1, true, null);

    private static AnswerGeneration generation(String finishType) {
        ArrayNode functions = Json.MAPPER.createArrayNode();
        functions.addObject().put("name", "search_for_x");
        ObjectNode user = Json.MAPPER.createObjectNode().put("role", "user").put("content", "find a");
        return new AnswerGeneration(true, "the answer", functions, 2, 30, List.of(List.of(user)), "find a", finishType);
    }

    private static DfsAnswer dfs() {
        TreeNode root = new TreeNode(false, false, false, 0, "Action Input", "", null, null, 1, 0, true,
                List.of(ACTION.withChildren(List.of(INPUT.withChildren(List.of())))));
        return new DfsAnswer(true, 3, 3, root, 12, 2, 200, List.of(), generation("give_answer"));
    }

    private static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static JsonNode recorded(String file) throws IOException {
        return Json.MAPPER.readTree(Shared.path(STB + file).toFile());
    }

    @Test
    void cotAnswerHasTheRecordedLayout() throws IOException {
        JsonNode real = recorded("virtual_chatgpt_cot/G1_instruction/588_CoT@1.json");
        ObjectNode mine = RawAnswerWriter.cot(new CotAnswer(true, List.of(new CotTry(List.of(ACTION, INPUT), true)), 12,
                1, generation(null)));
        assertEquals(keys(real), keys(mine));
        assertEquals(keys(real.get("forward_args")), keys(mine.get("forward_args")));
        assertEquals(keys(real.at("/trys/0")), keys(mine.at("/trys/0")));
        assertEquals(keys(real.at("/trys/0/chain/1")), keys(mine.at("/trys/0/chain/1")));
        assertEquals(keys(real.get("answer_generation")), keys(mine.get("answer_generation")));
    }

    @Test
    void dfsAnswerHasTheRecordedLayout() throws IOException {
        JsonNode real = recorded("virtual_chatgpt_dfs/G1_instruction/588_DFS_woFilter_w2.json");
        ObjectNode mine = RawAnswerWriter.dfs(dfs(), KeyOrder.RUNNER);
        assertEquals(keys(real), keys(mine));
        assertEquals(keys(real.get("forward_args")), keys(mine.get("forward_args")));
        assertEquals(keys(real.get("tree")), keys(mine.get("tree")));
        assertEquals(keys(real.at("/tree/tree")), keys(mine.at("/tree/tree")));
        JsonNode realInput = real.at("/tree/tree/children/0");
        while (!realInput.has("observation")) realInput = realInput.at("/children/0");
        assertEquals(keys(realInput), keys(mine.at("/tree/tree/children/0/children/0")));
        // the released annotations put finish_type after final_answer; synth has always written it last
        List<String> release = new ArrayList<>(keys(real.get("answer_generation")));
        release.remove("finish_type");
        release.add("finish_type");
        assertEquals(release, keys(RawAnswerWriter.dfs(dfs(), KeyOrder.DATA_RELEASE).get("answer_generation")));
    }

    @Test
    void writtenAnswersReadBack() {
        RawAnswer dfs = RawAnswer.of(RawAnswerWriter.dfs(dfs(), KeyOrder.DATA_RELEASE), "dfs");
        assertTrue(dfs.validData());
        assertTrue(dfs.win());
        assertEquals("the answer", dfs.finalAnswer());
        assertEquals("give_answer", dfs.finishType());
        assertEquals("find a", dfs.query());
        assertEquals("find a", dfs.trainMessages().get(0).get(0).content());
        SearchNode input = dfs.treeRoot().children().get(0).children().get(0);
        assertEquals("Action Input", input.nodeType());
        assertEquals("{\"error\": \"\", \"response\": \"r\"}", input.observation());
        assertEquals(0, input.observationCode());
        assertEquals(2, input.depth());
        assertTrue(input.children().isEmpty());

        RawAnswer cot = RawAnswer.of(RawAnswerWriter.cot(new CotAnswer(false, List.of(new CotTry(List.of(ACTION), false)),
                12, 1, generation(null))), "cot");
        assertFalse(cot.win());
        assertNull(cot.finishType());
        assertNull(cot.treeRoot());
        SearchNode action = cot.tryChains().get(0).get(0);
        assertEquals("search_for_x", action.description());
        assertNull(action.observation());
        assertNull(action.observationCode());
        assertFalse(action.json().has("children"));
    }
}
