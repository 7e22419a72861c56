package io.tooltune.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.model.ModelConfig;
import io.tooltune.tokenizer.Tokenizer;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A saved model folder's tokenizer files: tokenizer.json; for a byte-level BPE also vocab.json + merges.txt, so
 * slow and fast tokenizers both load it; the source folder's tokenizer_config.json (special tokens, chat template),
 * special_tokens_map.json and chat_template.jinja when it has them, otherwise OPT's configs made from the ids.
 */
final class TokenizerFiles {
    /** What a tokenizer folder may hold besides tokenizer.json, copied as they are. */
    private static final List<String> COPIED = List.of("tokenizer_config.json", "special_tokens_map.json",
            "chat_template.jinja", "chat_template.json");

    private TokenizerFiles() {}

    static void write(Tokenizer tokenizer, ModelConfig config, Path dir) throws IOException {
        tokenizer.saveTo(dir);
        Path source = tokenizer.folder();
        boolean hasConfig = Files.isRegularFile(source.resolve("tokenizer_config.json"));
        if (hasConfig) {
            for (String f : COPIED) {
                if (Files.isRegularFile(source.resolve(f))) {
                    Files.copy(source.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        JsonNode tj = Json.MAPPER.readTree(dir.resolve("tokenizer.json").toFile());
        JsonNode model = tj.path("model");
        if (!model.path("type").asText().equals("BPE") || !model.path("vocab").isObject()) return;
        Files.write(dir.resolve("vocab.json"), Json.MAPPER.writeValueAsBytes(model.get("vocab")));
        List<String> merges = new ArrayList<>();
        merges.add("#version: 0.2");
        for (JsonNode m : model.path("merges")) {
            merges.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText());
        }
        Files.writeString(dir.resolve("merges.txt"), String.join("\n", merges) + "\n");
        if (hasConfig) return;
        String bos = token(tj, config.bosTokenId(), "</s>");
        String eos = token(tj, config.eosTokenId(), "</s>");
        String pad = token(tj, config.padTokenId(), "<pad>");
        ObjectNode special = Json.MAPPER.createObjectNode().put("bos_token", bos).put("eos_token", eos)
                .put("pad_token", pad).put("unk_token", eos);
        ObjectNode tc = Json.MAPPER.createObjectNode().put("tokenizer_class", "GPT2Tokenizer").put("add_bos_token", true)
                .put("add_prefix_space", false).put("bos_token", bos).put("eos_token", eos).put("pad_token", pad)
                .put("unk_token", eos).put("model_max_length", new BigInteger("1000000000000000019884624838656"))
                .put("errors", "replace");
        var pretty = Json.MAPPER.writer(SerializationFeature.INDENT_OUTPUT);
        Files.write(dir.resolve("special_tokens_map.json"), pretty.writeValueAsBytes(special));
        Files.write(dir.resolve("tokenizer_config.json"), pretty.writeValueAsBytes(tc));
    }

    /** The content of the added token with {@code id}, or {@code fallback}. */
    private static String token(JsonNode tokenizerJson, int id, String fallback) {
        for (JsonNode t : tokenizerJson.path("added_tokens")) {
            if (t.path("id").asInt(-1) == id) return t.path("content").asText(fallback);
        }
        return fallback;
    }
}
