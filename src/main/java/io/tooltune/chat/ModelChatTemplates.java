package io.tooltune.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chat templates of a model folder and the special tokens they are rendered with, read as transformers reads
 * them: {@code chat_template.jinja} if present, else {@code tokenizer_config.json}'s {@code chat_template}, a string
 * or a list of named templates ({@code {"name", "template"}}); special tokens from {@code tokenizer_config.json},
 * overridden by {@code special_tokens_map.json}.
 */
public final class ModelChatTemplates {
    private static final List<String> NAMED_TOKENS = List.of(
            "bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token");

    private final Path dir;
    private final Map<String, String> templates;
    private final Map<String, Object> specialTokens;
    private final Clock clock;

    private ModelChatTemplates(Path dir, Map<String, String> templates, Map<String, Object> specialTokens, Clock clock) {
        this.dir = dir;
        this.templates = templates;
        this.specialTokens = specialTokens;
        this.clock = clock;
    }

    /** @param clock what the templates' {@code strftime_now} reads */
    public static ModelChatTemplates load(Path dir, Clock clock) {
        if (!Files.isDirectory(dir)) throw new BadInputException(dir + ": not a model folder");
        JsonNode config = readJson(dir.resolve("tokenizer_config.json"));
        Map<String, String> templates = new LinkedHashMap<>();
        Path jinja = dir.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinja)) {
            templates.put("default", read(jinja));
        } else if (config != null) {
            JsonNode t = config.get("chat_template");
            if (t != null && t.isTextual()) {
                templates.put("default", t.textValue());
            } else if (t != null && t.isArray()) {
                for (JsonNode named : t) {
                    if (!named.path("name").isTextual() || !named.path("template").isTextual()) {
                        throw new BadInputException(dir.resolve("tokenizer_config.json")
                                + ": chat_template list entries need a \"name\" and a \"template\" string");
                    }
                    templates.put(named.get("name").textValue(), named.get("template").textValue());
                }
            } else if (t != null && !t.isNull()) {
                throw new BadInputException(dir.resolve("tokenizer_config.json") + ": chat_template is neither a string nor a list");
            }
        }
        Map<String, Object> special = new LinkedHashMap<>();
        addSpecialTokens(special, config);
        addSpecialTokens(special, readJson(dir.resolve("special_tokens_map.json")));
        return new ModelChatTemplates(dir, templates, special, clock);
    }

    public boolean hasTemplate() {
        return !templates.isEmpty();
    }

    public Map<String, Object> specialTokens() {
        return specialTokens;
    }

    /**
     * The template transformers picks: the only one; else {@code tool_use} when tools are offered and it exists,
     * else {@code default}.
     */
    public ChatTemplate select(boolean withTools) {
        return new ChatTemplate(selectSource(withTools), specialTokens, clock);
    }

    String selectSource(boolean withTools) {
        if (templates.isEmpty()) {
            throw new BadInputException(dir + ": the model has no chat template (no chat_template in tokenizer_config.json, no chat_template.jinja)");
        }
        if (templates.size() == 1) return templates.values().iterator().next();
        if (withTools && templates.containsKey("tool_use")) return templates.get("tool_use");
        if (templates.containsKey("default")) return templates.get("default");
        throw new BadInputException(dir + ": the model has several chat templates " + templates.keySet() + " and no \"default\"");
    }

    private static void addSpecialTokens(Map<String, Object> into, JsonNode config) {
        if (config == null) return;
        for (String name : NAMED_TOKENS) {
            String token = tokenText(config.get(name));
            if (token != null) into.put(name, token);
        }
        JsonNode extra = config.get("additional_special_tokens");
        if (extra != null && extra.isArray() && !extra.isEmpty()) {
            List<String> tokens = new ArrayList<>();
            extra.forEach(t -> {
                String text = tokenText(t);
                if (text != null) tokens.add(text);
            });
            into.put("additional_special_tokens", tokens);
        }
    }

    /** A token as a string or as a serialized AddedToken ({@code {"content": ...}}). */
    private static String tokenText(JsonNode n) {
        if (n == null || n.isNull()) return null;
        if (n.isTextual()) return n.textValue();
        if (n.isObject() && n.path("content").isTextual()) return n.get("content").textValue();
        return null;
    }

    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
