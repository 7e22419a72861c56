package io.tooltune.eval.bfcl;

import java.math.BigInteger;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * CPython's tokenizer for one expression ({@code eval} mode): names, numbers, string literals with their prefixes
 * and escapes, operators; newlines inside brackets, comments and backslash continuations are skipped. Anything
 * CPython would reject raises {@link PySyntaxError}.
 */
final class PyLexer {
    enum Kind { NAME, NUMBER, STRING, OP, NEWLINE, END }

    /** {@code value}: the number's value, or the string's decoded text; {@code prefix}: a string's lower-cased prefix. */
    record Token(Kind kind, String text, Object value, String prefix, int start, int end) {
        boolean is(String s) {
            return (kind == Kind.OP || kind == Kind.NAME) && text.equals(s);
        }
    }

    static final Set<String> KEYWORDS = Set.of("False", "None", "True", "and", "as", "assert", "async", "await",
            "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
            "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
            "with", "yield");

    private static final String[] OPERATORS = {"**=", "//=", ">>=", "<<=", "...", "**", "//", "<<", ">>", "<=", ">=",
            "==", "!=", "->", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
            "+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":", ".",
            ";", "="};

    /** CPython's tokenizer refuses brackets nested deeper than this (MAXLEVEL). */
    private static final int MAX_DEPTH = 200;

    private final String s;
    private int i;
    private int depth;
    private final List<Token> out = new ArrayList<>();

    private PyLexer(String s) {
        this.s = s;
    }

    static List<Token> tokenize(String source) {
        if (source.indexOf('\0') >= 0) throw new PySyntaxError("source code string cannot contain null bytes");
        // CPython reads source with universal newlines
        PyLexer lx = new PyLexer(source.replace("\r\n", "\n").replace('\r', '\n'));
        lx.run();
        return lx.out;
    }

