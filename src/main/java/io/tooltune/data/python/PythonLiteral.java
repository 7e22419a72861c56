package io.tooltune.data.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigInteger;

/**
 * Reads Python literals (the output of {@link PythonRepr}: dict, list, tuple, str, int, float, True/False/None)
 * back into JSON. Older ToolEval files store tool messages as {@code str(dict)} cut to 100 characters, so
 * {@link #parsePrefix} also accepts a cut-off literal, closing what is open and saying that it did.
 */
public final class PythonLiteral {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** A parsed value and whether the text ended before the literal was complete. */
    public record Parsed(JsonNode value, boolean truncated) {}

    private final String s;
    private int i;
    private boolean truncated;

    private PythonLiteral(String s) {
        this.s = s;
    }

    /** Parses a complete literal; throws IllegalArgumentException on anything else. */
    public static JsonNode parse(String text) {
        Parsed p = parsePrefix(text);
        if (p.truncated()) throw new IllegalArgumentException("incomplete Python literal");
        return p.value();
    }

    /** Parses a literal that may have been cut off at the end. */
    public static Parsed parsePrefix(String text) {
        PythonLiteral p = new PythonLiteral(text);
        p.ws();
        JsonNode v = p.value();
        p.ws();
        if (!p.truncated && p.i < p.s.length()) throw new IllegalArgumentException("unexpected text at " + p.i);
        return new Parsed(v, p.truncated);
    }

    private boolean atEnd() {
        if (i >= s.length()) {
            truncated = true;
            return true;
        }
        return false;
    }

    private void ws() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    private JsonNode value() {
        if (atEnd()) return F.nullNode();
        char c = s.charAt(i);
        if (c == '{') return dict();
        if (c == '[' || c == '(') return list(c == '[' ? ']' : ')');
        if (c == '\'' || c == '"') return F.textNode(string());
        if (s.startsWith("True", i)) { i += 4; return F.booleanNode(true); }
        if (s.startsWith("False", i)) { i += 5; return F.booleanNode(false); }
        if (s.startsWith("None", i)) { i += 4; return F.nullNode(); }
        return number();
    }

    private ObjectNode dict() {
        ObjectNode o = F.objectNode();
        i++;
        while (true) {
            ws();
            if (atEnd()) return o;
            if (s.charAt(i) == '}') { i++; return o; }
            JsonNode key = value();
            if (truncated) return o;
            ws();
            if (atEnd()) return o;
            expect(':');
            ws();
            JsonNode v = value();
            o.set(key.isTextual() ? key.textValue() : key.toString(), v);
            if (truncated) return o;
            ws();
            if (atEnd()) return o;
            if (s.charAt(i) == ',') i++;
            else if (s.charAt(i) != '}') throw new IllegalArgumentException("expected ',' or '}' at " + i);
        }
    }

    private ArrayNode list(char close) {
        ArrayNode a = F.arrayNode();
        i++;
        while (true) {
            ws();
            if (atEnd()) return a;
            if (s.charAt(i) == close) { i++; return a; }
            a.add(value());
            if (truncated) return a;
            ws();
            if (atEnd()) return a;
            if (s.charAt(i) == ',') i++;
            else if (s.charAt(i) != close) throw new IllegalArgumentException("expected ',' or '" + close + "' at " + i);
        }
    }

    private void expect(char c) {
        if (s.charAt(i) != c) throw new IllegalArgumentException("expected '" + c + "' at " + i);
        i++;
    }

    private String string() {
        char q = s.charAt(i++);
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (atEnd()) return sb.toString();
            char c = s.charAt(i++);
            if (c == q) return sb.toString();
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (atEnd()) return sb.toString();
            char e = s.charAt(i++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'x' -> sb.appendCodePoint(hex(2));
                case 'u' -> sb.appendCodePoint(hex(4));
                case 'U' -> sb.appendCodePoint(hex(8));
                case '\\', '\'', '"' -> sb.append(e);
                case '0' -> sb.append('\0');
                default -> sb.append('\\').append(e); // Python keeps unknown escapes verbatim
            }
            if (truncated) return sb.toString();
        }
    }

    private int hex(int n) {
        if (i + n > s.length()) {
            i = s.length();
            truncated = true;
            return 0xfffd;
        }
        int v = Integer.parseInt(s.substring(i, i + n), 16);
        i += n;
        return v;
    }

    private JsonNode number() {
        int start = i;
        while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
        String t = s.substring(start, i);
        if (t.isEmpty()) throw new IllegalArgumentException("unexpected '" + s.charAt(start) + "' at " + start);
        if (t.contains(".") || t.contains("e") || t.contains("E")) return F.numberNode(Double.parseDouble(t));
        BigInteger b = new BigInteger(t);
        // the node types Jackson itself would give the same JSON number
        if (b.bitLength() < 32) return F.numberNode(b.intValue());
        return b.bitLength() < 64 ? F.numberNode(b.longValue()) : F.numberNode(b);
    }
}
