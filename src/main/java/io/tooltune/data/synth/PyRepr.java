package io.tooltune.data.synth;

import java.util.Map;

/** Python repr of a flat argument dict: the virtual server's cache key (spec §5). */
final class PyRepr {
    private PyRepr() {}

    static String dict(Map<String, ?> args) {
        StringBuilder b = new StringBuilder("{");
        for (var e : args.entrySet()) {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append(str(e.getKey())).append(": ").append(value(e.getValue()));
        }
        return b.append('}').toString();
    }

    private static String value(Object v) {
        if (v instanceof String s) {
            return str(s);
        }
        if (v instanceof Boolean bool) {
            return bool ? "True" : "False";
        }
        return v == null ? "None" : String.valueOf(v);
    }

    private static String str(String s) {
        char q = s.contains("'") && !s.contains("\"") ? '"' : '\'';
        StringBuilder b = new StringBuilder().append(q);
        for (char c : s.toCharArray()) {
            if (c == q || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append(q).toString();
    }
}
