package io.tooltune.inference;

import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.TokenLogprob;
import io.tooltune.generate.constrain.Grammar;

import java.util.List;
import java.util.function.Consumer;

/**
 * One completion request: the full prompt, its decoding settings, and at most one constraint on what it may
 * generate: the function names its Action line may call (format-safe decoding, see
 * {@link io.tooltune.generate.FunctionNameConstraint}), or a grammar the whole completion must match (see
 * {@link io.tooltune.generate.GrammarConstraint}); both null: free decoding. Grammars are model-independent and
 * shareable, so callers compile them (and report a schema they cannot handle) before queueing, and cache them.
 * {@code onText} (null: none) receives the completion's text piece by piece as it is decoded, on the model's
 * thread, so it must only hand the piece on (to a queue, say); the pieces put together are the completion's text.
 * {@code onToken} (null: none) likewise receives each token's log-probability. {@code promptIds} (null: encode the
 * prompt) are the prompt's ids from the tokenizer the model uses.
 */
public record InferenceRequest(String prompt, GenerationConfig config, List<String> functionNames, Grammar grammar,
                               Consumer<String> onText, Consumer<TokenLogprob> onToken, long[] promptIds) {
    public InferenceRequest {
        if (functionNames != null && grammar != null) {
            throw new IllegalArgumentException("a request has function names or a grammar, not both");
        }
    }

    public InferenceRequest(String prompt, GenerationConfig config, List<String> functionNames, Grammar grammar,
                            Consumer<String> onText) {
        this(prompt, config, functionNames, grammar, onText, null, null);
    }

    public InferenceRequest(String prompt, GenerationConfig config, List<String> functionNames, Grammar grammar) {
        this(prompt, config, functionNames, grammar, null);
    }

    public InferenceRequest(String prompt, GenerationConfig config) {
        this(prompt, config, null, null, null);
    }

    public InferenceRequest(String prompt, GenerationConfig config, List<String> functionNames) {
        this(prompt, config, functionNames, null, null);
    }

    /** A request whose completion must be a document of {@code grammar}. */
    public static InferenceRequest constrained(String prompt, GenerationConfig config, Grammar grammar) {
        return new InferenceRequest(prompt, config, null, grammar, null);
    }

    /** This request, streaming its text to {@code listener}. */
    public InferenceRequest streaming(Consumer<String> listener) {
        return new InferenceRequest(prompt, config, functionNames, grammar, listener, onToken, promptIds);
    }

    /**
     * This request, handing each generated token's log-probability (when the config asks for them) to
     * {@code listener} as it is decoded, before the text it adds reaches {@code onText}.
     */
    public InferenceRequest scored(Consumer<TokenLogprob> listener) {
        return new InferenceRequest(prompt, config, functionNames, grammar, onText, listener, promptIds);
    }

    /** This request with its prompt already tokenized (the caller counted its tokens), so it is not encoded again. */
    public InferenceRequest encoded(long[] ids) {
        return new InferenceRequest(prompt, config, functionNames, grammar, onText, onToken, ids);
    }

    /** Requests that can share a static batch: the same decoding settings (constraints may differ per sequence). */
    boolean batchesWith(InferenceRequest other) {
        return config.equals(other.config);
    }
}
