package io.tooltune.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tooltune.Json;
import io.tooltune.generate.TokenLogprob;

import java.util.ArrayList;
import java.util.List;

/**
 * The generated tokens behind a reply's content, so that logprobs describe what the client sees rather than the
 * ReAct scaffolding around it. Content that is a verbatim part of the completion's text (prose, a chat template's
 * answer, JSON output) is found there and split at token boundaries: one piece per token, the pieces joining to the
 * content. Content read out of a JSON string (a Finish call's final_answer) is found in its escaped form and comes as
 * one piece with all its tokens. Content found neither way (rare: a differently escaped answer) has no tokens.
 */
final class VisibleTokens {
    private VisibleTokens() {}

    /** A slice of the content and the tokens that produced it. */
    record Piece(String text, List<TokenLogprob> tokens) {}

    /** Pieces joining to {@code content}, from the completion text {@code text} and its tokens' log-probabilities. */
    static List<Piece> pieces(String content, String text, List<TokenLogprob> tokens) {
        if (content == null || content.isEmpty()) return List.of();
        int at = text.lastIndexOf(content);
        if (at >= 0) return verbatim(content, at, tokens);
        String escaped = escaped(content);
        at = text.lastIndexOf(escaped);
        if (at < 0) return List.of(new Piece(content, List.of()));
        List<TokenLogprob> inside = new ArrayList<>();
        int start = 0;
        for (TokenLogprob t : tokens) {
            int end = Math.max(start, t.textEnd());
            if (end > at && start < at + escaped.length()) inside.add(t);
            start = end;
        }
        return List.of(new Piece(content, inside));
    }

    /** Each token's share of {@code content}, which sits at {@code at} in the text. */
    private static List<Piece> verbatim(String content, int at, List<TokenLogprob> tokens) {
        List<Piece> out = new ArrayList<>();
        int start = 0;
        int end = at + content.length();
        for (TokenLogprob t : tokens) {
            // ends only move forward, so the pieces tile the text even where a decode was not monotonic
            int tokenEnd = Math.max(start, t.textEnd());
            int from = Math.max(start, at);
            int to = Math.min(tokenEnd, end);
            if (to > from) out.add(new Piece(content.substring(from - at, to - at), List.of(t)));
            start = tokenEnd;
        }
        int covered = out.stream().mapToInt(p -> p.text().length()).sum();
        // a completion without log-probabilities (or a decode that came up short) still yields the whole content
        if (covered < content.length()) out.add(new Piece(content.substring(covered), List.of()));
        return out;
    }

    private static String escaped(String content) {
        try {
            String quoted = Json.MAPPER.writeValueAsString(content);
            return quoted.substring(1, quoted.length() - 1);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
