package io.tooltune.eval.bfcl;

import io.tooltune.data.python.PythonRepr;
import io.tooltune.eval.bfcl.PyNode.*;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * CPython's {@code ast.unparse}: BFCL turns a nested call without keywords and a subscript into this text, so the
 * spelling (quotes, spaces, parentheses by precedence) must be Python's. Opaque constructs keep their source text.
 */
final class PyUnparser {
    // CPython's _Precedence order
    private static final int TUPLE = 2, TEST = 4, OR = 5, AND = 6, NOT = 7, CMP = 8, BOR = 9, BXOR = 10, BAND = 11,
            SHIFT = 12, ARITH = 13, TERM = 14, FACTOR = 15, POWER = 16, ATOM = 18;

    private static final Map<String, Integer> BINOP = Map.ofEntries(Map.entry("+", ARITH), Map.entry("-", ARITH),
            Map.entry("*", TERM), Map.entry("@", TERM), Map.entry("/", TERM), Map.entry("%", TERM), Map.entry("//", TERM),
            Map.entry("<<", SHIFT), Map.entry(">>", SHIFT), Map.entry("|", BOR), Map.entry("^", BXOR), Map.entry("&", BAND),
            Map.entry("**", POWER));

    private final StringBuilder out = new StringBuilder();

    private PyUnparser() {}

    static String unparse(PyNode node) {
        PyUnparser u = new PyUnparser();
        u.visit(node, TEST);
        return u.out.toString();
    }

    private void visit(PyNode node, int context) {
        switch (node) {
            case Constant c -> constant(c);
            case Name n -> out.append(n.id());
            case Attribute a -> {
                visit(a.value(), ATOM);
                if (a.value() instanceof Constant c && c.value() instanceof BigInteger) out.append(' ');
                out.append('.').append(a.attr());
            }
            case Call c -> {
                visit(c.func(), ATOM);
                out.append('(');
                boolean first = true;
                for (PyNode arg : c.args()) {
                    if (!first) out.append(", ");
                    first = false;
                    visit(arg, TEST);
                }
                for (Keyword k : c.keywords()) {
                    if (!first) out.append(", ");
                    first = false;
                    if (k.arg() == null) out.append("**");
                    else out.append(k.arg()).append('=');
                    visit(k.value(), TEST);
                }
                out.append(')');
            }
            case Subscript s -> {
                visit(s.value(), ATOM);
                out.append('[');
                if (s.slice() instanceof TupleDisplay t && !t.elts().isEmpty()) items(t.elts());
                else visit(s.slice(), TEST);
                out.append(']');
            }
            case Slice s -> {
                if (s.lower() != null) visit(s.lower(), TEST);
                out.append(':');
                if (s.upper() != null) visit(s.upper(), TEST);
                if (s.step() != null) {
                    out.append(':');
                    visit(s.step(), TEST);
                }
            }
            case ListDisplay l -> {
                out.append('[');
                join(l.elts());
                out.append(']');
            }
            case TupleDisplay t -> {
                boolean parens = t.elts().isEmpty() || context > TUPLE;
                if (parens) out.append('(');
                items(t.elts());
                if (parens) out.append(')');
            }
            case SetDisplay s -> {
                out.append('{');
                join(s.elts());
                out.append('}');
            }
            case DictDisplay d -> {
                out.append('{');
                for (int i = 0; i < d.keys().size(); i++) {
                    if (i > 0) out.append(", ");
                    if (d.keys().get(i) == null) {
                        out.append("**");
                        visit(d.values().get(i), BOR);
                    } else {
                        visit(d.keys().get(i), TEST);
                        out.append(": ");
                        visit(d.values().get(i), TEST);
                    }
                }
                out.append('}');
            }
            case Starred s -> {
                out.append('*');
                visit(s.value(), BOR);
            }
            case UnaryOp u -> {
                int prec = u.op().equals("not") ? NOT : FACTOR;
                open(prec < context);
                out.append(u.op());
                if (prec != FACTOR) out.append(' ');
                visit(u.operand(), prec);
                close(prec < context);
            }
            case BinOp b -> {
                int prec = BINOP.get(b.op());
                boolean rightAssoc = b.op().equals("**");
                open(prec < context);
                visit(b.left(), rightAssoc ? prec + 1 : prec);
                out.append(' ').append(b.op()).append(' ');
                visit(b.right(), rightAssoc ? prec : prec + 1);
                close(prec < context);
            }
            case BoolOp b -> {
                int prec = b.op().equals("and") ? AND : OR;
                open(prec < context);
                int level = prec;
                for (int i = 0; i < b.values().size(); i++) {
                    if (i > 0) out.append(' ').append(b.op()).append(' ');
                    visit(b.values().get(i), ++level); // CPython raises the level for each operand
                }
                close(prec < context);
            }
            case Compare c -> {
                open(CMP < context);
                visit(c.left(), CMP + 1);
                for (int i = 0; i < c.ops().size(); i++) {
                    out.append(' ').append(c.ops().get(i)).append(' ');
                    visit(c.comparators().get(i), CMP + 1);
                }
                close(CMP < context);
            }
            case IfExp e -> {
                open(TEST < context);
                visit(e.body(), TEST + 1);
                out.append(" if ");
                visit(e.test(), TEST + 1);
                out.append(" else ");
                visit(e.orElse(), TEST);
                close(TEST < context);
            }
            case Opaque o -> {
                boolean parens = o.kind().equals("Lambda") && context > TEST;
                open(parens);
                out.append(o.text());
                close(parens);
            }
        }
    }

    private void open(boolean parens) {
        if (parens) out.append('(');
    }

    private void close(boolean parens) {
        if (parens) out.append(')');
    }

    private void join(List<PyNode> elts) {
        for (int i = 0; i < elts.size(); i++) {
            if (i > 0) out.append(", ");
            visit(elts.get(i), TEST);
        }
    }

    /** Tuple items: a single one keeps its trailing comma. */
    private void items(List<PyNode> elts) {
        join(elts);
        if (elts.size() == 1) out.append(',');
    }

    private void constant(Constant c) {
        Object v = c.value();
        if (c.ellipsis()) out.append("...");
        else if (v instanceof String s) out.append(PythonRepr.repr(s));
        else if (v instanceof Double d) out.append(Double.isInfinite(d) ? (d > 0 ? "1e309" : "-1e309") : PythonRepr.floatRepr(d));
        else if (v instanceof Boolean b) out.append(b ? "True" : "False");
        else if (v == Py.NONE) out.append("None");
        else if (v instanceof Py.Other o && o.type().equals("bytes")) out.append('b').append(PythonRepr.repr(o.repr()));
        else if (v instanceof Py.Other o) out.append(complexRepr(o));
        else out.append(v);
    }

    /** {@code repr} of an imaginary literal: {@code 1j}, {@code 2.5j}, {@code 1e+20j}. */
    static String complexRepr(Py.Other imaginary) {
        String digits = PythonRepr.floatRepr(Double.parseDouble(imaginary.repr()));
        return (digits.endsWith(".0") ? digits.substring(0, digits.length() - 2) : digits) + "j";
    }
}
