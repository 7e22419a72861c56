package io.tooltune.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The required {@code --model} of the stages that start from a model folder. */
final class ModelOption {
    @Option(names = "--model", required = true, description = "Hugging Face model folder (config.json, weights, tokenizer).")
    Path dir;
}
