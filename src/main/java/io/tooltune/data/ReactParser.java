package io.tooltune.data;

/**
 * ToolBench's {@code react_parser}: slices with Python's {@code str.find} semantics, -1 included, so malformed
 * outputs parse exactly as ToolLLaMA's do (a missing marker yields odd but well-defined slices, never an error).
 */
public final class ReactParser {
    public record Parsed(String thought, String action, String actionInput) {}

    private ReactParser() {}

    public static Parsed parse(String s) {
        String thought = slice(s, s.indexOf("Thought: ") + 9, s.indexOf("\nAction: "));
        String action = slice(s, s.indexOf("Action: ") + 8, s.indexOf("\nAction Input: "));
        String input = slice(s, s.indexOf("Action Input: ") + 14, s.length());
        return new Parsed(thought, action, input);
    }

    /** Python's {@code s[a:b]}: negative indices count from the end, out-of-range bounds clamp, empty if b <= a. */
    public static String slice(String s, int a, int b) {
        int n = s.length();
        if (a < 0) a = Math.max(0, a + n);
        if (b < 0) b = Math.max(0, b + n);
        a = Math.min(a, n);
        b = Math.min(b, n);
        return b <= a ? "" : s.substring(a, b);
    }
}
