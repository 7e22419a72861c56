package io.tooltune.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.chat.ModelChatTemplates;
import io.tooltune.data.format.ToolLlamaExample;
import io.tooltune.data.format.Turn;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chat-template SFT records on the fixture templates: labels cover exactly the assistant turns and their end-of-turn token. */
class ChatSftEncoderTest {
    static final String CONVERSATION = """
            {"messages": [
              {"role": "user", "content": "Weather in Paris?"},
              {"role": "assistant", "content": "", "tool_calls": [{"id": "c1", "type": "function",
                "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]},
              {"role": "tool", "tool_call_id": "c1", "name": "get_weather", "content": "sunny"},
              {"role": "assistant", "content": "It is sunny."},
              {"role": "user", "content": "Thanks"}],
             "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather",
               "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "the city"}}}}}]}""";

    record Run(String text, boolean labelled) {}

    /** The record cut into maximal runs of labelled / unlabelled tokens, decoded. */
    static List<Run> runs(Tokenizer tok, SftEncoder.Encoded e) {
        List<Run> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= e.inputIds().length; i++) {
            boolean label = e.labels()[start] != SftEncoder.IGNORE;
            if (i == e.inputIds().length || (e.labels()[i] != SftEncoder.IGNORE) != label) {
                for (int k = start; k < i; k++) if (label) assertEquals(e.inputIds()[k], e.labels()[k]);
                out.add(new Run(tok.decode(Arrays.copyOfRange(e.inputIds(), start, i), false), label));
                start = i;
            }
        }
        return out;
    }

    static SftEncoder.Encoded encode(String model, JsonNode conversation, Tokenizer tok) {
        Path dir = Shared.path("fixtures/llama/" + model);
        ModelChatTemplates t = ModelChatTemplates.load(dir, Clock.systemUTC());
        ChatSftEncoder enc = new ChatSftEncoder(tok, t, ChatSftEncoder.endOfTurnTexts(tok, t, ModelFolder.readConfig(dir).eosTokenIds()), 0);
        return enc.encode("x", conversation);
    }

    @Test
    void qwenLabelsAreTheAssistantTurnsWithImEnd() throws Exception {
        try (Tokenizer tok = Tokenizer.load(Shared.path("fixtures/llama/tiny-qwen2"))) {
            SftEncoder.Encoded e = encode("tiny-qwen2", Json.MAPPER.readTree(CONVERSATION), tok);
            List<Run> runs = runs(tok, e);
            List<String> labelled = runs.stream().filter(Run::labelled).map(Run::text).toList();
            assertEquals(List.of("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>",
                    "It is sunny.<|im_end|>"), labelled);
            String whole = String.join("", runs.stream().map(Run::text).toList());
            assertTrue(whole.startsWith("<|im_start|>system\nYou are Qwen"), whole);
            assertTrue(whole.endsWith("<|im_start|>user\nThanks<|im_end|>\n"), whole);
            assertTrue(runs.get(0).text().endsWith("<|im_start|>assistant\n"), runs.get(0).text());
        }
    }

    @Test
    void hermesLabelsKeepOneBosOutOfTheLoss() throws Exception {
        try (Tokenizer tok = Tokenizer.load(Shared.path("fixtures/llama/tiny-llama"))) {
            SftEncoder.Encoded e = encode("tiny-llama", Json.MAPPER.readTree(CONVERSATION), tok);
            List<String> labelled = runs(tok, e).stream().filter(Run::labelled).map(Run::text).toList();
            // vLLM's Hermes template writes arguments first and a space before <|im_end|>
            assertEquals(List.of("<tool_call>\n{ \"arguments\": {\"city\": \"Paris\"}, \"name\": \"get_weather\"}\n</tool_call> <|im_end|>",
                    "It is sunny.<|im_end|>"), labelled);
            long bos = tok.encode("<|begin_of_text|>", false)[0];
            assertEquals(bos, e.inputIds()[0]);
            assertTrue(e.inputIds()[1] != bos, "one BOS, from the template");
        }
    }

    @Test
    void toolLlamaStepsBecomeNativeCalls() throws Exception {
        String system = ToolLlamaPrompt.systemPrompt("Task", Json.MAPPER.readTree(
                "[{\"name\": \"get_weather\", \"description\": \"Weather\", \"parameters\": {\"type\": \"object\", \"properties\": {}}}]"));
        ToolLlamaExample ex = new ToolLlamaExample("Step 2: q", List.of(new Turn("system", system), new Turn("user", "\nq\nBegin!\n"),
                new Turn("assistant", "\nThought: look it up\nAction: get_weather\nAction Input: {\"city\": \"Oslo\"}"),
                new Turn("function", "{\"error\": \"\", \"response\": \"rain\"}"),
                new Turn("assistant", "\nThought: done\nAction: Finish\nAction Input: {\"return_type\": \"give_answer\", \"final_answer\": \"rain\"}")));
        JsonNode conv = ChatSftEncoder.openAiConversation(ex);
        assertEquals(ToolLlamaPrompt.rawSystemMessage("Task"), conv.at("/messages/0/content").asText());
        assertEquals("get_weather", conv.at("/tools/0/function/name").asText());
        assertEquals("look it up", conv.at("/messages/2/content").asText());
        assertEquals("{\"city\": \"Oslo\"}", conv.at("/messages/2/tool_calls/0/function/arguments").asText());
        assertEquals("call_1", conv.at("/messages/3/tool_call_id").asText());
        try (Tokenizer tok = Tokenizer.load(Shared.path("fixtures/llama/tiny-qwen2"))) {
            List<String> labelled = runs(tok, encode("tiny-qwen2", conv, tok)).stream().filter(Run::labelled).map(Run::text).toList();
            assertEquals(List.of("look it up\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call><|im_end|>",
                    "done\n<tool_call>\n{\"name\": \"Finish\", \"arguments\": {\"return_type\": \"give_answer\", \"final_answer\": \"rain\"}}\n</tool_call><|im_end|>"),
                    labelled);
        }
    }

    @Test
    void aConversationWithoutAnAssistantTurnIsRefused() throws Exception {
        try (Tokenizer tok = Tokenizer.load(Shared.path("fixtures/llama/tiny-qwen2"))) {
            BadInputException e = assertThrows(BadInputException.class, () -> encode("tiny-qwen2",
                    Json.MAPPER.readTree("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"), tok));
            assertTrue(e.getMessage().contains("no assistant turn"), e.getMessage());
        }
    }
}
