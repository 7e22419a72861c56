package io.tooltune.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where a command's model replies come from: a local model folder or an OpenAI-compatible endpoint (one of them). */
final class ModelSource {
    @Option(names = "--model", description = "Local model folder.")
    Path dir;
    @Option(names = "--openai-url", description = "OpenAI-compatible base URL ending in /v1 (key from OPENAI_API_KEY).")
    String openaiUrl;
}
