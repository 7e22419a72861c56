package io.tooltune.data.synth;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The gold of one query as {@code gold/<group>.json} stores it: expected calls (function name the model sees,
 * arguments object, API response) in order, the gold final answer and the facts a right answer contains.
 */
public record SynthGold(String queryId, String query, List<Call> calls, String finalAnswer, List<String> facts) {

    public record Call(String category, String toolName, String apiName, String function, JsonNode arguments,
                       JsonNode response) {}

    /** Reads a gold file, queries in file order. */
    public static List<SynthGold> read(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInputException(file + ": not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(file + ": not a gold file (expected an object keyed by query id)");
        }
        List<SynthGold> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode g = e.getValue();
            if (!g.path("calls").isArray() || !g.path("answer_facts").isArray()) {
                throw new BadInputException(file + ": query " + e.getKey() + ": missing calls or answer_facts");
            }
            List<Call> calls = new ArrayList<>();
            for (JsonNode c : g.get("calls")) {
                calls.add(new Call(c.path("category_name").asText(), c.path("tool_name").asText(),
                        c.path("api_name").asText(), c.path("function_name").asText(), c.path("arguments"),
                        c.path("response")));
            }
            List<String> facts = new ArrayList<>();
            g.get("answer_facts").forEach(f -> facts.add(f.asText()));
            out.add(new SynthGold(e.getKey(), g.path("query").asText(), List.copyOf(calls),
                    g.path("final_answer").asText(), List.copyOf(facts)));
        }
        return List.copyOf(out);
    }
}
