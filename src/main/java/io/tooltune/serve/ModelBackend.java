package io.tooltune.serve;

import io.tooltune.generate.constrain.Grammar;
import io.tooltune.generate.TokenLogprob;
import io.tooltune.inference.Completion;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where completions come from: the real model (batched generation) or a script of canned outputs. The server
 * renders the prompt and maps the text back; a backend only turns a prompt into text.
 */
public interface ModelBackend extends AutoCloseable {

    /** The id served under /v1/models and expected in requests. */
    String modelId();

    /** Context length in tokens (prompt plus completion). */
    int contextLength();

    /** How many token ids the model scores (logit_bias keys must be below it); a backend without one takes any id. */
    default int vocabularySize() {
        return Integer.MAX_VALUE;
    }

    /** Token count of a prompt as this backend will see it. */
    int countTokens(String prompt);

    /**
     * The prompt's token ids where this backend tokenizes (a job carrying them is not encoded again); empty where
     * it has no tokenizer, and {@link #countTokens} counts.
     */
    default Optional<long[]> tokenize(String prompt) {
        return Optional.empty();
    }

    /**
     * Starts a completion. Cancelling the returned future frees the request's place in the batch (queued requests
     * are dropped; running ones stop at the next decoding step where the backend supports it).
     */
    CompletableFuture<Completion> complete(Job job);

    /** The engine's load for /metrics; empty where the backend keeps no such figures. */
    default Optional<EngineStats> engineStats() {
        return Optional.empty();
    }

    /**
     * As {@link #complete}, handing each piece of the completion's text to {@code onText} as soon as it is decoded
     * (from the model's thread: it must only pass the piece on). The pieces put together are the completion's text,
     * or a prefix of it: a backend that does not stream (this default) hands over nothing, and the caller takes the
     * rest from the completion.
     */
    default CompletableFuture<Completion> stream(Job job, Consumer<String> onText) {
        return complete(job);
    }

    /**
     * As {@link #stream(Job, Consumer)}, handing also each token's log-probability to {@code onToken} (when the job
     * asks for them) before the text it adds; a backend that does not score tokens as they come (this default)
     * hands over none, and the caller takes them from the completion.
     */
    default CompletableFuture<Completion> stream(Job job, Consumer<String> onText, Consumer<TokenLogprob> onToken) {
        return stream(job, onText);
    }

    @Override
    void close();

    /**
     * One completion request: the full prompt, the sampling settings, the grammar the completion must match (null:
     * free), OpenAI's logit adjustments and log-probabilities, and the prompt's ids when the server has tokenized it
     * already (null: not). A backend that decodes honours them all; a scripted
     * one replays its text as written (and reports no log-probabilities).
     */
    record Job(String prompt, int maxTokens, double temperature, double topP, Long seed, List<String> stop,
               Grammar grammar, Scoring scoring, long[] promptIds) {
        public Job(String prompt, int maxTokens, double temperature, double topP, Long seed, List<String> stop,
                   Grammar grammar, Scoring scoring) {
            this(prompt, maxTokens, temperature, topP, seed, stop, grammar, scoring, null);
        }

        public Job(String prompt, int maxTokens, double temperature, double topP, Long seed, List<String> stop) {
            this(prompt, maxTokens, temperature, topP, seed, stop, null);
        }

        public Job(String prompt, int maxTokens, double temperature, double topP, Long seed, List<String> stop,
                   Grammar grammar) {
            this(prompt, maxTokens, temperature, topP, seed, stop, grammar, Scoring.NONE);
        }

        public Job withSeed(Long s) {
            return new Job(prompt, maxTokens, temperature, topP, s, stop, grammar, scoring, promptIds);
        }

        public Job withScoring(Scoring s) {
            return new Job(prompt, maxTokens, temperature, topP, seed, stop, grammar, s, promptIds);
        }

        /** The job of a request's choice {@code i}: drawing from seed + i when seeded, so choices differ and each is reproducible. */
        public Job forChoice(int i) {
            return seed == null ? this : withSeed(seed + i);
        }

        /** This job with its prompt's ids from {@link ModelBackend#tokenize} (null: the backend encodes it). */
        public Job withPromptIds(long[] ids) {
            return new Job(prompt, maxTokens, temperature, topP, seed, stop, grammar, scoring, ids);
        }
    }

    /**
     * presence_penalty, frequency_penalty, logit_bias (token id to bias) and top_logprobs
     * ({@link io.tooltune.generate.GenerationConfig#NO_LOGPROBS}: no log-probabilities).
     */
    record Scoring(double presencePenalty, double frequencyPenalty, Map<Integer, Double> logitBias, int topLogprobs) {
        public static final Scoring NONE = new Scoring(0, 0, Map.of(), -1);

        public Scoring {
            logitBias = Map.copyOf(logitBias);
        }
    }
}
