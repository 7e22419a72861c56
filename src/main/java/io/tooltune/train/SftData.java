package io.tooltune.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.tokenizer.Tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Training data from JSONL: pre-tokenized SFT records ({@code {"id","input_ids","labels"}} as {@code prepare}
 * writes them), or raw {@code {"text"}} records tokenized on the fly the way TRL &ge; 0.17 does (BOS prepended,
 * EOS appended when missing, every token trained), or {@code {"conversations"}} records rendered to text by a
 * caller-supplied renderer (given the whole record). Examples longer than the maximum length are cut keeping the start, and counted.
 */
public final class SftData {
    private SftData() {}

    /** The examples, and how many were truncated to the maximum length. */
    public record Loaded(List<SftExample> examples, int truncated) {
        public long labelTokens() {
            long n = 0;
            for (SftExample e : examples) n += e.labelTokens();
            return n;
        }
    }

    /**
     * Reads {@code file}. {@code tokenizer} may be null when every record is pre-tokenized; {@code conversations}
     * (may be null) renders a whole {@code conversations} record to training text.
     */
    public static Loaded load(Path file, Tokenizer tokenizer, int eosId, int maxLength,
                              Function<JsonNode, String> conversations) {
        if (!Files.isRegularFile(file)) throw new BadInputException(file + ": no such data file");
        List<SftExample> out = new ArrayList<>();
        int truncated = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                String where = file + ":" + lineNo;
                JsonNode node;
                try {
                    node = Json.MAPPER.readTree(line);
                } catch (IOException e) {
                    throw new BadInputException(where + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
                }
                if (node == null || !node.isObject()) throw new BadInputException(where + ": a record must be a JSON object");
                String id = node.hasNonNull("id") ? node.get("id").asText() : "line " + lineNo;
                SftExample ex = parse(node, id, where, tokenizer, eosId, conversations);
                if (ex.length() > maxLength) {
                    truncated++;
                    ex = new SftExample(ex.id(), Arrays.copyOf(ex.inputIds(), maxLength),
                            Arrays.copyOf(ex.labels(), maxLength));
                }
                out.add(ex);
            }
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage(), e);
        }
        Loaded loaded = new Loaded(List.copyOf(out), truncated);
        if (out.isEmpty()) throw new BadInputException(file + ": no training examples");
        if (loaded.labelTokens() == 0) {
            throw new BadInputException(file + ": every label is -100 (after the causal shift), nothing to learn from");
        }
        return loaded;
    }

    private static SftExample parse(JsonNode node, String id, String where, Tokenizer tokenizer, int eosId,
                                    Function<JsonNode, String> conversations) {
        if (node.has("input_ids")) {
            int[] ids = ints(node.get("input_ids"), where, "input_ids");
            int[] labels = node.has("labels") ? ints(node.get("labels"), where, "labels") : ids.clone();
            if (labels.length != ids.length) {
                throw new BadInputException(where + ": labels has " + labels.length + " entries, input_ids " + ids.length);
            }
            if (ids.length == 0) throw new BadInputException(where + ": empty input_ids");
            for (int v : ids) if (v < 0) throw new BadInputException(where + ": negative token id " + v);
            return new SftExample(id, ids, labels);
        }
        String text;
        if (node.has("text")) {
            if (!node.get("text").isTextual()) throw new BadInputException(where + ": \"text\" must be a string");
            text = node.get("text").asText();
        } else if (node.has("conversations")) {
            if (conversations == null) {
                throw new BadInputException(where + ": conversations records need a renderer (none available)");
            }
            text = conversations.apply(node);
        } else {
            throw new BadInputException(where + ": expected \"input_ids\" (with \"labels\"), \"text\" or \"conversations\"");
        }
        if (tokenizer == null) throw new BadInputException(where + ": text records need the model's tokenizer");
        long[] enc = tokenizer.encode(text);
        int n = enc.length;
        boolean addEos = n == 0 || enc[n - 1] != eosId;
        int[] ids = new int[addEos ? n + 1 : n];
        for (int i = 0; i < n; i++) ids[i] = (int) enc[i];
        if (addEos) ids[n] = eosId;
        return new SftExample(id, ids, ids.clone());
    }

    private static int[] ints(JsonNode arr, String where, String field) {
        if (arr == null || !arr.isArray()) throw new BadInputException(where + ": \"" + field + "\" must be an array of integers");
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = arr.get(i);
            if (!v.isIntegralNumber()) throw new BadInputException(where + ": \"" + field + "\"[" + i + "] is not an integer");
            out[i] = v.asInt();
        }
        return out;
    }
}
