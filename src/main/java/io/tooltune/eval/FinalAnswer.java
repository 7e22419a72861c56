package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;

import java.io.IOException;

/** A converted answer's Finish arguments: whether it gave up, and the final answer text (raw text when not JSON). */
record FinalAnswer(boolean giveUp, String text) {
    static FinalAnswer parse(String raw) {
        if (raw == null || raw.isBlank()) return new FinalAnswer(false, "");
        if (raw.contains("give_up_and_restart")) return new FinalAnswer(true, "");
        try {
            JsonNode n = Json.MAPPER.readTree(raw);
            if (n != null && n.isObject()) return new FinalAnswer(false, n.path("final_answer").asText(""));
        } catch (IOException ignored) {
            // not JSON: ToolLLaMA-style answers may carry plain text
        }
        return new FinalAnswer(false, raw);
    }
}
