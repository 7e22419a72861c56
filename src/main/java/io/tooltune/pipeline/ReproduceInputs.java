package io.tooltune.pipeline;

import io.tooltune.BadInputException;
import io.tooltune.data.format.TestGroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The inputs of {@code tooltune reproduce}, checked before anything runs: a ToolBench data folder (raw answers or
 * a ToolLLaMA training json; test query files per group; tool JSONs), a base model folder and a judge endpoint.
 * Every problem is collected, so one run says everything that is missing.
 */
public record ReproduceInputs(Path trainingData, Map<String, Path> queryFiles, Path toolsDir, Path model, URI judgeUrl) {

    public static final List<String> GROUPS = TestGroup.NAMES;

    /**
     * Checks {@code toolbench} (ToolBench's data layout: {@code answer/G*_answer/} or
     * {@code toolllama_G123_dfs_train.json}; {@code test_instruction/<group>.json} or StableToolBench's
     * {@code solvable_queries/test_instruction/}; {@code toolenv/tools/<Category>/<tool>.json}), the model folder
     * and the judge URL.
     */
    public static ReproduceInputs check(Path toolbench, Path model, String judgeUrl, List<String> groups) {
        List<String> missing = new ArrayList<>();
        Path training = null, tools = null;
        Map<String, Path> queries = new LinkedHashMap<>();
        if (!Files.isDirectory(toolbench)) {
            missing.add(toolbench + ": not a folder (expected ToolBench's data folder)");
        } else {
            Path answers = toolbench.resolve("answer");
            Path toolllama = toolbench.resolve("toolllama_G123_dfs_train.json");
            if (Files.isDirectory(answers) && countJson(answers) > 0) training = answers;
            else if (Files.isRegularFile(toolllama)) training = toolllama;
            else missing.add(toolbench + ": no training data (answer/G*_answer/*.json raw answers or toolllama_G123_dfs_train.json)");

            Path testDir = Files.isDirectory(toolbench.resolve("test_instruction")) ? toolbench.resolve("test_instruction")
                    : toolbench.resolve("solvable_queries").resolve("test_instruction");
            for (String g : groups) {
                if (!GROUPS.contains(g)) missing.add("--groups: unknown group " + g + " (known: " + GROUPS + ")");
                Path f = testDir.resolve(g + ".json");
                if (Files.isRegularFile(f)) queries.put(g, f);
                else missing.add(f + ": missing test queries of " + g);
            }
            Path toolsDir = toolbench.resolve("toolenv").resolve("tools");
            if (Files.isDirectory(toolsDir) && countJson(toolsDir) > 0) tools = toolsDir;
            else missing.add(toolsDir + ": no tool JSONs (toolenv/tools/<Category>/<tool>.json)");
        }
        if (!Files.isDirectory(model)) {
            missing.add(model + ": model folder not found");
        } else {
            if (!Files.isRegularFile(model.resolve("config.json"))) missing.add(model.resolve("config.json") + ": missing");
            if (Stream.of("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin")
                    .noneMatch(n -> Files.isRegularFile(model.resolve(n)))) {
                missing.add(model + ": no weights (model.safetensors, model.safetensors.index.json or pytorch_model.bin)");
            }
            if (!Files.isRegularFile(model.resolve("tokenizer.json"))
                    && !(Files.isRegularFile(model.resolve("vocab.json")) && Files.isRegularFile(model.resolve("merges.txt")))) {
                missing.add(model + ": no tokenizer (tokenizer.json, or vocab.json + merges.txt)");
            }
        }
        URI judge = null;
        try {
            judge = judgeUrl == null ? null : URI.create(judgeUrl);
        } catch (IllegalArgumentException e) {
            judge = null;
        }
        if (judge == null || judge.getHost() == null
                || !("http".equals(judge.getScheme()) || "https".equals(judge.getScheme()))) {
            missing.add("--judge-url: " + (judgeUrl == null ? "missing" : "'" + judgeUrl + "' is not an http(s) URL")
                    + " (an OpenAI-compatible base URL ending in /v1)");
        }
        if (!missing.isEmpty()) {
            throw new BadInputException("reproduce cannot start, " + missing.size() + " problem(s): "
                    + String.join("; ", missing));
        }
        return new ReproduceInputs(training, queries, tools, model, judge);
    }

    private static long countJson(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
