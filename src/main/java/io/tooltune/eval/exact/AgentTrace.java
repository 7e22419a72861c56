package io.tooltune.eval.exact;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.data.FunctionSchemas;
import io.tooltune.data.format.ChatMessage;
import io.tooltune.data.format.DataFiles;
import io.tooltune.data.format.RawAnswer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an agent did on one query, from its raw ToolBench answer file: the function calls in order (name and raw
 * arguments string, Finish excluded) and the final answer text (empty when it gave up or never finished).
 */
public record AgentTrace(List<Call> calls, String finalAnswer, boolean gaveAnswer) {

    public record Call(String name, String arguments) {}

    public static AgentTrace read(Path rawAnswerFile) {
        return of(DataFiles.readRawAnswer(rawAnswerFile));
    }

    /** Calls from the last CoT try's chain, or for DFS trees from the last train_messages list. */
    static AgentTrace of(RawAnswer answer) {
        List<Call> calls = new ArrayList<>();
        JsonNode trys = answer.trys();
        if (trys != null && trys.isArray() && !trys.isEmpty()) {
            String action = null;
            for (JsonNode node : trys.get(trys.size() - 1).path("chain")) {
                String type = node.path("node_type").asText();
                if (type.equals("Action")) action = node.path("description").asText();
                if (type.equals("Action Input") && action != null) {
                    if (!action.equals(FunctionSchemas.FINISH)) calls.add(new Call(action, node.path("description").asText()));
                    action = null;
                }
            }
        } else if (!answer.trainMessages().isEmpty()) {
            for (ChatMessage m : answer.trainMessages().get(answer.trainMessages().size() - 1)) {
                if (m.functionCall() != null && !m.functionCall().name().equals(FunctionSchemas.FINISH)) {
                    calls.add(new Call(m.functionCall().name(), m.functionCall().arguments()));
                }
            }
        }
        String raw = answer.finalAnswer();
        String text = "";
        boolean gave = false;
        if (!raw.isBlank()) {
            try {
                JsonNode fin = Json.MAPPER.readTree(raw);
                gave = fin.path("return_type").asText().equals("give_answer");
                text = fin.path("final_answer").asText("");
            } catch (IOException e) {
                // ToolBench salvages unparsable Finish arguments; keep the raw text as the answer
                gave = raw.contains("give_answer");
                text = raw;
            }
        }
        return new AgentTrace(List.copyOf(calls), gave ? text : "", gave);
    }
}
