package io.tooltune.chat;

import io.tooltune.tokenizer.Tokenizer;

import java.util.Arrays;

/**
 * The special tokens a tokenizer puts in front of any text it encodes (its BOS, or nothing). A rendered chat already
 * holds them (templates print {@code bos_token}) and transformers encodes it with add_special_tokens=False; code that
 * encodes with special tokens strips this prefix from the render first, so that the ids come out the same.
 */
public record TokenizerPrefix(String text) {

    public static TokenizerPrefix of(Tokenizer tokenizer) {
        long[] bare = tokenizer.encode("a", false);
        long[] full = tokenizer.encode("a", true);
        int added = full.length - bare.length;
        if (added <= 0) return new TokenizerPrefix("");
        for (int i = 0; i < bare.length; i++) {
            if (full[added + i] != bare[i]) return new TokenizerPrefix(""); // it appends: nothing to strip
        }
        return new TokenizerPrefix(tokenizer.decode(Arrays.copyOf(full, added), false));
    }

    /** {@code rendered} without a leading prefix, ready to be encoded with special tokens. */
    public String strip(String rendered) {
        return !text.isEmpty() && rendered.startsWith(text) ? rendered.substring(text.length()) : rendered;
    }
}
