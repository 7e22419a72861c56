package io.tooltune.cli;

import picocli.CommandLine.Option;

/** {@code --seed}, shared by the commands with a random element; each command gives its default (null: unseeded). */
final class SeedOption {
    @Option(names = "--seed", description = "Random seed (default ${DEFAULT-VALUE}).")
    Long seed;

    SeedOption() {}

    SeedOption(Long seed) {
        this.seed = seed;
    }

    long value() {
        return seed;
    }
}
