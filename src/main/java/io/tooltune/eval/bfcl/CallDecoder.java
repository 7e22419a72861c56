package io.tooltune.eval.bfcl;

import io.tooltune.data.python.PythonStr;
import io.tooltune.eval.bfcl.PyNode.*;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BFCL's prompt-mode decoder ({@code default_decode_ast_prompting} + {@code ast_parse}): the raw output is trimmed,
 * bracketed and parsed as one Python expression whose elements must all be calls; each call keeps only its keyword
 * arguments, valued by BFCL's {@code resolve_ast_by_type} (a unary operator negates a literal whatever the operator,
 * a bare name is its text, a nested call without keywords and a subscript become source text, a binary operation
 * is evaluated). Any failure is a {@link PySyntaxError}.
 */
final class CallDecoder {
    /** One decoded call: {@code args} maps keyword (None for {@code **x}) to value, in first-seen order. */
    record DecodedCall(String name, Map<Object, Object> args) {}

    private CallDecoder() {}

    static List<DecodedCall> decode(String output) {
        String s = strip(output, "`\n ");
        if (!s.startsWith("[")) s = "[" + s;
        if (!s.endsWith("]")) s = s + "]";
        s = strip(PythonStr.strip(s), "'");
        PyNode body = PyParser.parseExpression(s);
        List<PyNode> elements = switch (body) {
            case Call c -> List.of(c);
            case ListDisplay l -> l.elts();
            case TupleDisplay t -> t.elts();
            case SetDisplay set -> set.elts();
            default -> throw new PySyntaxError("'" + body.getClass().getSimpleName() + "' object has no attribute 'elts'");
        };
        List<DecodedCall> calls = new ArrayList<>(elements.size());
        for (PyNode e : elements) {
            if (!(e instanceof Call c)) throw new PySyntaxError("element is not a call");
            calls.add(call(c));
        }
        return calls;
    }

    /** Python's {@code s.strip(chars)}. */
    static String strip(String s, String chars) {
        int start = 0, end = s.length();
        while (start < end && chars.indexOf(s.charAt(start)) >= 0) start++;
        while (end > start && chars.indexOf(s.charAt(end - 1)) >= 0) end--;
        return s.substring(start, end);
    }

    private static DecodedCall call(Call c) {
        List<String> parts = new ArrayList<>();
        PyNode f = c.func();
        while (f instanceof Attribute a) {
            parts.add(0, a.attr());
            f = a.value();
        }
        if (f instanceof Name n) parts.add(0, n.id());
        Map<Object, Object> args = new LinkedHashMap<>();
        for (Keyword k : c.keywords()) args.put(k.arg() == null ? Py.NONE : k.arg(), value(k.value()));
        return new DecodedCall(String.join(".", parts), args);
    }

    private static Object value(PyNode v) {
        return switch (v) {
            case Constant c -> c.ellipsis() ? "..." : c.value();
            case UnaryOp u -> negate(u.operand());
            case ListDisplay l -> {
                List<Object> out = new ArrayList<>(l.elts().size());
                for (PyNode e : l.elts()) out.add(value(e));
                yield out;
            }
            case DictDisplay d -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (int i = 0; i < d.keys().size(); i++) {
                    if (d.keys().get(i) == null) throw new PySyntaxError("Unsupported AST type: <class 'NoneType'>");
                    Object key = value(d.keys().get(i));
                    if (key instanceof List<?> || key instanceof Map<?, ?>) throw new PySyntaxError("unhashable type: '" + Py.type(key) + "'");
                    Py.put(out, key, value(d.values().get(i)));
                }
                yield out;
            }
            case BinOp b -> PyArithmetic.eval(b);
            case Name n -> n.id();
            case Call c -> {
                if (c.keywords().isEmpty()) yield PyUnparser.unparse(c);
                DecodedCall inner = call(c);
                Map<Object, Object> out = new LinkedHashMap<>();
                out.put(inner.name(), inner.args());
                yield out;
            }
            case TupleDisplay t -> {
                List<Object> out = new ArrayList<>(t.elts().size());
                for (PyNode e : t.elts()) out.add(value(e));
                yield new Py.Tuple(out);
            }
            case Subscript s -> PyUnparser.unparse(s.value()) + "[" + PyUnparser.unparse(s.slice()) + "]";
            default -> throw new PySyntaxError("Unsupported AST type: " + v.getClass().getSimpleName());
        };
    }

    /** BFCL's {@code -operand.value}: whatever the unary operator, a numeric literal operand is negated. */
    private static Object negate(PyNode operand) {
        if (!(operand instanceof Constant c) || c.ellipsis()) throw new PySyntaxError("bad operand for unary operator");
        Object v = c.value();
        if (v instanceof Double d) return -d;
        if (v instanceof BigInteger || v instanceof Boolean) return Py.toInt(v).negate();
        if (v instanceof Py.Other o && o.type().equals("complex")) return new Py.Other("complex", Double.toString(-Double.parseDouble(o.repr())));
        throw new PySyntaxError("bad operand type for unary -: '" + Py.type(v) + "'");
    }
}
