package io.tooltune.generate;

import io.tooltune.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One sequence being decoded, with its own settings: the constraint on its tokens, the draw from its own seeded
 * {@link Random}, its stop rules (EOS, stop strings, max new tokens, the model's position limit), and the text it
 * has produced. With a listener, each piece of text goes out as soon as it is certain: a partial UTF-8 character
 * (decoded as U+FFFD) and a tail that may still become a stop string are held back until the next token settles
 * them; the pieces put together are the final text. The text grows incrementally, as vLLM's incremental
 * detokenizer does: each step decodes a short window (the tokens settled at the previous step, then the new ones)
 * with and without the new tokens and appends the difference, so the tokenizer's work per step does not grow with
 * the sequence; decoding the new tokens after the ones before them keeps byte-level BPE characters split over
 * tokens and SentencePiece's leading spaces as a whole decode gives them.
 */
final class Sequence {
    /** What every sequence of one model shares: its tokenizer and where decoding must stop. */
    record Limits(Tokenizer tokenizer, List<Integer> eosIds, int maxPositions) {}

    private final long[] prompt;
    private final GenerationConfig cfg;
    private final TokenConstraint constraint;
    private final Consumer<String> listener;
    private final Consumer<TokenLogprob> tokenListener;
    private final Limits limits;
    private final Random rng;
    private long[] generated = new long[16];
    private final List<TokenLogprob> logprobs = new ArrayList<>();
    private int count;
    private String text = "";
    /** Incremental decoding: the window starts at token {@code windowFrom}; its tokens before {@code readFrom} are in the text. */
    private int windowFrom;
    private int readFrom;
    /** Length of the text that later tokens cannot change. */
    private int committed;
    private String sent = "";
    private boolean done;
    private boolean hitMax;

    Sequence(long[] prompt, GenerationConfig cfg, TokenConstraint constraint, Consumer<String> listener, Limits limits) {
        this(prompt, cfg, constraint, listener, null, limits);
    }

    /** {@code tokenListener} (may be null) gets each scored token before the text it adds is handed to {@code listener}. */
    Sequence(long[] prompt, GenerationConfig cfg, TokenConstraint constraint, Consumer<String> listener,
             Consumer<TokenLogprob> tokenListener, Limits limits) {
        this.prompt = prompt;
        this.cfg = cfg;
        this.constraint = constraint;
        this.listener = listener;
        this.tokenListener = tokenListener;
        this.limits = limits;
        this.rng = cfg.seed() != null ? new Random(cfg.seed()) : new Random();
        this.done = cfg.maxNewTokens() == 0;
    }

    long[] prompt() {
        return prompt;
    }

    boolean done() {
        return done;
    }

    /** Stops the sequence where it is (its caller has gone). */
    void abandon() {
        done = true;
    }

    /**
     * Picks this sequence's next token from its row of {@code logits} (masked by the constraint, then adjusted by
     * its penalties and logit bias) and takes it, scoring it when log-probabilities are asked for.
     */
    long next(float[] logits, int from, int vocab) {
        BitSet allowed = constraint == null ? null : constraint.allowed(tokensLeft());
        if (allowed != null && !allowed.isEmpty()) {
            for (int j = allowed.nextClearBit(0); j < vocab; j = allowed.nextClearBit(j + 1)) {
                logits[from + j] = Float.NEGATIVE_INFINITY;
            }
        }
        Sampler.Pick pick = Sampler.pick(logits, from, vocab, cfg, rng, ids());
        long token = pick.token();
        accept(token);
        if (pick.scores() != null) {
            TokenLogprob scored = pick.scores().named(this::tokenText, text.length());
            logprobs.add(scored);
            if (tokenListener != null) tokenListener.accept(scored);
        }
        if (listener != null) send(done ? text.length() : settled());
        return token;
    }

    /** New tokens the sequence may still take (the token limit and the model's positions), at least 1. */
    private int tokensLeft() {
        return Math.max(1, Math.min(cfg.maxNewTokens() - count, limits.maxPositions() - prompt.length - count));
    }

    private void accept(long token) {
        if (count == generated.length) generated = Arrays.copyOf(generated, count * 2);
        generated[count++] = token;
        if (constraint != null) constraint.accept((int) token);
        if (cfg.stopAtEos() && limits.eosIds().contains((int) token)) {
            done = true;
        } else {
            if (constraint != null && constraint.finished()) done = true;
            int unchanged = committed;
            extendText();
            for (String s : cfg.stopStrings()) {
                int at = text.indexOf(s, Math.max(0, unchanged - s.length() + 1));
                if (at >= 0) {
                    text = text.substring(0, at);
                    done = true;
                }
            }
            if (!done && (count >= cfg.maxNewTokens() || prompt.length + count >= limits.maxPositions())) {
                done = true;
                hitMax = true;
            }
        }
    }

    /**
     * Appends what the newest token adds to the text: the window decoded with and without it, the difference taken
     * once it no longer ends in a partial character (a partial character at the very end stays as U+FFFD, as a
     * whole decode gives it).
     */
    private void extendText() {
        Tokenizer tok = limits.tokenizer();
        String before = readFrom > windowFrom ? tok.decode(Arrays.copyOfRange(generated, windowFrom, readFrom), true) : "";
        String after = tok.decode(Arrays.copyOfRange(generated, windowFrom, count), true);
        String settledText = text.substring(0, committed);
        String added = after.length() > before.length() ? after.substring(before.length()) : "";
        text = settledText + added;
        if (!added.isEmpty() && !after.endsWith("\uFFFD")) {
            committed = text.length();
            windowFrom = readFrom;
            readFrom = count;
        }
        // otherwise the new tokens do not make a whole character yet: shown provisionally, decoded again next time
    }

    /** How much of the text can no longer change: not a trailing partial character, nor a possible stop string. */
    private int settled() {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '\uFFFD') end--;
        int held = 0;
        for (String s : cfg.stopStrings()) {
            for (int k = Math.min(s.length() - 1, end); k > held; k--) {
                if (text.startsWith(s.substring(0, k), end - k)) {
                    held = k;
                    break;
                }
            }
        }
        return end - held;
    }

    /**
     * Sends the text up to {@code upTo} not sent yet. Decoding more tokens only appends to the text (or cuts a stop
     * string that was held back), so what was sent stays a prefix; were it ever not, nothing more is sent.
     */
    private void send(int upTo) {
        if (upTo <= sent.length() || !text.startsWith(sent)) return;
        listener.accept(text.substring(sent.length(), upTo));
        sent = text.substring(0, upTo);
    }

    long[] ids() {
        return Arrays.copyOf(generated, count);
    }

    /** One id's text on its own, special tokens included. */
    private String tokenText(int id) {
        return limits.tokenizer().decode(new long[] {id}, false);
    }

    Generator.Output output() {
        return new Generator.Output(ids(), text, hitMax, List.copyOf(logprobs));
    }
}
