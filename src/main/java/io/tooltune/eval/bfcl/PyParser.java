package io.tooltune.eval.bfcl;

import io.tooltune.eval.bfcl.PyLexer.Kind;
import io.tooltune.eval.bfcl.PyLexer.Token;
import io.tooltune.eval.bfcl.PyNode.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * CPython's expression grammar ({@code ast.parse(text, mode="eval")}) by recursive descent, with Python's operator
 * precedence. Syntax CPython rejects raises {@link PySyntaxError}.
 */
final class PyParser {
    private static final Set<String> COMPARE = Set.of("==", "!=", "<", "<=", ">", ">=");

    private final String src;
    private final List<Token> toks;
    private int p;

    private PyParser(String src) {
        this.src = src;
        this.toks = PyLexer.tokenize(src);
    }

    /** The one expression {@code text} holds (several, comma-separated, make a tuple). */
    static PyNode parseExpression(String text) {
        PyParser parser = new PyParser(text);
        PyNode e = parser.expressions();
        while (parser.peek().kind() == Kind.NEWLINE) parser.p++;
        if (parser.peek().kind() != Kind.END) throw new PySyntaxError("invalid syntax at '" + parser.peek().text() + "'");
        return e;
    }

    private Token peek() {
        return toks.get(p);
    }

    private Token peek(int ahead) {
        return toks.get(Math.min(p + ahead, toks.size() - 1));
    }

    private boolean at(String s) {
        Token t = peek();
        return (t.kind() == Kind.OP || t.kind() == Kind.NAME) && t.text().equals(s);
    }

    private boolean accept(String s) {
        if (!at(s)) return false;
        p++;
        return true;
    }

    private void expect(String s) {
        if (!accept(s)) throw new PySyntaxError("expected '" + s + "' at '" + peek().text() + "'");
    }

    private boolean atExpressionEnd() {
        Token t = peek();
        return t.kind() == Kind.END || t.kind() == Kind.NEWLINE
                || (t.kind() == Kind.OP && Set.of(")", "]", "}", ":", "=", ",", ";").contains(t.text()))
                || t.is("for") || t.is("async") || t.is("if") || t.is("else") || t.is("in");
    }

    private PyNode expressions() {
        PyNode first = expression();
        if (!at(",")) return first;
        List<PyNode> elts = new ArrayList<>(List.of(first));
        while (accept(",")) {
            if (atExpressionEnd()) break;
            elts.add(expression());
        }
        return new TupleDisplay(elts);
    }

    private PyNode expression() {
        if (at("lambda")) return lambda();
        PyNode body = disjunction();
        if (at("if")) {
            p++;
            PyNode test = disjunction();
            expect("else");
            return new IfExp(body, test, expression());
        }
        return body;
    }

    /** An expression or {@code name := expression}. */
    private PyNode namedExpression() {
        int start = peek().start();
        if (peek().kind() == Kind.NAME && !PyLexer.KEYWORDS.contains(peek().text()) && peek(1).is(":=")) {
            p += 2;
            expression();
            return new Opaque("NamedExpr", "(" + opaque("NamedExpr", start).text() + ")"); // unparse always adds them
        }
        return expression();
    }

    private PyNode starOrNamed() {
        if (accept("*")) return new Starred(bitOr());
        return namedExpression();
    }

    private PyNode lambda() {
        int start = peek().start();
        expect("lambda");
        int depth = 0;
        while (!(depth == 0 && at(":"))) {
            if (peek().kind() == Kind.END) throw new PySyntaxError("unterminated lambda");
            if (at("(") || at("[") || at("{")) depth++;
            if (at(")") || at("]") || at("}")) depth--;
            p++;
        }
        p++;
        expression();
        return opaque("Lambda", start);
    }

    private PyNode disjunction() {
        PyNode first = conjunction();
        if (!at("or")) return first;
        List<PyNode> values = new ArrayList<>(List.of(first));
        while (accept("or")) values.add(conjunction());
        return new BoolOp("or", values);
    }

    private PyNode conjunction() {
        PyNode first = inversion();
        if (!at("and")) return first;
        List<PyNode> values = new ArrayList<>(List.of(first));
        while (accept("and")) values.add(inversion());
        return new BoolOp("and", values);
    }

    private PyNode inversion() {
        if (accept("not")) return new UnaryOp("not", inversion());
        return comparison();
    }

    private PyNode comparison() {
        PyNode left = bitOr();
        List<String> ops = new ArrayList<>();
        List<PyNode> rest = new ArrayList<>();
        while (true) {
            String op;
            if (peek().kind() == Kind.OP && COMPARE.contains(peek().text())) op = peek().text();
            else if (at("in")) op = "in";
            else if (at("not") && peek(1).is("in")) op = "not in";
            else if (at("is")) op = peek(1).is("not") ? "is not" : "is";
            else break;
            p += op.contains(" ") ? 2 : 1;
            ops.add(op);
            rest.add(bitOr());
        }
        return ops.isEmpty() ? left : new Compare(left, ops, rest);
    }

