package io.tooltune.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelChatTemplatesTest {
    @TempDir
    Path tmp;

    /** Each fixture model folder carries its template and the special tokens the reference renders used. */
    @Test
    void fixtureModelFoldersGiveTheReferenceTemplateAndSpecialTokens() throws Exception {
        JsonNode expected = ChatTemplateFixtureTest.expected();
        for (var t : expected.get("templates").properties()) {
            JsonNode spec = t.getValue();
            Path model = Shared.path("fixtures/llama/" + spec.get("model").asText());
            ModelChatTemplates templates = ModelChatTemplates.load(model, ChatTemplateFixtureTest.FIXTURE_CLOCK);
            String file = Files.readString(ChatTemplateFixtureTest.dir().resolve(spec.get("file").asText()));
            assertEquals(file, templates.selectSource(false), t.getKey());
            assertEquals(Json.MAPPER.convertValue(spec.get("special_tokens"), Map.class), templates.specialTokens(), t.getKey());
            JsonNode c = spec.get("cases").get(3);
            assertEquals(c.get("expected").asText(), templates.select(true).render(ChatTemplateFixtureTest.request(c)), t.getKey());
        }
    }

    @Test
    void namedTemplatesPickToolUseWhenToolsAreOffered() throws Exception {
        Files.writeString(tmp.resolve("tokenizer_config.json"), """
                {"bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false},
                 "eos_token": "</s>", "unk_token": null,
                 "chat_template": [{"name": "default", "template": "D{{ bos_token }}{{ messages|length }}"},
                                   {"name": "tool_use", "template": "T{{ tools|length }}{{ eos_token }}"}]}""");
        ModelChatTemplates templates = ModelChatTemplates.load(tmp, ChatTemplateFixtureTest.FIXTURE_CLOCK);
        assertEquals(Map.of("bos_token", "<s>", "eos_token", "</s>"), templates.specialTokens());
        ChatRequest noTools = new ChatRequest(List.of(Map.of("role", "user", "content", "hi")), null, false, Map.of());
        ChatRequest tools = new ChatRequest(noTools.messages(), List.of(Map.of("type", "function")), false, Map.of());
        assertEquals("D<s>1", templates.select(false).render(noTools));
        assertEquals("T1</s>", templates.select(true).render(tools));
    }

    @Test
    void chatTemplateJinjaFileTakesPrecedence() throws Exception {
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{\"chat_template\": \"from config\"}");
        Files.writeString(tmp.resolve("chat_template.jinja"), "from file\n");
        assertEquals("from file", ModelChatTemplates.load(tmp, ChatTemplateFixtureTest.FIXTURE_CLOCK).select(false)
                .render(new ChatRequest(List.of(), null, false, Map.of())));
    }

    @Test
    void noTemplateOrNoDefaultIsBadInput() throws Exception {
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
        ModelChatTemplates none = ModelChatTemplates.load(tmp, ChatTemplateFixtureTest.FIXTURE_CLOCK);
        assertFalse(none.hasTemplate());
        BadInputException e = assertThrows(BadInputException.class, () -> none.select(false));
        assertTrue(e.getMessage().startsWith(tmp + ": the model has no chat template"), e.getMessage());

        Files.writeString(tmp.resolve("tokenizer_config.json"),
                "{\"chat_template\": [{\"name\": \"rag\", \"template\": \"r\"}, {\"name\": \"tool_use\", \"template\": \"t\"}]}");
        ModelChatTemplates noDefault = ModelChatTemplates.load(tmp, ChatTemplateFixtureTest.FIXTURE_CLOCK);
        assertEquals("t", noDefault.selectSource(true));
        e = assertThrows(BadInputException.class, () -> noDefault.select(false));
        assertTrue(e.getMessage().contains("no \"default\""), e.getMessage());
    }

    @Test
    void aTemplateThatDoesNotParseIsBadInputWhenSelected() throws Exception {
        Files.writeString(tmp.resolve("chat_template.jinja"), "{% for m in messages %}{{ m.content }}");
        BadInputException e = assertThrows(BadInputException.class,
                () -> ModelChatTemplates.load(tmp, ChatTemplateFixtureTest.FIXTURE_CLOCK).select(false));
        assertTrue(e.getMessage().startsWith("chat template failed at line 1"), e.getMessage());
    }
}
