package io.tooltune.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Each reference render, rendered from the model folder and encoded as apply_chat_template(tokenize=True) does, gives the reference ids. */
class RenderedTokensTest {
    @Test
    void renderedPromptsEncodeToTheReferenceIds() throws Exception {
        for (var t : ChatTemplateFixtureTest.expected().get("templates").properties()) {
            JsonNode spec = t.getValue();
            var model = Shared.path("fixtures/llama/" + spec.get("model").asText());
            ModelChatTemplates templates = ModelChatTemplates.load(model, ChatTemplateFixtureTest.FIXTURE_CLOCK);
            try (Tokenizer tokenizer = Tokenizer.load(model)) {
                for (JsonNode c : spec.get("cases")) {
                    if (!c.has("input_ids")) continue;
                    ChatRequest request = ChatTemplateFixtureTest.request(c);
                    String prompt = templates.select(request.tools() != null).render(request);
                    long[] expected = Json.MAPPER.convertValue(c.get("input_ids"), long[].class);
                    assertArrayEquals(expected, tokenizer.encode(prompt, false), t.getKey() + "/" + c.get("name").asText());
                }
            }
        }
    }
}
