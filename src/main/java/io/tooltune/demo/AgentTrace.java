package io.tooltune.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an agent did on one query, read from its raw ToolBench answer file: the function calls in order (name and
 * raw arguments string, Finish excluded) and the final answer text (empty when it gave up or never finished).
 */
public record AgentTrace(List<Call> calls, String finalAnswer, boolean gaveAnswer) {

    public record Call(String name, String arguments) {}

    public static AgentTrace read(Path rawAnswerFile) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(rawAnswerFile.toFile());
        } catch (IOException e) {
            throw new BadInputException(rawAnswerFile + ": not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.has("answer_generation")) {
            throw new BadInputException(rawAnswerFile + ": no answer_generation (not a raw ToolBench answer)");
        }
        return of(root);
    }

    /** From a parsed raw answer: calls from the CoT chain (trys) or, for DFS trees, from the last train_messages. */
    static AgentTrace of(JsonNode root) {
        List<Call> calls = new ArrayList<>();
        JsonNode trys = root.path("trys");
        if (trys.isArray() && !trys.isEmpty()) {
            JsonNode chain = trys.get(trys.size() - 1).path("chain");
            String action = null;
            for (JsonNode node : chain) {
                String type = node.path("node_type").asText();
                if (type.equals("Action")) action = node.path("description").asText();
                if (type.equals("Action Input") && action != null) {
                    if (!action.equals("Finish")) calls.add(new Call(action, node.path("description").asText()));
                    action = null;
                }
            }
        } else {
            JsonNode messages = root.path("answer_generation").path("train_messages");
            JsonNode last = messages.isArray() && !messages.isEmpty() ? messages.get(messages.size() - 1) : null;
            if (last != null) {
                for (JsonNode m : last) {
                    JsonNode fc = m.path("function_call");
                    if (m.path("role").asText().equals("assistant") && fc.isObject()
                            && !fc.path("name").asText().equals("Finish")) {
                        calls.add(new Call(fc.path("name").asText(), fc.path("arguments").asText()));
                    }
                }
            }
        }
        String raw = root.path("answer_generation").path("final_answer").asText("");
        String answer = "";
        boolean gave = false;
        if (!raw.isBlank()) {
            try {
                JsonNode fin = Json.MAPPER.readTree(raw);
                gave = fin.path("return_type").asText().equals("give_answer");
                answer = fin.path("final_answer").asText("");
            } catch (IOException e) {
                // ToolBench salvages unparsable Finish arguments; keep the raw text as the answer
                gave = raw.contains("give_answer");
                answer = raw;
            }
        }
        return new AgentTrace(List.copyOf(calls), gave ? answer : "", gave);
    }
}
