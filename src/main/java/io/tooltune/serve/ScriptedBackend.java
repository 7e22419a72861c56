package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.inference.Completion;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Canned model outputs for deterministic tool calls in tests and demos. The script is a JSON array of
 * {@code {"when": "...", "output": "..."}}: a request gets the output of the first entry whose {@code when} occurs
 * in the last message of its prompt (the whole prompt when it is not ToolLLaMA's, e.g. a chat template's; entries
 * without {@code when} match everything). Token counts are
 * whitespace-separated words, and a completion is cut to max_tokens words; streamed, it arrives word by word
 * (each word with the whitespace before it), as a model's tokens would. A script has no vocabulary or
 * probabilities: any logit_bias id is accepted, penalties and biases do not change canned text, and no
 * log-probabilities are reported (the server then returns an empty logprobs content).
 */
public final class ScriptedBackend implements ModelBackend {
    private final String modelId;
    private final List<Entry> entries;
    private final int contextLength;

    record Entry(String when, String output) {}

    ScriptedBackend(String modelId, List<Entry> entries, int contextLength) {
        this.modelId = modelId;
        this.entries = List.copyOf(entries);
        this.contextLength = contextLength;
    }

    /** A script from {@code file}, serving as {@code modelId} with a context of {@code contextLength} words. */
    public static ScriptedBackend load(Path file, String modelId, int contextLength) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read the script: " + e.getMessage(), e);
        }
        if (root == null || !root.isArray() || root.isEmpty()) throw new BadInputException(file + ": the script must be a non-empty JSON array");
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode e = root.get(i);
            if (!e.path("output").isTextual()) throw new BadInputException(file + ": entry " + i + ": 'output' must be a string");
            entries.add(new Entry(e.path("when").isTextual() ? e.get("when").asText() : null, e.get("output").asText()));
        }
        return new ScriptedBackend(modelId, entries, contextLength);
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public int countTokens(String prompt) {
        String s = prompt.strip();
        return s.isEmpty() ? 0 : s.split("\\s+").length;
    }

    @Override
    public CompletableFuture<Completion> complete(Job job) {
        String last = lastMessage(job.prompt());
        String out = entries.stream().filter(e -> e.when() == null || last.contains(e.when())).map(Entry::output)
                .findFirst().orElse("");
        for (String stop : job.stop()) {
            int i = out.indexOf(stop);
            if (i >= 0) out = out.substring(0, i);
        }
        String[] words = out.strip().isEmpty() ? new String[0] : out.strip().split("\\s+");
        boolean cut = words.length > job.maxTokens();
        if (cut) out = String.join(" ", List.of(words).subList(0, job.maxTokens()));
        return CompletableFuture.completedFuture(new Completion(out, countTokens(job.prompt()), Math.min(words.length, job.maxTokens()), cut));
    }

    @Override
    public CompletableFuture<Completion> stream(Job job, Consumer<String> onText) {
        CompletableFuture<Completion> f = complete(job);
        String text = f.join().text();
        if (!text.isEmpty()) for (String word : text.split("(?=\\s+\\S)")) onText.accept(word);
        return f;
    }

    /** The prompt's last "Role: ..." message (ToolLLaMA prompts end with the previous turn, then "Assistant:\n"). */
    private static String lastMessage(String prompt) {
        int end = prompt.lastIndexOf("\nAssistant:\n");
        String body = end >= 0 ? prompt.substring(0, end) : prompt;
        int start = Math.max(Math.max(body.lastIndexOf("\nUser: "), body.lastIndexOf("\nFunction: ")), body.lastIndexOf("\nAssistant: "));
        return start >= 0 ? body.substring(start + 1) : body;
    }

    @Override
    public void close() {}
}
