package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.model.Device;
import io.tooltune.model.io.ModelFolder;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real model path with the fixture checkpoints that carry chat templates: every servable fixture case, sent as
 * an OpenAI request, reaches the model as exactly the fixture's token ids (one BOS where the tokenizer adds it, none
 * where it does not; a prompt over the context is refused with that count), and greedy answers agree plain and
 * streamed.
 */
class LocalTemplateServeTest {

    @Test
    void qwen2PromptsAreTheFixturesTokens() throws Exception {
        checkModel("tiny-qwen2");
    }

    @Test
    void llamaPromptsKeepOneBos() throws Exception {
        checkModel("tiny-llama");
    }

    private static void checkModel(String model) throws Exception {
        List<TemplateFixtureCases.Case> cases = new ArrayList<>();
        for (TemplateFixtureCases.Case c : TemplateFixtureCases.servable()) if (c.model().equals(model)) cases.add(c);
        assertTrue(cases.size() >= 4, model + ": " + cases.size() + " cases");
        try (LocalModelBackend backend = new LocalModelBackend(ModelFolder.load(cases.get(0).modelDir(), Device.CPU), model, 4)) {
            PromptFormat format = TemplatePromptMapper.forModel(cases.get(0).templates(), backend.tokenizer());
            assertTrue(format instanceof TemplatePromptMapper, model + " has a chat template");
            try (ChatServer server = new ChatServer(backend, format, "127.0.0.1", 0)) {
                server.start();
                for (TemplateFixtureCases.Case c : cases) {
                    String where = c.template() + " / " + c.name();
                    ObjectNode body = c.request().deepCopy().put("model", model).put("temperature", 0).put("max_tokens", 6);
                    String prompt = format.render(ChatRequest.parse(body)).prompt();
                    assertArrayEquals(c.inputIds(), backend.tokenizer().encode(prompt), where);
                    JsonNode plain = Json.MAPPER.readTree(ServeTestSupport.post(server, "/chat/completions", body.toString()).body());
                    if (c.inputIds().length >= backend.contextLength()) {
                        // tiny-llama has 256 positions: the server's own count is in its refusal
                        assertTrue(plain.at("/error/message").asText().endsWith("the prompt has " + c.inputIds().length), where + ": " + plain);
                        continue;
                    }
                    assertEquals(c.inputIds().length, plain.at("/usage/prompt_tokens").asInt(), where + ": " + plain);
                    JsonNode message = plain.at("/choices/0/message");
                    if (plain.at("/choices/0/finish_reason").asText().equals("tool_calls")) continue;
                    HttpResponse<String> streamed = ServeTestSupport.post(server, "/chat/completions", body.deepCopy().put("stream", true).toString());
                    assertEquals(message.get("content").asText(), streamedContent(streamed.body()), where);
                }
            }
        }
    }

    private static String streamedContent(String sse) throws Exception {
        StringBuilder content = new StringBuilder();
        for (String line : sse.split("\n")) {
            if (!line.startsWith("data: {")) continue;
            JsonNode delta = Json.MAPPER.readTree(line.substring(6)).at("/choices/0/delta/content");
            if (delta.isTextual()) content.append(delta.asText());
        }
        return content.toString();
    }
}
