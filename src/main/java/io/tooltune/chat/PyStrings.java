package io.tooltune.chat;

import java.util.ArrayList;
import java.util.List;

/** Python {@code str} methods with CPython's semantics (whitespace set, split keeping empty fields, maxsplit). */
final class PyStrings {
    private PyStrings() {}

    static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85 || (c >= 0x1c && c <= 0x1f);
    }

    /** {@code s.strip(chars)}; {@code chars == null} strips whitespace. */
    static String strip(String s, String chars, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        while (left && start < end && stripped(s.charAt(start), chars)) start++;
        while (right && end > start && stripped(s.charAt(end - 1), chars)) end--;
        return s.substring(start, end);
    }

    private static boolean stripped(char c, String chars) {
        return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
    }

    /** {@code s.split(sep, maxsplit)}; {@code sep == null} splits on runs of whitespace, dropping empty fields. */
    static List<String> split(String s, String sep, int maxsplit) {
        List<String> out = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && isSpace(s.charAt(i))) i++;
                if (i >= n) break;
                if (maxsplit >= 0 && out.size() == maxsplit) {
                    out.add(strip(s.substring(i), null, false, true));
                    break;
                }
                int j = i;
                while (j < n && !isSpace(s.charAt(j))) j++;
                out.add(s.substring(i, j));
                i = j;
            }
            return out;
        }
        if (sep.isEmpty()) throw new IllegalArgumentException("empty separator");
        int from = 0;
        int at;
        while ((maxsplit < 0 || out.size() < maxsplit) && (at = s.indexOf(sep, from)) >= 0) {
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    /** {@code s.replace(old, new, count)}; {@code count < 0} replaces all, as Python does. */
    static String replace(String s, String old, String replacement, int count) {
        if (count < 0) return s.replace(old, replacement);
        StringBuilder sb = new StringBuilder();
        int from = 0;
        int done = 0;
        int at;
        while (done < count && (at = s.indexOf(old, from)) >= 0) {
            sb.append(s, from, at).append(replacement);
            from = at + old.length();
            done++;
            if (old.isEmpty()) {
                if (from >= s.length()) break;
                sb.append(s.charAt(from++));
            }
        }
        return sb.append(s.substring(Math.min(from, s.length()))).toString();
    }

    /** {@code s.splitlines()}: split at line boundaries (\\n, \\r, \\r\\n and Python's other separators), dropping them. */
    static List<String> splitlines(String s) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || (c >= 0x1c && c <= 0x1e) || c == 0x85 || c == 0x2028 || c == 0x2029) {
                lines.add(s.substring(start, i));
                if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') i++;
                start = i + 1;
            }
        }
        if (start < s.length()) lines.add(s.substring(start));
        return lines;
    }

    /** Jinja2's {@code indent} filter: every line after the first (and the first too with {@code first}) indented; blank lines only with {@code blank}. */
    static String indent(String s, String indent, boolean first, boolean blank) {
        List<String> lines = splitlines(s + "\n");
        StringBuilder out = new StringBuilder(lines.isEmpty() ? "" : lines.get(0));
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            out.append('\n').append(blank || !line.isEmpty() ? indent + line : line);
        }
        return first ? indent + out : out.toString();
    }

    /** {@code s.title()}: upper case after every non-letter, lower case elsewhere. */
    static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean prevCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(prevCased ? Character.toLowerCase(c) : Character.toTitleCase(c));
            prevCased = Character.isLetter(c);
        }
        return sb.toString();
    }

    static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toTitleCase(s.charAt(0)) + s.substring(1).toLowerCase();
    }
}
