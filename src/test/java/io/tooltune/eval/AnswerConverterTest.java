package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnswerConverterTest {
    /** All three queries of each run are deterministic (valid answers, and an invalid CoT with one try). */
    @ParameterizedTest
    @ValueSource(strings = {"virtual_chatgpt_cot", "virtual_chatgpt_dfs"})
    void reproducesStableToolBenchConvertedAnswers(String model) throws Exception {
        Path example = Shared.path("data/stabletoolbench/data_example");
        JsonNode expected = Json.MAPPER.readTree(example.resolve("model_predictions_converted/" + model + "/G1_instruction.json").toFile());
        Map<String, String> failures = new LinkedHashMap<>();
        var converted = new AnswerConverter(42).convertFolder(example.resolve("answer/" + model + "/G1_instruction"), failures);
        assertEquals(Map.of(), failures);
        assertEquals(expected.size(), converted.size());
        expected.fields().forEachRemaining(e -> assertEquals(e.getValue(), converted.get(e.getKey()), model + " query " + e.getKey()));
    }

    /** An unfinished DFS tree (588's 13-leaf tree marked invalid) becomes one seeded random root-to-leaf path. */
    @Test
    void reducesUnfinishedTreesToOneSeededRandomPath() throws Exception {
        Path file = Shared.path("data/stabletoolbench/data_example/answer/virtual_chatgpt_dfs/G1_instruction/588_DFS_woFilter_w2.json");
        ObjectNode raw = (ObjectNode) Json.MAPPER.readTree(file.toFile());
        ((ObjectNode) raw.get("answer_generation")).put("valid_data", false);
        Set<String> paths = new HashSet<>();
        for (long seed = 0; seed < 12; seed++) {
            ObjectNode a = new AnswerConverter(seed).convert(raw, "DFS_woFilter_w2", "588");
            assertEquals(a, new AnswerConverter(seed).convert(raw, "DFS_woFilter_w2", "588"), "same seed, same path");
            JsonNode node = a.at("/answer/answer_details/0");
            int count = 0;
            StringBuilder roles = new StringBuilder();
            while (node != null && node.isObject()) {
                count++;
                assertTrue(node.get("next").size() <= 1, "a sequence, not a tree");
                String role = node.get("role").asText();
                roles.append(role).append(' ');
                if (role.equals("tool")) {
                    assertTrue(node.at("/message/name").isTextual() && node.at("/message").has("arguments") && node.at("/message").has("response"),
                            "Action and Action Input merged: " + node.get("message"));
                }
                assertTrue(List.of("system", "user", "tool", "assistant").contains(role), roles.toString());
                node = node.get("next").isEmpty() ? null : node.get("next").get(0);
            }
            assertEquals(count, a.at("/answer/total_steps").asInt());
            paths.add(roles.toString() + a.at("/answer/answer_details").toString().hashCode());
        }
        assertTrue(paths.size() > 1, "different seeds walk different branches");
    }
}
