package io.tooltune.data.python;

/** Python string slicing by code point ({@code s[:n]}, {@code s[-n:]}), which Java's UTF-16 substring is not. */
public final class PythonStr {
    private PythonStr() {}

    /** {@code s[:n]}. */
    public static String head(String s, int n) {
        if (s.length() <= n) return s;
        int cps = s.codePointCount(0, s.length());
        if (cps <= n) return s;
        return s.substring(0, s.offsetByCodePoints(0, n));
    }

    /** {@code s[-n:]}. */
    public static String tail(String s, int n) {
        int cps = s.codePointCount(0, s.length());
        if (cps <= n) return s;
        return s.substring(s.offsetByCodePoints(0, cps - n));
    }

    /** {@code s.strip()}: Python's whitespace set (str.isspace), which differs from Java's {@code String.strip}. */
    public static String strip(String s) {
        int start = 0, end = s.length();
        while (start < end && isSpace(s.charAt(start))) start++;
        while (end > start && isSpace(s.charAt(end - 1))) end--;
        return s.substring(start, end);
    }

    static boolean isSpace(char c) {
        return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f
                || c == 0x3000;
    }
}
