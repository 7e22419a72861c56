package io.tooltune.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every render of ../shared/fixtures/llama/chat_templates/expected_renders.json (Python Jinja2 in transformers' settings), byte for byte. */
class ChatTemplateFixtureTest {
    /** The fixtures' pinned {@code datetime.now()}. */
    static final Clock FIXTURE_CLOCK = Clock.fixed(LocalDateTime.parse("2025-03-14T09:26:53").toInstant(ZoneOffset.UTC), ZoneOffset.UTC);

    static Path dir() {
        return Shared.path("fixtures/llama/chat_templates");
    }

    static JsonNode expected() throws Exception {
        return Json.MAPPER.readTree(dir().resolve("expected_renders.json").toFile());
    }

    @SuppressWarnings("unchecked")
    static ChatRequest request(JsonNode c) {
        ObjectNode input = Json.MAPPER.createObjectNode();
        input.set("messages", c.get("messages"));
        input.set("tools", c.get("tools"));
        input.set("add_generation_prompt", c.get("add_generation_prompt"));
        c.get("kwargs").properties().forEach(e -> input.set(e.getKey(), e.getValue()));
        return ChatRequest.fromJson(input, c.get("name").asText());
    }

    @SuppressWarnings("unchecked")
    @TestFactory
    List<DynamicTest> everyCaseRendersAsPythonJinja2() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        expected().get("templates").properties().forEach(t -> {
            JsonNode spec = t.getValue();
            String source;
            try {
                source = Files.readString(dir().resolve(spec.get("file").asText()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            Map<String, Object> special = (Map<String, Object>) TemplateValues.of(spec.get("special_tokens"));
            ChatTemplate template = new ChatTemplate(source, special, FIXTURE_CLOCK);
            for (JsonNode c : spec.get("cases")) {
                tests.add(DynamicTest.dynamicTest(t.getKey() + "/" + c.get("name").asText(), () -> {
                    ChatRequest request = request(c);
                    if (c.has("expected_error")) {
                        TemplateRaisedException e = assertThrows(TemplateRaisedException.class, () -> template.render(request));
                        assertEquals(c.get("expected_error").get("message").asText(), e.getMessage());
                    } else {
                        assertEquals(c.get("expected").asText(), template.render(request));
                    }
                }));
            }
        });
        return tests;
    }
}
