package io.tooltune.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The required {@code --output} of the stages that write one file or folder. */
final class OutputOption {
    @Option(names = "--output", required = true, description = "Output folder or file (created if missing).")
    Path path;
}
