package io.tooltune.chat;

import io.tooltune.data.python.PythonJson;
import io.tooltune.data.python.PythonRepr;

import java.util.Map;

/**
 * The {@code tojson} filter of transformers' template environment:
 * {@code json.dumps(x, ensure_ascii=False, indent=indent, separators=separators, sort_keys=False)} over template
 * values (maps keep insertion order). Non-ASCII text stays as is; only quotes, backslashes and control characters
 * are escaped.
 */
final class TemplateJson {
    private TemplateJson() {}

    /**
     * @param indent {@code null} for one line; else spaces per level (a string is used as the indent itself)
     * @param itemSeparator Python's default is {@code ", "} on one line, {@code ","} with an indent
     */
    static String dumps(Object value, Object indent, String itemSeparator, String keySeparator) {
        String unit = indent == null ? null : indent instanceof Number n ? " ".repeat(Math.max(0, n.intValue())) : indent.toString();
        String items = itemSeparator != null ? itemSeparator : unit == null ? ", " : ",";
        String keys = keySeparator != null ? keySeparator : ": ";
        StringBuilder sb = new StringBuilder();
        write(sb, value, unit, items, keys, 0);
        return sb.toString();
    }

    static String dumps(Object value) {
        return dumps(value, null, null, null);
    }

    private static void write(StringBuilder sb, Object v, String unit, String items, String keys, int level) {
        switch (v) {
            case null -> sb.append("null");
            case Boolean b -> sb.append(b ? "true" : "false");
            case Double d -> sb.append(floatText(d));
            case Float f -> sb.append(floatText(f.doubleValue()));
            case Number n -> sb.append(n);
            case Map<?, ?> m -> {
                if (m.isEmpty()) {
                    sb.append("{}");
                    return;
                }
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) sb.append(items);
                    first = false;
                    newline(sb, unit, level + 1);
                    string(sb, String.valueOf(e.getKey()));
                    sb.append(keys);
                    write(sb, e.getValue(), unit, items, keys, level + 1);
                }
                newline(sb, unit, level);
                sb.append('}');
            }
            case Iterable<?> list -> {
                if (!list.iterator().hasNext()) {
                    sb.append("[]");
                    return;
                }
                sb.append('[');
                boolean first = true;
                for (Object o : list) {
                    if (!first) sb.append(items);
                    first = false;
                    newline(sb, unit, level + 1);
                    write(sb, o, unit, items, keys, level + 1);
                }
                newline(sb, unit, level);
                sb.append(']');
            }
            default -> string(sb, v.toString());
        }
    }

    private static String floatText(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        return PythonRepr.floatRepr(d);
    }

    private static void newline(StringBuilder sb, String unit, int level) {
        if (unit != null) sb.append('\n').append(unit.repeat(level));
    }

    static void string(StringBuilder sb, String s) {
        PythonJson.string(sb, s, false);
    }
}
