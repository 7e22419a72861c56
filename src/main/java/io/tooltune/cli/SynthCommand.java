package io.tooltune.cli;

import io.tooltune.data.synth.SynthDataset;
import io.tooltune.data.synth.SynthOptions;
import io.tooltune.data.synth.SynthWriter;
import io.tooltune.data.synth.SyntheticToolBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code tooltune synth}: writes a seeded synthetic ToolBench in the real file formats. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Generate a seeded synthetic ToolBench (tools, queries, gold calls, raw answers, API cache).")
public final class SynthCommand implements Callable<Integer> {
    @Mixin
    OutputOption output;

    @Mixin
    SeedOption seed = new SeedOption(SynthOptions.DEFAULT_SEED);

    @Option(names = "--train-queries", description = "Training queries with raw answers (default ${DEFAULT-VALUE}).")
    int trainQueries = SynthOptions.DEFAULT_TRAIN_QUERIES;

    @Option(names = "--test-queries-per-group",
            description = "Test queries in each of the six groups (default ${DEFAULT-VALUE}).")
    int testQueriesPerGroup = SynthOptions.DEFAULT_TEST_QUERIES_PER_GROUP;

    @Option(names = "--categories", description = "Categories of the built-in domain table to use, at least "
            + SynthOptions.MIN_CATEGORIES + "; 0 uses all (default ${DEFAULT-VALUE}).")
    int categories;

    @Option(names = "--keys-per-domain", description = "Entities (key values) per domain: the table's 10 to 16, then "
            + "made-up ones in their style, so that a model must copy them from the query; 0 keeps the table's only "
            + "(default ${DEFAULT-VALUE}).")
    int keysPerDomain = SynthOptions.DEFAULT_KEYS_PER_DOMAIN;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        SynthDataset ds = SyntheticToolBench.generate(new SynthOptions(seed.value(), trainQueries, testQueriesPerGroup, categories, keysPerDomain));
        SynthWriter.Counts c = SynthWriter.write(ds, output.path);
        System.out.printf("catalog: %d categories (%d held out), %d tools (%d held out in seen categories), %d APIs%n",
                c.categories(), ds.catalog().heldOutCategories().size(), c.tools(), ds.catalog().heldOutTools().size(),
                c.apis());
        System.out.printf("train: %d queries, %d raw answers%n", c.trainQueries(), c.answers());
        c.testQueries().forEach((g, n) -> System.out.printf("test %s: %d queries%n", g, n));
        System.out.printf("response cache: %d entries; %d files written to %s in %.1f s%n", c.cacheEntries(),
                c.files(), output.path, (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
