package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.chat.ModelChatTemplates;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The chat-template fixture's cases (../shared/fixtures/llama/chat_templates/expected_renders.json) as the OpenAI
 * requests a client would send: tool-call arguments as JSON strings, tool results without a {@code name}.
 */
final class TemplateFixtureCases {
    private TemplateFixtureCases() {}

    static final Clock FIXTURE_CLOCK = Clock.fixed(LocalDateTime.parse("2025-03-14T09:26:53").toInstant(ZoneOffset.UTC), ZoneOffset.UTC);

    private static final Set<String> OPENAI_ROLES = Set.of("system", "user", "assistant", "tool");
    private static final Set<String> OPENAI_FUNCTION_FIELDS = Set.of("name", "description", "parameters");

    /**
     * One case a server renders as the fixture did: OpenAI roles, contents and function fields, the assistant's turn opened, no extra
     * template variables.
     */
    record Case(String template, String model, String name, ObjectNode request, String expected, long[] inputIds) {
        Path modelDir() {
            return Shared.path("fixtures/llama/" + model);
        }

        ModelChatTemplates templates() {
            return ModelChatTemplates.load(modelDir(), FIXTURE_CLOCK);
        }
    }

    static List<Case> servable() throws IOException {
        JsonNode root = Json.MAPPER.readTree(Shared.path("fixtures/llama/chat_templates/expected_renders.json").toFile());
        List<Case> out = new ArrayList<>();
        root.get("templates").properties().forEach(t -> {
            for (JsonNode c : t.getValue().get("cases")) {
                if (!c.path("add_generation_prompt").asBoolean() || !c.path("kwargs").isEmpty() || !c.has("expected")) continue;
                boolean openAi = true;
                for (JsonNode m : c.get("messages")) openAi &= OPENAI_ROLES.contains(m.path("role").asText()) && !m.path("content").isObject();
                for (JsonNode tool : c.path("tools")) {
                    openAi &= OPENAI_FUNCTION_FIELDS.containsAll(iterable(tool.path("function").fieldNames()));
                }
                if (!openAi) continue;
                long[] ids = new long[c.get("input_ids").size()];
                for (int i = 0; i < ids.length; i++) ids[i] = c.get("input_ids").get(i).asLong();
                out.add(new Case(t.getKey(), t.getValue().get("model").asText(), c.get("name").asText(),
                        openAiRequest(c, "fixture"), c.get("expected").asText(), ids));
            }
        });
        return out;
    }

    private static List<String> iterable(Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    static ObjectNode openAiRequest(JsonNode c, String model) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("model", model);
        var messages = body.putArray("messages");
        for (JsonNode m : c.get("messages")) {
            ObjectNode copy = m.deepCopy();
            if (copy.path("role").asText().equals("tool")) copy.remove("name");
            for (JsonNode call : copy.path("tool_calls")) {
                ObjectNode fn = (ObjectNode) call.get("function");
                if (!fn.get("arguments").isTextual()) fn.put("arguments", fn.get("arguments").toString());
            }
            messages.add(copy);
        }
        if (c.path("tools").isArray()) body.set("tools", c.get("tools"));
        return body;
    }
}
