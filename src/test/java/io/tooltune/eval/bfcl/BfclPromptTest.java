package io.tooltune.eval.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The messages BFCL sends a prompt-mode model, byte for byte (../shared/data/bfcl/prompt_examples.jsonl). */
class BfclPromptTest {
    @Test
    void messagesAreBfcls() throws Exception {
        Path bfcl = Shared.path("data/bfcl");
        int checked = 0;
        for (String line : Files.readAllLines(bfcl.resolve("prompt_examples.jsonl"))) {
            JsonNode example = Json.MAPPER.readTree(line);
            String id = example.get("id").asText();
            JsonNode entry = null;
            for (String l : Files.readAllLines(bfcl.resolve("BFCL_v4_" + example.get("category").asText() + ".json"))) {
                JsonNode e = Json.MAPPER.readTree(l);
                if (e.get("id").asText().equals(id)) entry = e;
            }
            List<ObjectNode> messages = BfclPrompt.messages(entry.get("question"), entry.get("function"));
            assertEquals(example.get("messages").size(), messages.size(), id);
            for (int i = 0; i < messages.size(); i++) {
                assertEquals(example.get("messages").get(i).get("role").asText(), messages.get(i).get("role").asText(), id);
                assertEquals(example.get("messages").get(i).get("content").asText(), messages.get(i).get("content").asText(), id);
            }
            checked++;
        }
        assertEquals(8, checked);
    }

    @Test
    void anEntrysOwnSystemMessageFollowsBfclsPrompt() throws Exception {
        JsonNode question = Json.MAPPER.readTree("[[{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Hi\"}]]");
        JsonNode functions = Json.MAPPER.readTree("[{\"name\": \"f\", \"description\": \"caf\u00e9\", \"parameters\": {\"type\": \"dict\", \"properties\": {}, \"required\": []}}]");
        List<ObjectNode> messages = BfclPrompt.messages(question, functions);
        assertEquals(2, messages.size());
        String system = messages.get(0).get("content").asText();
        assertTrue(system.endsWith("\n\n\nBe brief."));
        assertTrue(system.contains("\"description\": \"caf\\u00e9 Note that the provided function is in Python 3 syntax.\""), system);
        assertTrue(system.contains("\"properties\": {},\n"), system);
    }
}
