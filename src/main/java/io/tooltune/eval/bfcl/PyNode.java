package io.tooltune.eval.bfcl;

import java.util.List;

/**
 * A Python expression tree, the part of CPython's {@code ast} that BFCL's decoder looks at. Constructs the decoder
 * always rejects (lambda, comprehensions, f-strings, walrus, await, yield) are kept as {@link Opaque} with their
 * source text, since they only matter when a call without keywords is turned back into text.
 */
sealed interface PyNode {
    /** A literal: a {@link Py} value, or Ellipsis when {@code ellipsis}. */
    record Constant(Object value, boolean ellipsis) implements PyNode {}

    record Name(String id) implements PyNode {}

    record Attribute(PyNode value, String attr) implements PyNode {}

    /** {@code args} holds positional and starred arguments; a keyword's {@code arg} is null for {@code **x}. */
    record Call(PyNode func, List<PyNode> args, List<Keyword> keywords) implements PyNode {}

    record Keyword(String arg, PyNode value) {}

    record Subscript(PyNode value, PyNode slice) implements PyNode {}

    /** {@code lower:upper:step}; absent parts are null. */
    record Slice(PyNode lower, PyNode upper, PyNode step) implements PyNode {}

    record ListDisplay(List<PyNode> elts) implements PyNode {}

    record TupleDisplay(List<PyNode> elts) implements PyNode {}

    record SetDisplay(List<PyNode> elts) implements PyNode {}

    /** A null key is {@code **value}. */
    record DictDisplay(List<PyNode> keys, List<PyNode> values) implements PyNode {}

    record Starred(PyNode value) implements PyNode {}

    /** {@code op} is one of {@code - + ~ not}. */
    record UnaryOp(String op, PyNode operand) implements PyNode {}

    record BinOp(PyNode left, String op, PyNode right) implements PyNode {}

    /** {@code op} is {@code and} or {@code or}. */
    record BoolOp(String op, List<PyNode> values) implements PyNode {}

    record Compare(PyNode left, List<String> ops, List<PyNode> comparators) implements PyNode {}

    record IfExp(PyNode body, PyNode test, PyNode orElse) implements PyNode {}

    /** {@code kind} names the construct (Lambda, ListComp, JoinedStr, ...); {@code text} is its source. */
    record Opaque(String kind, String text) implements PyNode {}
}
