package io.tooltune.generate.constrain;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tooltune.Json;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON's lexical and structural pieces as grammar rules, for one whitespace limit: between tokens (after '{', '[',
 * ':', ',' and around values) a run of at most {@code maxWhitespace} characters from space, tab, newline and carriage
 * return; none inside strings, numbers and literals, nor before or after the document. The bound keeps a model from
 * looping on whitespace while allowing pretty-printed output a few levels deep. Numbers have at most
 * {@value #MAX_INTEGER_DIGITS} integer, {@value #MAX_FRACTION_DIGITS} fraction and {@value #MAX_EXPONENT_DIGITS}
 * exponent digits, for the same reason.
 */
final class JsonRules {
    /** Any code unit a JSON string may hold unescaped, surrogates excluded (they must come in pairs). */
    static final CharClass PLAIN = CharClass.range(' ', '!').or(CharClass.range('#', '['))
            .or(CharClass.range(']', '\uD7FF')).or(CharClass.range('\uE000', '\uFFFF'));
    static final CharClass HIGH_SURROGATE = CharClass.range('\uD800', '\uDBFF');
    static final CharClass LOW_SURROGATE = CharClass.range('\uDC00', '\uDFFF');
    private static final CharClass WS_CHAR = CharClass.anyOf(" \t\n\r");
    private static final CharClass DIGIT = CharClass.range('0', '9');
    private static final CharClass HEX = CharClass.anyOf("0123456789abcdefABCDEF");
    private static final int MAX_COUNTED_ITEMS = 256;
    /** Digit limits: a double holds 17 significant digits, and Jackson refuses numbers over 1,000 characters. */
    static final int MAX_INTEGER_DIGITS = 20, MAX_FRACTION_DIGITS = 20, MAX_EXPONENT_DIGITS = 3;

    final Rule ws;
    /** The rest of a string after its opening quote, closing quote included. */
    final Rule stringRest = new Rule("string-rest");
    final Rule string = new Rule("string");
    final Rule integer = new Rule("integer");
    final Rule number = new Rule("number");
    final Rule bool = new Rule("boolean").alt("true").alt("false");
    final Rule nul = new Rule("null").alt("null");
    final Rule value = new Rule("value");
    final Rule anyObject;
    final Rule anyArray;

    JsonRules(int maxWhitespace) {
        if (maxWhitespace < 0) throw new IllegalArgumentException("maxWhitespace < 0");
        ws = upTo(maxWhitespace, WS_CHAR);

        Rule escape = new Rule("escape").alt("\\", CharClass.anyOf("\"\\/bfnrt")).alt("\\u", HEX, HEX, HEX, HEX);
        stringRest.alt("\"").alt(PLAIN, stringRest).alt(HIGH_SURROGATE, LOW_SURROGATE, stringRest).alt(escape, stringRest);
        string.alt("\"", stringRest);

        Rule intDigits = upTo(MAX_INTEGER_DIGITS - 1, DIGIT), fracDigits = upTo(MAX_FRACTION_DIGITS - 1, DIGIT);
        Rule expDigits = upTo(MAX_EXPONENT_DIGITS - 1, DIGIT);
        CharClass nonZero = CharClass.range('1', '9');
        integer.alt("0").alt(nonZero, intDigits).alt("-0").alt("-", nonZero, intDigits);
        Rule fraction = new Rule("fraction").alt().alt(".", DIGIT, fracDigits);
        CharClass e = CharClass.anyOf("eE");
        Rule exponent = new Rule("exponent").alt().alt(e, CharClass.anyOf("+-"), DIGIT, expDigits).alt(e, DIGIT, expDigits);
        number.alt(integer, fraction, exponent);

        anyObject = object(List.of(), value, "object");
        anyArray = array(value, 0, -1, "array");
        value.alt(anyObject).alt(anyArray).alt(string).alt(number).alt(bool).alt(nul);
    }

    /** Zero to {@code n} characters of {@code chars}. */
    private static Rule upTo(int n, CharClass chars) {
        Rule r = new Rule("none");
        r.alt();
        for (int k = 1; k <= n; k++) r = new Rule("up to " + k).alt().alt(chars, r);
        return r;
    }

    /** One property of an object, with its value's rule. */
    record Member(String name, Rule value, boolean required) {}

    /** A rule matching exactly one JSON text (a literal such as {@code "give_answer"} or {@code 3}). */
    static Rule literal(String json) {
        return new Rule("literal " + json).alt(json);
    }

    /**
     * An object whose declared properties appear in schema order, each required one present and each optional one
     * present or not; then, if {@code additional} is not null, further properties with other names and values of
     * that rule.
     */
    Rule object(List<Member> declared, Rule additional, String name) {
        Rule[][] rest = new Rule[declared.size() + 1][2];
        List<String> names = declared.stream().map(Member::name).toList();
        Rule extraKey = additional == null ? null : keyNotIn(names);
        Rule body = membersFrom(0, true, declared, additional, extraKey, rest);
        return new Rule(name).alt("{", ws, body, "}");
    }

    private Rule membersFrom(int i, boolean first, List<Member> declared, Rule additional, Rule extraKey,
                             Rule[][] memo) {
        Rule r = memo[i][first ? 1 : 0];
        if (r != null) return r;
        r = new Rule("members" + i + (first ? "" : ","));
        memo[i][first ? 1 : 0] = r;
        Object[] separator = first ? new Object[0] : new Object[] {",", ws};
        int j = i;
        for (; j < declared.size(); j++) {
            Member m = declared.get(j);
            r.alt(separator, member(Rule.seq(quoted(m.name())), m.value()),
                    membersFrom(j + 1, false, declared, additional, extraKey, memo));
            if (m.required()) break;
        }
        if (j == declared.size()) {
            if (additional == null) r.alt();
            else r.alt(extraMembers(first, additional, extraKey));
        }
        return r;
    }

    private Rule extraMembers(boolean first, Rule additional, Rule extraKey) {
        Rule more = new Rule("extra-members,");
        more.alt().alt(",", ws, member(extraKey, additional), more);
        if (!first) return more;
        return new Rule("extra-members").alt().alt(member(extraKey, additional), more);
    }

    private Element[] member(Object key, Rule value) {
        return Rule.seq(key, ws, ":", ws, value, ws);
    }

    /** An array of {@code min} to {@code max} items ({@code max} < 0: no limit). */
    Rule array(Rule item, int min, int max, String name) {
        if (min > MAX_COUNTED_ITEMS || max > MAX_COUNTED_ITEMS) {
            throw new IllegalArgumentException("minItems/maxItems above " + MAX_COUNTED_ITEMS + " are not supported");
        }
        Rule tail = new Rule("items-more");
        tail.alt().alt(",", ws, item, ws, tail);
        Rule body = itemsFrom(0, min, max, item, tail, new HashMap<>());
        return new Rule(name).alt("[", ws, body, "]");
    }

    private Rule itemsFrom(int k, int min, int max, Rule item, Rule tail, Map<Integer, Rule> memo) {
        if (max < 0 && k >= Math.max(min, 1)) return tail;
        Rule r = memo.get(k);
        if (r != null) return r;
        r = new Rule("items" + k);
        memo.put(k, r);
        if (k >= min) r.alt();
        if (max < 0 || k < max) {
            Object[] separator = k == 0 ? new Object[0] : new Object[] {",", ws};
            r.alt(separator, item, ws, itemsFrom(k + 1, min, max, item, tail, memo));
        }
        return r;
    }

    /** A JSON string (quotes included) that is none of {@code names}, in their escape-free spelling. */
    Rule keyNotIn(List<String> names) {
        TreeMap<String, Boolean> set = new TreeMap<>();
        for (String n : names) {
            String q = quoted(n);
            if (q.length() != n.length() + 2) {
                throw new IllegalArgumentException("property name " + q + " needs escapes; with additionalProperties"
                        + " allowed, such names are not supported");
            }
            set.put(n, true);
        }
        return new Rule("other-key").alt("\"", keyNode("", set));
    }

    private Rule keyNode(String prefix, TreeMap<String, Boolean> names) {
        Rule r = new Rule("other-key " + prefix);
        StringBuilder children = new StringBuilder();
        for (String n : names.subMap(prefix, true, prefix + Character.MAX_VALUE, true).keySet()) {
            if (n.length() > prefix.length() && children.indexOf(String.valueOf(n.charAt(prefix.length()))) < 0) {
                children.append(n.charAt(prefix.length()));
            }
        }
        for (int i = 0; i < children.length(); i++) {
            char c = children.charAt(i);
            r.alt(CharClass.of(c), keyNode(prefix + c, names));
        }
        if (!names.containsKey(prefix)) r.alt("\"");
        r.alt(intersectPlain(children.toString()), stringRest);
        r.alt(HIGH_SURROGATE, LOW_SURROGATE, stringRest);
        r.alt("\\", new Rule("escape-rest").alt(CharClass.anyOf("\"\\/bfnrt")).alt("u", HEX, HEX, HEX, HEX), stringRest);
        return r;
    }

    /** Plain string characters other than {@code excluded}. */
    private static CharClass intersectPlain(String excluded) {
        return CharClass.rangeExcept(' ', '!', excluded).or(CharClass.rangeExcept('#', '[', excluded))
                .or(CharClass.rangeExcept(']', '\uD7FF', excluded)).or(CharClass.rangeExcept('\uE000', '\uFFFF', excluded));
    }

    /** {@code s} as a JSON string literal, quotes included (the canonical spelling the grammar emits). */
    static String quoted(String s) {
        return compact(s);
    }

    /** A JSON value's compact text, as Jackson writes it. */
    static String compact(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