    private PyNode bitOr() {
        return binary(0);
    }

    private static final List<Set<String>> LEVELS = List.of(Set.of("|"), Set.of("^"), Set.of("&"), Set.of("<<", ">>"),
            Set.of("+", "-"), Set.of("*", "/", "//", "%", "@"));

    private PyNode binary(int level) {
        if (level == LEVELS.size()) return factor();
        PyNode left = binary(level + 1);
        while (peek().kind() == Kind.OP && LEVELS.get(level).contains(peek().text())) {
            String op = peek().text();
            p++;
            left = new BinOp(left, op, binary(level + 1));
        }
        return left;
    }

    private PyNode factor() {
        if (peek().kind() == Kind.OP && (at("-") || at("+") || at("~"))) {
            String op = peek().text();
            p++;
            return new UnaryOp(op, factor());
        }
        return power();
    }

    private PyNode power() {
        PyNode base;
        if (at("await")) {
            int start = peek().start();
            p++;
            primary();
            base = opaque("Await", start);
        } else {
            base = primary();
        }
        if (accept("**")) return new BinOp(base, "**", factor());
        return base;
    }

    private PyNode primary() {
        PyNode e = atom();
        while (true) {
            if (accept(".")) {
                Token name = peek();
                if (name.kind() != Kind.NAME || PyLexer.KEYWORDS.contains(name.text())) throw new PySyntaxError("invalid attribute");
                p++;
                e = new Attribute(e, name.text());
            } else if (accept("(")) {
                e = callArguments(e);
            } else if (accept("[")) {
                e = new Subscript(e, slices());
                expect("]");
            } else {
                return e;
            }
        }
    }

    private PyNode slices() {
        PyNode first = slice();
        if (!at(",")) return first;
        List<PyNode> elts = new ArrayList<>(List.of(first));
        while (accept(",")) {
            if (at("]")) break;
            elts.add(slice());
        }
        return new TupleDisplay(elts);
    }

    private PyNode slice() {
        if (accept("*")) return new Starred(bitOr());
        PyNode lower = at(":") ? null : namedExpression();
        if (!accept(":")) return lower;
        PyNode upper = at(":") || at("]") || at(",") ? null : expression();
        PyNode step = null;
        if (accept(":")) step = at("]") || at(",") ? null : expression();
        return new Slice(lower, upper, step);
    }

    private PyNode callArguments(PyNode func) {
        List<PyNode> args = new ArrayList<>();
        List<Keyword> keywords = new ArrayList<>();
        boolean sawKeyword = false, sawDoubleStar = false;
        while (!at(")")) {
            if (accept("**")) {
                keywords.add(new Keyword(null, expression()));
                sawDoubleStar = true;
            } else if (accept("*")) {
                if (sawDoubleStar) throw new PySyntaxError("iterable argument unpacking follows keyword argument unpacking");
                args.add(new Starred(expression()));
            } else if (peek().kind() == Kind.NAME && peek(1).is("=")) {
                if (PyLexer.KEYWORDS.contains(peek().text())) throw new PySyntaxError("cannot assign to " + peek().text());
                String name = peek().text();
                p += 2;
                keywords.add(new Keyword(name, expression()));
                sawKeyword = true;
            } else {
                int start = peek().start();
                PyNode arg = namedExpression();
                if (at("for") || at("async")) {
                    comprehensionClauses();
                    arg = new Opaque("GeneratorExp", "(" + opaque("GeneratorExp", start).text() + ")"); // unparse adds them
                    if (!args.isEmpty() || !keywords.isEmpty() || !at(")")) throw new PySyntaxError("Generator expression must be parenthesized");
                }
                if (sawKeyword || sawDoubleStar) throw new PySyntaxError("positional argument follows keyword argument");
                args.add(arg);
            }
            if (!accept(",")) break;
        }
        expect(")");
        return new Call(func, args, keywords);
    }

    private void comprehensionClauses() {
        while (at("for") || at("async")) {
            accept("async");
            expect("for");
            targets();
            expect("in");
            disjunction();
            while (accept("if")) disjunction();
        }
    }

    private void targets() {
        do {
            if (at("in")) return;
            if (accept("*")) bitOr();
            else bitOr();
        } while (accept(","));
    }

