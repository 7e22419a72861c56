package io.tooltune.data.synth;

import io.tooltune.BadInputException;

/**
 * What to generate: the seed, the number of training queries and of test queries in each of the six groups, and how
 * many categories of the built-in domain table the catalog draws from (0: all of them; fewer gives each tool more
 * training queries, as a model trained from scratch in minutes needs).
 */
public record SynthOptions(long seed, int trainQueries, int testQueriesPerGroup, int categories) {
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_TRAIN_QUERIES = 600;
    public static final int DEFAULT_TEST_QUERIES_PER_GROUP = 50;

    /** Three held-out categories and at least two seen ones, so that every test group has tools to draw from. */
    public static final int MIN_CATEGORIES = CatalogGenerator.HELD_OUT_CATEGORIES + 2;

    public SynthOptions {
        if (trainQueries < 0 || trainQueries > 1_000_000) {
            throw new BadInputException("--train-queries: must be between 0 and 1000000, got " + trainQueries);
        }
        if (testQueriesPerGroup < 0 || testQueriesPerGroup > 100_000) {
            throw new BadInputException("--test-queries-per-group: must be between 0 and 100000, got "
                    + testQueriesPerGroup);
        }
        if (categories != 0 && categories < MIN_CATEGORIES) {
            throw new BadInputException("--categories: must be 0 (all) or at least " + MIN_CATEGORIES + ", got "
                    + categories);
        }
    }

    public SynthOptions(long seed, int trainQueries, int testQueriesPerGroup) {
        this(seed, trainQueries, testQueriesPerGroup, 0);
    }

    public static SynthOptions defaults() {
        return new SynthOptions(DEFAULT_SEED, DEFAULT_TRAIN_QUERIES, DEFAULT_TEST_QUERIES_PER_GROUP);
    }
}
