package io.tooltune.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites what Jinjava's parser reads differently from Jinja2 in real chat templates, before Jinjava parses them:
 * <ul>
 * <li>{@code not} binds looser than comparisons and tests in Jinja2 ({@code not tools is defined},
 * {@code not message.tool_calls|length == 1}) but tightest in Jinjava: its operand, up to the next {@code and},
 * {@code or}, {@code if}, {@code else} or closing bracket, is parenthesised;</li>
 * <li>a reversing slice {@code xs[::-1]} (Jinjava has no slice step) becomes {@code xs|reverse};</li>
 * <li>each keyword argument of {@code namespace(...)} is parenthesised, since Jinjava binds {@code name=} tighter
 * than arithmetic ({@code last_query_index=messages|length - 1});</li>
 * <li>Jinja2 reads {@code spec.items} on a dict as the bound method, not the key (so {@code spec.items.type} is
 * undefined, a quirk templates show in their output): such attributes become a lookup {@link PythonResolver}
 * answers with the method;</li>
 * <li>Jinja2's {@code lstrip_blocks} (see {@link #rewriteTags});</li>
 * <li>comments become empty expressions with the comment's whitespace control, their trailing newline dropped
 * (trim_blocks): Jinjava lets a {@code -%}} before a comment strip past it, and ignores {@code -#}};</li>
 * <li>one trailing newline of the source is dropped, as Jinja2 does without {@code keep_trailing_newline}.</li>
 * </ul>
 */
final class TemplateSource {
    private TemplateSource() {}

    static String forJinjava(String source) {
        String s = source.endsWith("\r\n") ? source.substring(0, source.length() - 2)
                : source.endsWith("\n") ? source.substring(0, source.length() - 1) : source;
        return parenthesiseNamespaceArguments(rewriteTags(s).replace("[::-1]", "|reverse"));
    }

    /**
     * Applies {@link #notOperands} to the expression inside every {@code {{ }}} and {@code {% %}} tag, and
     * Jinja2's {@code lstrip_blocks}: spaces and tabs between a line's start and a block or comment tag are dropped
     * (unless the tag opens with {@code +} or {@code -}). Done here because Jinjava's own lstrip also eats spaces
     * before a tag in the middle of a line.
     */
    private static String rewriteTags(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int open = nextTag(s, i);
            if (open < 0) break;
            char kind = s.charAt(open + 1);
            String close = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
            int start = open + 2;
            int end = kind == '#' ? s.indexOf(close, start) : tagEnd(s, start, close);
            if (end < 0) break;
            String text = s.substring(i, open);
            char modifier = start < s.length() ? s.charAt(start) : ' ';
            if (kind != '{' && modifier != '+' && modifier != '-') text = lstrip(text, i == 0);
            out.append(text);
            if (kind == '#') {
                boolean trimAfter = s.charAt(end - 1) == '-';
                out.append(modifier == '-' ? "{{- ''" : "{{ ''").append(trimAfter ? " -}}" : " }}");
                i = end + close.length();
                if (!trimAfter && i < s.length() && s.charAt(i) == '\n') i++; // trim_blocks
                continue;
            }
            out.append(s, open, start);
            if (modifier == '+') start++;
            out.append(dictMethodAttributes(notOperands(s.substring(start, end))));
            i = end;
        }
        return out.append(s.substring(i)).toString();
    }

    /** {@code text} without the spaces and tabs after its last line break (or all of it, at the template's start). */
    private static String lstrip(String text, boolean atTemplateStart) {
        int lineStart = text.lastIndexOf('\n') + 1;
        if (lineStart == 0 && !atTemplateStart) return text;
        for (int k = lineStart; k < text.length(); k++) {
            if (text.charAt(k) != ' ' && text.charAt(k) != '\t') return text;
        }
        return text.substring(0, lineStart);
    }

    private static int nextTag(String s, int from) {
        for (int i = s.indexOf('{', from); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
            char c = s.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') return i;
        }
        return -1;
    }

    /** Marks an attribute that Jinja2 resolves to a dict method rather than a key (see {@link PythonResolver}). */
    static final String DICT_METHOD = "\u0000dict.";
    private static final Pattern DICT_METHOD_ATTRIBUTE = Pattern.compile(
            "\\.(items|keys|values|get|pop|copy|update|setdefault|clear|popitem)\\b(?!\\s*\\()");

    /** {@code x.items} (not called) becomes {@code x["\0dict.items"]}, outside quoted text. */
    private static String dictMethodAttributes(String expr) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int i = 0; i < expr.length(); i++) {
            if (isQuote(expr.charAt(i))) {
                i = quoteEnd(expr, i);
                continue;
            }
            Matcher m = DICT_METHOD_ATTRIBUTE.matcher(expr).region(i, expr.length());
            if (expr.charAt(i) == '.' && m.lookingAt()) {
                out.append(expr, from, i).append("[\"").append(DICT_METHOD).append(m.group(1)).append("\"]");
                from = m.end();
                i = m.end() - 1;
            }
        }
        return out.append(expr.substring(from)).toString();
    }

    /** Where {@code close} ends the tag begun at {@code from}, outside quoted text; -1 if nowhere. */
    private static int tagEnd(String s, int from, String close) {
        for (int i = from; i < s.length(); i++) {
            if (isQuote(s.charAt(i))) i = quoteEnd(s, i);
            else if (s.startsWith(close, i)) return i;
        }
        return -1;
    }

    private static boolean isQuote(char c) {
        return c == '\'' || c == '"';
    }

    /** The index of the quote closing the string literal opened at {@code open} (the last index if it never closes). */
    private static int quoteEnd(String s, int open) {
        char quote = s.charAt(open);
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') i++;
            else if (c == quote) return i;
        }
        return s.length() - 1;
    }

    /** +1 for an opening bracket, -1 for a closing one, else 0. */
    private static int nesting(char c) {
        return c == '(' || c == '[' || c == '{' ? 1 : c == ')' || c == ']' || c == '}' ? -1 : 0;
    }

    /** {@code not X} becomes {@code not (X)}, X running to the next {@code and}/{@code or}/{@code if}/{@code else} or closing bracket at its level. */
    static String notOperands(String expr) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < expr.length()) {
            int at = nextWord(expr, i, "not");
            if (at < 0) break;
            int operand = at + 3;
            String before = expr.substring(0, at).stripTrailing();
            String after = expr.substring(operand).stripLeading();
            boolean operator = before.endsWith(" is") || after.startsWith("in ") || after.startsWith("in(");
            if (operator) {
                out.append(expr, i, operand);
                i = operand;
                continue;
            }
            int end = operandEnd(expr, operand);
            out.append(expr, i, operand).append(" (").append(notOperands(expr.substring(operand, end)).strip()).append(')');
            if (end < expr.length() && !Character.isWhitespace(expr.charAt(end))) out.append(' ');
            i = end;
        }
        return out.append(expr.substring(i)).toString();
    }

    /** The next {@code word} at or after {@code from} standing alone (not part of a name), outside quoted text. */
    private static int nextWord(String s, int from, String word) {
        for (int i = from; i < s.length(); i++) {
            if (isQuote(s.charAt(i))) i = quoteEnd(s, i);
            else if (s.startsWith(word, i) && standsAlone(s, i, word.length())) return i;
        }
        return -1;
    }

    /** Where {@code word} stands alone outside quotes and brackets in {@code s}; -1 if nowhere. */
    static int topLevelWord(String s, String word) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isQuote(c)) i = quoteEnd(s, i);
            else if (nesting(c) != 0) depth += nesting(c);
            else if (depth == 0 && s.startsWith(word, i) && standsAlone(s, i, word.length())) return i;
        }
        return -1;
    }

    private static boolean standsAlone(String s, int at, int length) {
        return (at == 0 || !isNameChar(s.charAt(at - 1)) && s.charAt(at - 1) != '.')
                && (at + length >= s.length() || !isNameChar(s.charAt(at + length)));
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static int operandEnd(String s, int from) {
        int depth = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isQuote(c)) {
                i = quoteEnd(s, i);
            } else if (nesting(c) != 0 || c == ',') {
                if (depth == 0 && (nesting(c) < 0 || c == ',')) return i;
                depth += nesting(c);
            } else if (depth == 0 && isNameChar(c) && (i == 0 || !isNameChar(s.charAt(i - 1)))) {
                for (String stop : new String[] {"and", "or", "if", "else"}) {
                    if (s.startsWith(stop, i) && standsAlone(s, i, stop.length())) return i;
                }
            }
        }
        // a whitespace-control '-' before the tag's end belongs to the tag
        String rest = s.stripTrailing();
        return rest.endsWith("-") && rest.length() - 1 >= from ? rest.length() - 1 : s.length();
    }

    private static String parenthesiseNamespaceArguments(String s) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        int at;
        while ((at = s.indexOf("namespace(", from)) >= 0) {
            int open = at + "namespace(".length();
            List<String> args = new ArrayList<>();
            int close = arguments(s, open, args);
            if (close < 0) break;
            out.append(s, from, open);
            for (int i = 0; i < args.size(); i++) {
                if (i > 0) out.append(',');
                out.append(parenthesiseValue(args.get(i)));
            }
            out.append(')');
            from = close + 1;
        }
        return out.append(s.substring(from)).toString();
    }

    private static String parenthesiseValue(String arg) {
        int eq = arg.indexOf('=');
        boolean keyword = eq > 0 && arg.substring(0, eq).strip().matches("[A-Za-z_][A-Za-z0-9_]*")
                && (eq + 1 >= arg.length() || arg.charAt(eq + 1) != '=');
        if (!keyword) return arg;
        return arg.substring(0, eq + 1) + "(" + arg.substring(eq + 1).strip() + ")";
    }

    /**
     * Splits the call arguments starting at {@code from} (just after the '(') on top-level commas into {@code args};
     * returns the index of the closing ')', or -1 if the call does not close.
     */
    private static int arguments(String s, int from, List<String> args) {
        int depth = 0;
        int start = from;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isQuote(c)) {
                i = quoteEnd(s, i);
            } else if (depth == 0 && (c == ',' || c == ')')) {
                args.add(s.substring(start, i));
                start = i + 1;
                if (c == ')') return i;
            } else {
                depth += nesting(c);
                if (depth < 0) return -1;
            }
        }
        return -1;
    }
}
