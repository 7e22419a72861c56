package io.tooltune.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.backend.ChatBackend;
import io.tooltune.data.format.DataFiles;
import io.tooltune.data.format.Query;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays StableToolBench's recorded DFSDT run of query 588 (ChatGPT, 30 model calls, 71 nodes, backtracking
 * after depth-limit prunes and two give-ups): a model that answers each history with the recorded children of
 * the node it leads to must make our search grow the same tree, node for node.
 */
class DfsReplayTest {
    private final Map<String, JsonNode> nodesByPath = new HashMap<>();
    private final Map<String, Integer> asked = new HashMap<>();
    /** Recorded observations that were not cut at 1024 characters, by function name and arguments. */
    private final Map<String, String> observations = new HashMap<>();

    private void index(JsonNode node, String path) {
        nodesByPath.put(path, node);
        String obs = node.path("observation").asText("");
        if (node.get("node_type").asText().equals("Action Input") && obs.startsWith("{\"error\"") && !obs.endsWith("...")) {
            observations.putIfAbsent(path.substring(path.lastIndexOf("|Action:", path.length() - 2) + 8), obs);
        }
        for (JsonNode c : node.get("children")) {
            index(c, path + c.get("node_type").asText() + ":" + c.get("description").asText() + "|");
        }
    }

    private static String pathOf(List<ObjectNode> messages) {
        StringBuilder sb = new StringBuilder();
        for (ObjectNode m : messages) {
            if (!m.path("role").asText().equals("assistant")) continue;
            if (m.hasNonNull("content")) sb.append("Thought:").append(m.get("content").asText()).append('|');
            if (m.has("function_call")) {
                sb.append("Action:").append(m.at("/function_call/name").asText()).append('|')
                        .append("Action Input:").append(m.at("/function_call/arguments").asText()).append('|');
            }
        }
        return sb.toString();
    }

    private ChatBackend.Reply replay(List<ObjectNode> messages, ArrayNode functions) {
        String path = pathOf(messages);
        JsonNode node = nodesByPath.get(path);
        int k = asked.merge(path, 1, Integer::sum) - 1;
        JsonNode c = node.get("children").get(k);
        ObjectNode msg = Json.MAPPER.createObjectNode().put("role", "assistant");
        if (c.get("node_type").asText().equals("Thought")) {
            msg.put("content", c.get("description").asText());
            if (c.get("expand_num").asInt() != 0 || c.get("children").isEmpty()) return new ChatBackend.Reply(msg, 0, 1);
            c = c.get("children").get(0);
        }
        msg.putObject("function_call").put("name", c.get("description").asText())
                .put("arguments", c.get("children").get(0).get("description").asText());
        return new ChatBackend.Reply(msg, 0, 1);
    }

    @Test
    void growsTheRecordedTreeOfQuery588() throws Exception {
        JsonNode recorded = Json.MAPPER.readTree(Shared.path(
                "data/stabletoolbench/data_example/answer/virtual_chatgpt_dfs/G1_instruction/588_DFS_woFilter_w2.json").toFile());
        index(recorded.at("/tree/tree"), "");
        assertEquals(12, observations.size()); // distinct calls whose recorded response is whole (the cut ones are left out)
        Query q = DataFiles.readQueries(Shared.path("data/stabletoolbench/solvable_queries_example/test_instruction/G1_instruction.json"))
                .stream().filter(x -> x.id().equals("588")).findFirst().orElseThrow();
        // the tool answers with the recorded response (its JSON text) where the recording kept it whole
        ToolEnv env = new ToolEnv(q, t -> null, r -> {
            for (Map.Entry<String, String> e : observations.entrySet()) {
                if (e.getKey().startsWith(r.apiName() + "_for_") && e.getKey().endsWith("|Action Input:" + r.toolInput().asText() + "|")) {
                    return e.getValue();
                }
            }
            return "{\"error\": \"\", \"response\": \"ok\"}";
        }, "", new AtomicInteger());
        DfsSearch dfs = new DfsSearch(q.query(), env, this::replay, 12, 2, 200);
        ObjectNode mine = dfs.run();
        compare(recorded.at("/tree/tree"), mine.at("/tree/tree"), "root");
        assertEquals(recorded.at("/tree/size"), mine.at("/tree/size"));
        assertEquals(recorded.at("/tree/max_length"), mine.at("/tree/max_length"));
        assertEquals(recorded.at("/answer_generation/query_count"), mine.at("/answer_generation/query_count"));
        assertEquals(recorded.at("/answer_generation/final_answer"), mine.at("/answer_generation/final_answer"));
        assertEquals(recorded.at("/answer_generation/finish_type"), mine.at("/answer_generation/finish_type"));
        assertEquals(recorded.get("forward_args"), mine.get("forward_args"));
        JsonNode rtm = recorded.at("/answer_generation/train_messages"), mtm = mine.at("/answer_generation/train_messages");
        assertEquals(rtm.size(), mtm.size());
        int diversityPrompts = 0;
        for (int i = 0; i < rtm.size(); i++) {
            assertEquals(rtm.get(i).size(), mtm.get(i).size(), "train_messages " + i);
            for (int j = 0; j < rtm.get(i).size(); j++) {
                assertEquals(rtm.get(i).get(j).get("role"), mtm.get(i).get(j).get("role"), "train_messages " + i + "/" + j);
                assertEquals(rtm.get(i).get(j).get("valid"), mtm.get(i).get(j).get("valid"), "train_messages " + i + "/" + j);
                String rc = rtm.get(i).get(j).path("content").asText("");
                if (rc.startsWith("This is not the first time")) {
                    assertEquals(rc, mtm.get(i).get(j).get("content").asText(), "diversity prompt " + i + "/" + j);
                    diversityPrompts++;
                }
            }
        }
        assertTrue(diversityPrompts > 0);
    }

    private static void compare(JsonNode ref, JsonNode mine, String where) {
        for (String f : new String[]{"node_type", "description", "depth", "pruned", "is_terminal", "child_count", "expand_num",
                "observation_code", "io_state"}) {
            assertEquals(ref.get(f), mine.get(f), where + " " + f);
        }
        String obs = ref.path("observation").asText("");
        if (obs.startsWith("{\"error\"") && !obs.endsWith("...")) assertEquals(obs, mine.get("observation").asText(), where + " observation");
        for (int i = 0; i < ref.get("children").size(); i++) {
            compare(ref.get("children").get(i), mine.get("children").get(i), where + "/" + i);
        }
    }
}
