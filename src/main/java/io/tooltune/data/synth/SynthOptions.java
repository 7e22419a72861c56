package io.tooltune.data.synth;

import io.tooltune.BadInputException;

/** What to generate: the seed, the number of training queries and of test queries in each of the six groups. */
public record SynthOptions(long seed, int trainQueries, int testQueriesPerGroup) {
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_TRAIN_QUERIES = 600;
    public static final int DEFAULT_TEST_QUERIES_PER_GROUP = 50;

    public SynthOptions {
        if (trainQueries < 0 || trainQueries > 1_000_000) {
            throw new BadInputException("--train-queries: must be between 0 and 1000000, got " + trainQueries);
        }
        if (testQueriesPerGroup < 0 || testQueriesPerGroup > 100_000) {
            throw new BadInputException("--test-queries-per-group: must be between 0 and 100000, got "
                    + testQueriesPerGroup);
        }
    }

    public static SynthOptions defaults() {
        return new SynthOptions(DEFAULT_SEED, DEFAULT_TRAIN_QUERIES, DEFAULT_TEST_QUERIES_PER_GROUP);
    }
}
