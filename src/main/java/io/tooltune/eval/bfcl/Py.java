package io.tooltune.eval.bfcl;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python values as BFCL's checker sees them, in plain Java objects: str {@link String}, int {@link BigInteger},
 * float {@link Double}, bool {@link Boolean}, None {@link #NONE}, list {@link List}, tuple {@link Tuple}, dict
 * {@link Map} (insertion order), and {@link Other} for the rest (bytes, complex). The checker compares Python types
 * exactly ({@code type(x) == int} is false for a bool) and values with Python's {@code ==} ({@code 5 == 5.0 == True}
 * is not, {@code 1 == True} is), so both are spelled out here.
 */
final class Py {
    private Py() {}

    /** Python's None. */
    enum NoneType { NONE }

    static final NoneType NONE = NoneType.NONE;

    /** A tuple: equal only to tuples. */
    record Tuple(List<Object> items) {}

    /** A value the checker only ever compares (bytes, complex): equal when type and repr are. */
    record Other(String type, String repr) {}

    /** {@code type(v).__name__}. */
    static String type(Object v) {
        if (v instanceof String) return "str";
        if (v instanceof BigInteger) return "int";
        if (v instanceof Double) return "float";
        if (v instanceof Boolean) return "bool";
        if (v == NONE) return "NoneType";
        if (v instanceof List<?>) return "list";
        if (v instanceof Tuple) return "tuple";
        if (v instanceof Map<?, ?>) return "dict";
        if (v instanceof Other o) return o.type();
        throw new IllegalArgumentException("not a Python value: " + v);
    }

    /** Python's {@code a == b}. */
    static boolean eq(Object a, Object b) {
        if (isNumber(a) && isNumber(b)) return numericEq(a, b);
        if (a instanceof String s) return s.equals(b);
        if (a instanceof List<?> x && b instanceof List<?> y) return seqEq(x, y);
        if (a instanceof Tuple x && b instanceof Tuple y) return seqEq(x.items(), y.items());
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) return false;
            for (Map.Entry<?, ?> e : x.entrySet()) {
                Object key = findKey(y, e.getKey());
                if (key == null || !eq(e.getValue(), y.get(key))) return false;
            }
            return true;
        }
        return a.equals(b);
    }

    private static boolean seqEq(List<?> x, List<?> y) {
        if (x.size() != y.size()) return false;
        for (int i = 0; i < x.size(); i++) if (!eq(x.get(i), y.get(i))) return false;
        return true;
    }

    static boolean isNumber(Object v) {
        return v instanceof BigInteger || v instanceof Double || v instanceof Boolean;
    }

    private static boolean numericEq(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) return x.doubleValue() == y.doubleValue();
        if (a instanceof Double x) return floatEqInt(x, toInt(b));
        if (b instanceof Double y) return floatEqInt(y, toInt(a));
        return toInt(a).equals(toInt(b));
    }

    private static boolean floatEqInt(double d, BigInteger i) {
        if (Double.isNaN(d) || Double.isInfinite(d)) return false;
        return new BigDecimal(d).compareTo(new BigDecimal(i)) == 0;
    }

    /** An int or bool as an int. */
    static BigInteger toInt(Object v) {
        if (v instanceof Boolean b) return b ? BigInteger.ONE : BigInteger.ZERO;
        return (BigInteger) v;
    }

    /** The key of {@code map} that equals {@code key} in Python's sense, or null. */
    static Object findKey(Map<?, ?> map, Object key) {
        if (map.containsKey(key)) return key;
        if (key instanceof String) return null; // a str equals only the same str
        for (Object k : map.keySet()) if (eq(k, key)) return k;
        return null;
    }

    /** {@code d[key] = value} with Python's key equality (the first equal key stays, its value is replaced). */
    static void put(Map<Object, Object> d, Object key, Object value) {
        Object existing = findKey(d, key);
        d.put(existing != null ? existing : key, value);
    }

    /** Python's {@code item in container} for a list, tuple, str (substring) or dict (key); false for the rest. */
    static boolean in(Object item, Object container) {
        if (container instanceof List<?> l) {
            for (Object o : l) if (eq(o, item)) return true;
            return false;
        }
        if (container instanceof Tuple t) return in(item, t.items());
        if (container instanceof String s) return item instanceof String i && s.contains(i);
        if (container instanceof Map<?, ?> m) return findKey(m, item) != null;
        return false;
    }

    /** {@code json.loads} of a JSON value: ints stay int, numbers with a fraction or exponent are floats. */
    static Object fromJson(JsonNode n) {
        if (n == null || n.isNull()) return NONE;
        if (n.isTextual()) return n.textValue();
        if (n.isBoolean()) return n.booleanValue();
        if (n.isIntegralNumber()) return n.bigIntegerValue();
        if (n.isNumber()) return n.doubleValue();
        if (n.isArray()) {
            List<Object> out = new ArrayList<>(n.size());
            for (JsonNode e : n) out.add(fromJson(e));
            return out;
        }
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), fromJson(e.getValue()));
        }
        return out;
    }
}
