package io.tooltune.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Builds the tokenizer.json that transformers' GPT2Converter makes for OPT from vocab.json + merges.txt:
 * BPE model, ByteLevel pre-tokenizer and decoder, and a template that prepends {@code </s>} as BOS.
 */
public final class ByteLevelBpeJson {
    private static final String BOS = "</s>";
    private static final List<String> SPECIALS = List.of("<s>", "<pad>", "</s>", "<unk>");

    private ByteLevelBpeJson() {}

    public static String fromVocabAndMerges(Path vocabFile, Path mergesFile) throws IOException {
        JsonNode vocab;
        try {
            vocab = Json.MAPPER.readTree(vocabFile.toFile());
        } catch (IOException e) {
            throw new BadInputException(vocabFile + ": not valid JSON: " + e.getMessage());
        }
        if (!vocab.isObject()) throw new BadInputException(vocabFile + ": expected a JSON object of token -> id");
        if (vocab.isEmpty()) throw new BadInputException(vocabFile + ": the vocabulary is empty");
        ArrayNode merges = Json.MAPPER.createArrayNode();
        for (String line : Files.readAllLines(mergesFile, StandardCharsets.UTF_8)) {
            if (line.startsWith("#version") || line.isBlank()) continue;
            merges.add(line);
        }
        return build((ObjectNode) vocab, merges);
    }

    /** A tokenizer.json for a byte-level BPE vocabulary (token → id) and merges in rank order ("a b"). */
    public static String build(ObjectNode vocab, ArrayNode merges) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String special : SPECIALS) {
            JsonNode id = vocab.get(special);
            if (id == null) continue;
            ObjectNode t = added.addObject();
            t.put("id", id.asInt());
            t.put("content", special);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", true);
            t.put("special", true);
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(false));
        if (vocab.has(BOS)) {
            ObjectNode post = root.putObject("post_processor");
            post.put("type", "TemplateProcessing");
            ArrayNode single = post.putArray("single");
            single.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
            single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
            ArrayNode pair = post.putArray("pair");
            pair.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
            pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
            pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
            ObjectNode bos = post.putObject("special_tokens").putObject(BOS);
            bos.put("id", BOS);
            bos.putArray("ids").add(vocab.get(BOS).asInt());
            bos.putArray("tokens").add(BOS);
        } else {
            root.putNull("post_processor");
        }
        root.set("decoder", byteLevel(true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode v = model.putObject("vocab");
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            v.put(e.getKey(), e.getValue().asInt());
        }
        model.set("merges", merges);
        try {
            return Json.MAPPER.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode byteLevel(boolean prefixSpace) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", prefixSpace);
        n.put("trim_offsets", true);
        n.put("use_regex", true);
        return n;
    }
}
