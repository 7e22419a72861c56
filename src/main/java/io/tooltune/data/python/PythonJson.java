package io.tooltune.data.python;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.tooltune.Json;

import java.util.Iterator;
import java.util.Map;

/**
 * JSON text as Python writes it. {@link #dumps} is {@code json.dumps} with its defaults (ensure_ascii, ", " and
 * ": " separators, or an indent): ToolBench's observations, diversity prompts and ToolEval's judge prompts embed
 * this exact text. {@link #writer} is the file layout of {@code json.dump(obj, f, indent=n, ensure_ascii=False)}
 * that ToolBench's data files use: {@code "key": value}, empty containers as {@code []} / {@code {}}.
 */
public final class PythonJson {
    private PythonJson() {}

    public static String dumps(JsonNode node) {
        return dumps(node, -1);
    }

    /** {@code indent < 0} is Python's {@code indent=None}. */
    public static String dumps(JsonNode node, int indent) {
        StringBuilder sb = new StringBuilder();
        write(sb, node, indent, 0);
        return sb.toString();
    }

    /** A writer for files laid out as {@code json.dump(indent=n, ensure_ascii=False)}. */
    public static ObjectWriter writer(int indent) {
        return Json.MAPPER.writer(prettyPrinter(indent));
    }

    /** The pretty printer of that layout, for streaming writers. */
    public static DefaultPrettyPrinter prettyPrinter(int indent) {
        DefaultIndenter ind = new DefaultIndenter(" ".repeat(indent), "\n");
        Separators seps = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("").withArrayEmptySeparator("");
        return new DefaultPrettyPrinter(seps).withObjectIndenter(ind).withArrayIndenter(ind);
    }

    private static void write(StringBuilder sb, JsonNode n, int indent, int level) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            sb.append("null");
        } else if (n.isObject() || n.isArray()) {
            boolean obj = n.isObject();
            if (n.isEmpty()) {
                sb.append(obj ? "{}" : "[]");
                return;
            }
            sb.append(obj ? '{' : '[');
            boolean first = true;
            Iterator<Map.Entry<String, JsonNode>> fields = obj ? n.fields() : null;
            Iterator<JsonNode> items = obj ? null : n.elements();
            while (obj ? fields.hasNext() : items.hasNext()) {
                if (!first) sb.append(indent < 0 ? ", " : ",");
                first = false;
                if (indent >= 0) sb.append('\n').append(" ".repeat(indent * (level + 1)));
                if (obj) {
                    Map.Entry<String, JsonNode> e = fields.next();
                    string(sb, e.getKey());
                    sb.append(": ");
                    write(sb, e.getValue(), indent, level + 1);
                } else {
                    write(sb, items.next(), indent, level + 1);
                }
            }
            if (indent >= 0) sb.append('\n').append(" ".repeat(indent * level));
            sb.append(obj ? '}' : ']');
        } else if (n.isTextual()) {
            string(sb, n.textValue());
        } else if (n.isBoolean()) {
            sb.append(n.booleanValue() ? "true" : "false");
        } else if (n.isIntegralNumber()) {
            sb.append(n.bigIntegerValue());
        } else if (n.isNumber()) {
            double d = n.doubleValue();
            sb.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : PythonRepr.floatRepr(d));
        } else {
            string(sb, n.asText());
        }
    }

    private static void string(StringBuilder sb, String s) {
        string(sb, s, true);
    }

    /** A JSON string as Python's json.dumps writes it; {@code ensureAscii} false keeps non-ASCII characters as they are. */
    public static void string(StringBuilder sb, String s, boolean ensureAscii) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || (ensureAscii && c > 0x7e)) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