    private PyNode atom() {
        Token t = peek();
        int start = t.start();
        switch (t.kind()) {
            case NUMBER -> {
                p++;
                return new Constant(t.value(), false);
            }
            case STRING -> {
                return strings();
            }
            case NAME -> {
                p++;
                return switch (t.text()) {
                    case "True" -> new Constant(true, false);
                    case "False" -> new Constant(false, false);
                    case "None" -> new Constant(Py.NONE, false);
                    default -> {
                        if (PyLexer.KEYWORDS.contains(t.text())) throw new PySyntaxError("invalid syntax at '" + t.text() + "'");
                        yield new Name(t.text());
                    }
                };
            }
            case OP -> {
                p++;
                switch (t.text()) {
                    case "..." -> {
                        return new Constant("...", true);
                    }
                    case "(" -> {
                        return parenthesized(start);
                    }
                    case "[" -> {
                        List<PyNode> elts = new ArrayList<>();
                        if (displayItems(elts, "]")) return opaque("ListComp", start);
                        return new ListDisplay(elts);
                    }
                    case "{" -> {
                        return braces(start);
                    }
                    default -> throw new PySyntaxError("invalid syntax at '" + t.text() + "'");
                }
            }
            default -> throw new PySyntaxError("unexpected end of expression");
        }
    }

    /** Reads {@code elements closer}; true when it was a comprehension. */
    private boolean displayItems(List<PyNode> elts, String closer) {
        while (!at(closer)) {
            elts.add(starOrNamed());
            if (elts.size() == 1 && (at("for") || at("async"))) {
                if (elts.get(0) instanceof Starred) throw new PySyntaxError("iterable unpacking cannot be used in comprehension");
                comprehensionClauses();
                expect(closer);
                return true;
            }
            if (!accept(",")) break;
        }
        expect(closer);
        return false;
    }

    private PyNode parenthesized(int start) {
        if (accept(")")) return new TupleDisplay(List.of());
        if (at("yield")) {
            int depth = 1;
            while (depth > 0) {
                if (peek().kind() == Kind.END) throw new PySyntaxError("'(' was never closed");
                if (at("(") || at("[") || at("{")) depth++;
                if (at(")") || at("]") || at("}")) depth--;
                p++;
            }
            return opaque("Yield", start);
        }
        PyNode first = starOrNamed();
        if (at("for") || at("async")) {
            comprehensionClauses();
            expect(")");
            return opaque("GeneratorExp", start);
        }
        if (accept(")")) {
            if (first instanceof Starred) throw new PySyntaxError("cannot use starred expression here");
            return first;
        }
        List<PyNode> elts = new ArrayList<>(List.of(first));
        expect(",");
        while (!at(")")) {
            elts.add(starOrNamed());
            if (!accept(",")) break;
        }
        expect(")");
        return new TupleDisplay(elts);
    }

    private PyNode braces(int start) {
        if (accept("}")) return new DictDisplay(List.of(), List.of());
        if (!at("**")) {
            int mark = p;
            PyNode first = starOrNamed();
            if (!at(":")) {
                List<PyNode> elts = new ArrayList<>(List.of(first));
                if (at("for") || at("async")) {
                    comprehensionClauses();
                    expect("}");
                    return opaque("SetComp", start);
                }
                while (accept(",")) {
                    if (at("}")) break;
                    elts.add(starOrNamed());
                }
                expect("}");
                return new SetDisplay(elts);
            }
            p = mark; // a dict: read the first key again as a key
        }
        List<PyNode> keys = new ArrayList<>(), values = new ArrayList<>();
        while (!at("}")) {
            if (accept("**")) {
                keys.add(null);
                values.add(bitOr());
            } else {
                keys.add(expression());
                expect(":");
                values.add(expression());
                if (keys.size() == 1 && (at("for") || at("async"))) {
                    comprehensionClauses();
                    expect("}");
                    return opaque("DictComp", start);
                }
            }
            if (!accept(",")) break;
        }
        expect("}");
        return new DictDisplay(keys, values);
    }

    /** Adjacent string literals, joined; an f-string among them makes a JoinedStr. */
    private PyNode strings() {
        int start = peek().start();
        StringBuilder sb = new StringBuilder();
        boolean bytes = peek().prefix().contains("b"), formatted = false;
        while (peek().kind() == Kind.STRING) {
            Token t = peek();
            if (t.prefix().contains("b") != bytes) throw new PySyntaxError("cannot mix bytes and nonbytes literals");
            formatted |= t.prefix().contains("f");
            sb.append((String) t.value());
            p++;
        }
        if (formatted) return opaque("JoinedStr", start);
        return new Constant(bytes ? new Py.Other("bytes", sb.toString()) : sb.toString(), false);
    }

    private Opaque opaque(String kind, int start) {
        int end = toks.get(p - 1).end();
        return new Opaque(kind, src.substring(start, end));
    }
}
