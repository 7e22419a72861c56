package io.tooltune.eval.bfcl;

import io.tooltune.eval.bfcl.PyNode.*;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What BFCL's {@code eval(ast.unparse(binop))} computes for a binary operation in a call argument: Python's
 * arithmetic on int (arbitrary size), float and bool, and concatenation/repetition of str, list and tuple, with
 * literals, displays and unary operators as operands. A name or call inside fails here; BFCL would look it up in
 * its own module (a builtin such as {@code len} would work there), a case model outputs practically never hit.
 */
final class PyArithmetic {
    private static final long MAX_ITEMS = 10_000_000; // repetition beyond this is refused rather than built
    private static final int MAX_BITS = 1 << 20;

    private PyArithmetic() {}

    static Object eval(PyNode n) {
        return switch (n) {
            case Constant c -> c.ellipsis() ? new Py.Other("ellipsis", "Ellipsis") : c.value();
            case ListDisplay l -> evalAll(l.elts());
            case TupleDisplay t -> new Py.Tuple(evalAll(t.elts()));
            case DictDisplay d -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (int i = 0; i < d.keys().size(); i++) {
                    if (d.keys().get(i) == null) throw new PySyntaxError("unsupported ** in an evaluated dict");
                    Object key = eval(d.keys().get(i));
                    if (key instanceof List<?> || key instanceof Map<?, ?>) throw new PySyntaxError("unhashable dict key");
                    Py.put(out, key, eval(d.values().get(i)));
                }
                yield out;
            }
            case UnaryOp u -> unary(u.op(), eval(u.operand()));
            case BinOp b -> binary(eval(b.left()), b.op(), eval(b.right()));
            default -> throw new PySyntaxError("cannot evaluate " + n.getClass().getSimpleName());
        };
    }

    private static List<Object> evalAll(List<PyNode> elts) {
        List<Object> out = new ArrayList<>(elts.size());
        for (PyNode e : elts) out.add(eval(e));
        return out;
    }

    static boolean truthy(Object v) {
        if (v == Py.NONE) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof BigInteger i) return i.signum() != 0;
        if (v instanceof Double d) return d != 0;
        if (v instanceof String s) return !s.isEmpty();
        if (v instanceof List<?> l) return !l.isEmpty();
        if (v instanceof Py.Tuple t) return !t.items().isEmpty();
        if (v instanceof Map<?, ?> m) return !m.isEmpty();
        return true;
    }

    static Object unary(String op, Object v) {
        if (op.equals("not")) return !truthy(v);
        if (v instanceof Double d) {
            if (op.equals("~")) throw new PySyntaxError("bad operand type for unary ~: 'float'");
            return op.equals("-") ? -d : d;
        }
        if (!(v instanceof BigInteger || v instanceof Boolean)) throw new PySyntaxError("bad operand type for unary " + op);
        BigInteger i = Py.toInt(v);
        return switch (op) {
            case "-" -> i.negate();
            case "+" -> i;
            default -> i.not();
        };
    }

    static Object binary(Object a, String op, Object b) {
        if (Py.isNumber(a) && Py.isNumber(b)) return numeric(a, op, b);
        if (op.equals("+")) {
            if (a instanceof String x && b instanceof String y) return x + y;
            if (a instanceof List<?> x && b instanceof List<?> y) {
                List<Object> out = new ArrayList<>(x);
                out.addAll(y);
                return out;
            }
            if (a instanceof Py.Tuple x && b instanceof Py.Tuple y) {
                List<Object> out = new ArrayList<>(x.items());
                out.addAll(y.items());
                return new Py.Tuple(out);
            }
        }
        if (op.equals("*")) {
            if (isIntLike(b)) return repeat(a, Py.toInt(b));
            if (isIntLike(a)) return repeat(b, Py.toInt(a));
        }
        throw new PySyntaxError("unsupported operand types for " + op + ": '" + Py.type(a) + "' and '" + Py.type(b) + "'");
    }

    private static boolean isIntLike(Object v) {
        return v instanceof BigInteger || v instanceof Boolean;
    }

    private static Object repeat(Object seq, BigInteger times) {
        int n = times.signum() <= 0 ? 0 : times.min(BigInteger.valueOf(Integer.MAX_VALUE)).intValue();
        if (seq instanceof String s) {
            if ((long) s.length() * n > MAX_ITEMS) throw new PySyntaxError("repetition too large");
            return s.repeat(n);
        }
        List<?> items = seq instanceof List<?> l ? l : seq instanceof Py.Tuple t ? t.items() : null;
        if (items == null) throw new PySyntaxError("can't multiply sequence of type '" + Py.type(seq) + "'");
        if ((long) items.size() * n > MAX_ITEMS) throw new PySyntaxError("repetition too large");
        List<Object> out = new ArrayList<>();
        for (int k = 0; k < n; k++) out.addAll(items);
        return seq instanceof List<?> ? out : new Py.Tuple(out);
    }

    private static Object numeric(Object a, String op, Object b) {
        if (a instanceof Boolean x && b instanceof Boolean y) {
            switch (op) {
                case "&" -> { return x & y; }
                case "|" -> { return x | y; }
                case "^" -> { return x ^ y; }
                default -> { }
            }
        }
        if (a instanceof Double || b instanceof Double) return floats(toFloat(a), op, toFloat(b));
        BigInteger x = Py.toInt(a), y = Py.toInt(b);
        return switch (op) {
            case "+" -> x.add(y);
            case "-" -> x.subtract(y);
            case "*" -> checkBits(x.multiply(y));
            case "/" -> {
                if (y.signum() == 0) throw new PySyntaxError("division by zero");
                yield trueDivide(x, y);
            }
            case "//" -> {
                if (y.signum() == 0) throw new PySyntaxError("integer division or modulo by zero");
                BigInteger[] qr = x.divideAndRemainder(y);
                yield qr[1].signum() != 0 && qr[1].signum() != y.signum() ? qr[0].subtract(BigInteger.ONE) : qr[0];
            }
            case "%" -> {
                if (y.signum() == 0) throw new PySyntaxError("integer division or modulo by zero");
                BigInteger r = x.remainder(y);
                yield r.signum() != 0 && r.signum() != y.signum() ? r.add(y) : r;
            }
            case "**" -> {
                if (y.signum() < 0) {
                    if (x.signum() == 0) throw new PySyntaxError("0.0 cannot be raised to a negative power");
                    yield floats(toFloat(x), "**", toFloat(y));
                }
                if (x.abs().compareTo(BigInteger.ONE) > 0 && (long) x.bitLength() * y.min(BigInteger.valueOf(MAX_BITS)).longValue() > MAX_BITS) {
                    throw new PySyntaxError("power too large");
                }
                yield x.pow(y.intValueExact());
            }
            case "<<" -> {
                if (y.signum() < 0) throw new PySyntaxError("negative shift count");
                if (y.compareTo(BigInteger.valueOf(MAX_BITS)) > 0) throw new PySyntaxError("shift too large");
                yield x.shiftLeft(y.intValue());
            }
            case ">>" -> {
                if (y.signum() < 0) throw new PySyntaxError("negative shift count");
                yield y.bitLength() > 31 ? (x.signum() < 0 ? BigInteger.ONE.negate() : BigInteger.ZERO) : x.shiftRight(y.intValue());
            }
            case "&" -> x.and(y);
            case "|" -> x.or(y);
            case "^" -> x.xor(y);
            default -> throw new PySyntaxError("unsupported operand types for " + op);
        };
    }

    private static BigInteger checkBits(BigInteger v) {
        if (v.bitLength() > MAX_BITS) throw new PySyntaxError("integer too large");
        return v;
    }

    private static double toFloat(Object v) {
        if (v instanceof Double d) return d;
        BigInteger i = Py.toInt(v);
        double d = i.doubleValue();
        if (Double.isInfinite(d)) throw new PySyntaxError("int too large to convert to float");
        return d;
    }

    /** Python's int / int: correctly rounded. */
    private static double trueDivide(BigInteger x, BigInteger y) {
        if (x.bitLength() <= 53 && y.bitLength() <= 53) return x.doubleValue() / y.doubleValue();
        return new BigDecimal(x).divide(new BigDecimal(y), MathContext.DECIMAL128).doubleValue();
    }

    private static Object floats(double x, String op, double y) {
        switch (op) {
            case "+": return x + y;
            case "-": return x - y;
            case "*": return x * y;
            case "/":
                if (y == 0) throw new PySyntaxError("float division by zero");
                return x / y;
            case "%": {
                if (y == 0) throw new PySyntaxError("float modulo");
                double mod = x % y;
                if (mod != 0) {
                    if ((y < 0) != (mod < 0)) mod += y;
                } else {
                    mod = Math.copySign(0.0, y);
                }
                return mod;
            }
            case "//": {
                if (y == 0) throw new PySyntaxError("float floor division by zero");
                double mod = x % y;
                double div = (x - mod) / y;
                if (mod != 0 && (y < 0) != (mod < 0)) div -= 1.0;
                if (div == 0) return Math.copySign(0.0, x / y);
                double floor = Math.floor(div);
                return div - floor > 0.5 ? floor + 1.0 : floor;
            }
            case "**": {
                if (x == 0 && y < 0) throw new PySyntaxError("0.0 cannot be raised to a negative power");
                if (x < 0 && y != Math.rint(y) && Double.isFinite(y)) throw new PySyntaxError("complex result");
                double r = Math.pow(x, y);
                if (Double.isInfinite(r) && Double.isFinite(x) && Double.isFinite(y)) throw new PySyntaxError("Numerical result out of range");
                return r;
            }
            default:
                throw new PySyntaxError("unsupported operand type(s) for " + op + ": 'float'");
        }
    }
}