    private void run() {
        if (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) throw new PySyntaxError("unexpected indent");
        while (true) {
            skipBlank();
            if (i >= s.length()) break;
            char c = s.charAt(i);
            int start = i;
            if (c == '\n' || c == '\r') {
                i += (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') ? 2 : 1;
                if (depth == 0) out.add(new Token(Kind.NEWLINE, "\n", null, null, start, i));
                continue;
            }
            if (Character.isDigit(c) && c < 128 || (c == '.' && i + 1 < s.length() && isAsciiDigit(s.charAt(i + 1)))) {
                number();
            } else if (isStringStart()) {
                string();
            } else if (isIdStart(s.codePointAt(i))) {
                name();
            } else {
                operator();
            }
        }
        out.add(new Token(Kind.END, "", null, null, s.length(), s.length()));
    }

    private void skipBlank() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\f') {
                i++;
            } else if (c == '#') {
                while (i < s.length() && s.charAt(i) != '\n' && s.charAt(i) != '\r') i++;
            } else if (c == '\\') {
                int j = i + 1;
                if (j < s.length() && s.charAt(j) == '\r') j++;
                if (j < s.length() && s.charAt(j) == '\n') j++;
                if (j == i + 1) throw new PySyntaxError("unexpected character after line continuation character");
                i = j;
            } else if ((c == '\n' || c == '\r') && depth > 0) {
                i++;
            } else {
                return;
            }
        }
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isIdStart(int cp) {
        return cp == '_' || (cp < 128 ? Character.isLetter(cp) : Character.isUnicodeIdentifierStart(cp));
    }

    private static boolean isIdPart(int cp) {
        if (cp < 128) return cp == '_' || Character.isLetterOrDigit(cp);
        return Character.isUnicodeIdentifierPart(cp) && !Character.isIdentifierIgnorable(cp);
    }

    private void name() {
        int start = i;
        while (i < s.length() && isIdPart(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
        String text = s.substring(start, i);
        for (int k = 0; k < text.length(); k++) {
            if (text.charAt(k) >= 128) {
                text = Normalizer.normalize(text, Normalizer.Form.NFKC); // Python normalises identifiers
                break;
            }
        }
        out.add(new Token(Kind.NAME, text, null, null, start, i));
    }

    private void operator() {
        for (String op : OPERATORS) {
            if (s.startsWith(op, i)) {
                int start = i;
                i += op.length();
                if (op.equals("(") || op.equals("[") || op.equals("{")) {
                    if (depth >= MAX_DEPTH) throw new PySyntaxError("too many nested parentheses");
                    depth++;
                }
                if (op.equals(")") || op.equals("]") || op.equals("}")) {
                    if (depth == 0) throw new PySyntaxError("unmatched '" + op + "'");
                    depth--;
                }
                out.add(new Token(Kind.OP, op, null, null, start, i));
                return;
            }
        }
        throw new PySyntaxError("invalid character '" + s.charAt(i) + "'");
    }

    // ---- numbers

    private void number() {
        int start = i;
        char c = s.charAt(i);
        if (c == '0' && i + 1 < s.length() && "xXoObB".indexOf(s.charAt(i + 1)) >= 0) {
            char kind = Character.toLowerCase(s.charAt(i + 1));
            int radix = kind == 'x' ? 16 : kind == 'o' ? 8 : 2;
            i += 2;
            StringBuilder digits = new StringBuilder();
            while (i < s.length()) {
                char d = s.charAt(i);
                if (d == '_' && i + 1 < s.length() && Character.digit(s.charAt(i + 1), radix) >= 0) {
                    i++;
                    continue;
                }
                if (d >= 128 || Character.digit(d, radix) < 0) break;
                digits.append(d);
                i++;
            }
            if (digits.isEmpty()) throw new PySyntaxError("invalid literal");
            afterNumber();
            out.add(new Token(Kind.NUMBER, s.substring(start, i), new BigInteger(digits.toString(), radix), null, start, i));
            return;
        }
        StringBuilder text = new StringBuilder();
        digitPart(text);
        boolean isFloat = false;
        if (i < s.length() && s.charAt(i) == '.') {
            isFloat = true;
            text.append('.');
            i++;
            if (i < s.length() && isAsciiDigit(s.charAt(i))) digitPart(text);
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            int save = i;
            StringBuilder exp = new StringBuilder("e");
            i++;
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) exp.append(s.charAt(i++));
            if (i < s.length() && isAsciiDigit(s.charAt(i))) {
                digitPart(exp);
                text.append(exp);
                isFloat = true;
            } else {
                i = save;
            }
        }
        Object value;
        if (i < s.length() && (s.charAt(i) == 'j' || s.charAt(i) == 'J')) {
            i++;
            value = new Py.Other("complex", Double.toString(Double.parseDouble(text.toString())));
        } else if (isFloat) {
            value = Double.parseDouble(text.toString());
        } else {
            String t = text.toString();
            if (t.length() > 1 && t.charAt(0) == '0' && !t.chars().allMatch(ch -> ch == '0')) {
                throw new PySyntaxError("leading zeros in decimal integer literals are not permitted");
            }
            value = new BigInteger(t);
        }
        afterNumber();
        out.add(new Token(Kind.NUMBER, s.substring(start, i), value, null, start, i));
    }

    /** Digits with single underscores between them. */
    private void digitPart(StringBuilder text) {
        while (i < s.length()) {
            char d = s.charAt(i);
            if (isAsciiDigit(d)) {
                text.append(d);
                i++;
            } else if (d == '_' && i + 1 < s.length() && isAsciiDigit(s.charAt(i + 1)) && i > 0 && isAsciiDigit(s.charAt(i - 1))) {
                i++;
            } else {
                break;
            }
        }
    }

    private void afterNumber() {
        if (i < s.length() && isIdPart(s.codePointAt(i))) throw new PySyntaxError("invalid decimal literal");
    }

    // ---- strings

    private boolean isStringStart() {
        int j = i;
        while (j < s.length() && j - i < 2 && "rRbBuUfF".indexOf(s.charAt(j)) >= 0) j++;
        for (int end = j; end >= i; end--) {
            if (end < s.length() && (s.charAt(end) == '\'' || s.charAt(end) == '"') && validPrefix(s.substring(i, end))) return true;
        }
        return false;
    }

    private static boolean validPrefix(String p) {
        return switch (p.toLowerCase()) {
            case "", "r", "u", "b", "br", "rb", "f", "fr", "rf" -> true;
            default -> false;
        };
    }

    private void string() {
        int start = i;
        int q = i;
        while (s.charAt(q) != '\'' && s.charAt(q) != '"') q++;
        String prefix = s.substring(i, q).toLowerCase();
        char quote = s.charAt(q);
        boolean triple = s.startsWith(String.valueOf(quote).repeat(3), q);
        i = q + (triple ? 3 : 1);
        int bodyStart = i;
        while (true) {
            if (i >= s.length()) throw new PySyntaxError("unterminated string literal");
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (!triple && (c == '\n' || c == '\r')) throw new PySyntaxError("unterminated string literal");
            if (c == quote && (!triple || s.startsWith(String.valueOf(quote).repeat(3), i))) break;
            i++;
        }
        String body = s.substring(bodyStart, i);
        i += triple ? 3 : 1;
        boolean raw = prefix.contains("r"), bytes = prefix.contains("b");
        if (bytes && !body.chars().allMatch(ch -> ch < 128)) throw new PySyntaxError("bytes can only contain ASCII literal characters");
        String value = raw ? body : unescape(body, bytes);
        out.add(new Token(Kind.STRING, s.substring(start, i), value, prefix, start, i));
    }

    private static String unescape(String body, boolean bytes) {
        StringBuilder sb = new StringBuilder(body.length());
        int k = 0;
        while (k < body.length()) {
            char c = body.charAt(k++);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = body.charAt(k++);
            switch (e) {
                case '\n' -> { }
                case '\r' -> { if (k < body.length() && body.charAt(k) == '\n') k++; }
                case '\\', '\'', '"' -> sb.append(e);
                case 'a' -> sb.append('\u0007');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'v' -> sb.append('\u000b');
                case 'x' -> {
                    sb.appendCodePoint(hex(body, k, 2, "\\xXX"));
                    k += 2;
                }
                case 'u', 'U', 'N' -> {
                    if (bytes) {
                        sb.append('\\').append(e);
                    } else if (e == 'N') {
                        int close = body.indexOf('}', k);
                        if (k >= body.length() || body.charAt(k) != '{' || close < 0) throw new PySyntaxError("malformed \\N character escape");
                        try {
                            sb.appendCodePoint(Character.codePointOf(body.substring(k + 1, close)));
                        } catch (IllegalArgumentException ex) {
                            throw new PySyntaxError("unknown Unicode character name");
                        }
                        k = close + 1;
                    } else {
                        int n = e == 'u' ? 4 : 8;
                        int cp = hex(body, k, n, "\\" + e);
                        if (cp > 0x10FFFF) throw new PySyntaxError("illegal Unicode character");
                        sb.appendCodePoint(cp);
                        k += n;
                    }
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0', n = 1;
                        while (n < 3 && k < body.length() && body.charAt(k) >= '0' && body.charAt(k) <= '7') {
                            v = v * 8 + (body.charAt(k++) - '0');
                            n++;
                        }
                        sb.appendCodePoint(v);
                    } else {
                        sb.append('\\').append(e); // Python keeps unknown escapes (with a warning)
                    }
                }
            }
        }
        return sb.toString();
    }

    private static int hex(String body, int at, int n, String what) {
        if (at + n > body.length()) throw new PySyntaxError("truncated " + what + " escape");
        long v = 0;
        for (int k = at; k < at + n; k++) {
            int d = Character.digit(body.charAt(k), 16);
            if (d < 0 || body.charAt(k) >= 128) throw new PySyntaxError("truncated " + what + " escape");
            v = v * 16 + d;
        }
        return v > 0x10FFFF ? Integer.MAX_VALUE : (int) v;
    }
}
