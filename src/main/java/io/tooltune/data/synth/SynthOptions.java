package io.tooltune.data.synth;

import io.tooltune.BadInputException;

/**
 * What to generate: the seed, the number of training queries and of test queries in each of the six groups, how
 * many categories of the built-in domain table the catalog draws from (0: all of them; fewer gives each tool more
 * training queries, as a model trained from scratch in minutes needs), and how many key values (entities) each
 * domain has: the table lists 10 to 16, the rest are made up in their style (see {@link KeyValueMaker}).
 */
public record SynthOptions(long seed, int trainQueries, int testQueriesPerGroup, int categories, int keysPerDomain) {
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_TRAIN_QUERIES = 600;
    public static final int DEFAULT_TEST_QUERIES_PER_GROUP = 50;
    public static final int DEFAULT_KEYS_PER_DOMAIN = 200;

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
        if (keysPerDomain < 0 || keysPerDomain > MAX_KEYS_PER_DOMAIN) {
            throw new BadInputException("--keys-per-domain: must be between 0 and " + MAX_KEYS_PER_DOMAIN + ", got "
                    + keysPerDomain);
        }
    }

    /** Ids give an entity's index as its last digits, which stays unambiguous below this. */
    public static final int MAX_KEYS_PER_DOMAIN = 9999;

    public SynthOptions(long seed, int trainQueries, int testQueriesPerGroup, int categories) {
        this(seed, trainQueries, testQueriesPerGroup, categories, DEFAULT_KEYS_PER_DOMAIN);
    }

    public SynthOptions(long seed, int trainQueries, int testQueriesPerGroup) {
        this(seed, trainQueries, testQueriesPerGroup, 0);
    }

    public static SynthOptions defaults() {
        return new SynthOptions(DEFAULT_SEED, DEFAULT_TRAIN_QUERIES, DEFAULT_TEST_QUERIES_PER_GROUP);
    }
}
