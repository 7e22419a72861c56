package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
