package io.tooltune.serve;

import java.util.ArrayList;
import java.util.List;

/** Streaming a finished reply in fragments, for backends that hand over whole completions. */
final class TextPieces {
    private TextPieces() {}

    /** Text cut into word-sized fragments (each keeps its leading whitespace), as a token stream would arrive. */
    static List<String> words(String s) {
        if (s.isEmpty()) return List.of();
        return List.of(s.split("(?=\\s+\\S)"));
    }

    /** Fixed-size slices, for streaming a call's arguments in several fragments. */
    static List<String> slices(String s, int size) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < s.length(); i += size) out.add(s.substring(i, Math.min(s.length(), i + size)));
        return out;
    }
}
