package io.tooltune.cli;

import picocli.CommandLine.Option;

/** Reply length and temperature of the commands that decode with a model; each command gives its defaults. */
final class SamplingOptions {
    @Option(names = "--max-new-tokens", converter = Ranges.Positive.class, description = "Tokens per reply (default ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--temperature", converter = Ranges.NonNegativeReal.class, description = "Sampling temperature, 0 = greedy (default ${DEFAULT-VALUE}).")
    double temperature;

    SamplingOptions() {}

    SamplingOptions(int maxNewTokens, double temperature) {
        this.maxNewTokens = maxNewTokens;
        this.temperature = temperature;
    }
}
