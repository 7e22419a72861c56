package io.tooltune.generate.constrain;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonSchemaGrammarTest {
    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static Grammar grammar(String schema) {
        return JsonSchemaGrammar.compile(json(schema), "test");
    }

    /** Index of the first character the matcher rejects, or -1 when every prefix is accepted. */
    static int firstRejected(Grammar g, String text) {
        Matcher m = g.matcher();
        for (int i = 0; i < text.length(); i++) if (!m.advance(text.charAt(i))) return i;
        return -1;
    }

    static boolean accepts(Grammar g, String text) {
        Matcher m = g.matcher();
        return m.advance(text) && m.isComplete();
    }

    /** Each valid text is accepted whole and at every prefix; each invalid one is rejected exactly at {@code at}. */
    private static void table(String schema, List<String> valid, List<Rejected> invalid) {
        Grammar g = grammar(schema);
        for (String v : valid) {
            assertEquals(-1, firstRejected(g, v), () -> schema + " rejected a prefix of valid " + v);
            assertTrue(accepts(g, v), () -> schema + " left valid " + v + " incomplete");
            assertTrue(SchemaCheck.valid(json(schema), json(v)), () -> "test table wrong: " + v);
        }
        for (Rejected r : invalid) {
            assertEquals(r.at(), firstRejected(g, r.text()), () -> schema + " on " + r.text());
            if (r.at() < 0) assertFalse(accepts(g, r.text()), () -> schema + " accepted incomplete " + r.text());
        }
    }

    /** An invalid text and the index of its first bad character (-1: a valid prefix that never completes). */
    record Rejected(String text, int at) {}

    private static Rejected bad(String text, int at) {
        return new Rejected(text, at);
    }

    @Test
    void strings() {
        table("{\"type\": \"string\"}",
                List.of("\"abc\"", "\"\"", "\"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t\"", "\"\\u00e9\\uD83D\\uDE00\"", "\"é 中文\"",
                        "\"\uD83D\uDE00\""),
                List.of(bad("\"abc", -1), bad("\"a\u0001\"", 2), bad("\"a\nb\"", 2), bad("\"\\q\"", 2),
                        bad("'abc'", 0), bad("\"\\u12g4\"", 5), bad("\"\uD83D\"", 2), bad("\"\uDE00\"", 1),
                        bad("abc", 0), bad("\"a\"\"", 3)));
    }

    @Test
    void numbersAndIntegers() {
        table("{\"type\": \"number\"}", List.of("0", "-0", "12.5e-3", "1E5", "3.25", "-10", "7e+2"),
                List.of(bad("01", 1), bad("1.", -1), bad(".5", 0), bad("+1", 0), bad("1e", -1), bad("--1", 1),
                        bad("1.e3", 2), bad("1 ", 1)));
        table("{\"type\": \"integer\"}", List.of("42", "-7", "0"),
                List.of(bad("4.2", 1), bad("1e3", 1), bad("-", -1), bad("00", 1)));
        // bounded digit runs: a model cannot loop on digits (Jackson refuses numbers over 1,000 characters)
        table("{\"type\": \"number\"}", List.of("9".repeat(20) + "." + "5".repeat(20) + "e-999"),
                List.of(bad("9".repeat(21), 20), bad("1." + "5".repeat(21), 22), bad("1e1000", 5)));
    }

    @Test
    void booleansNullAndTypeArrays() {
        table("{\"type\": \"boolean\"}", List.of("true", "false"), List.of(bad("tru", -1), bad("True", 0), bad("null", 0)));
        table("{\"type\": \"null\"}", List.of("null"), List.of(bad("nul", -1), bad("0", 0)));
        table("{\"type\": [\"string\", \"null\"]}", List.of("\"x\"", "null"), List.of(bad("1", 0), bad("nulls", 4)));
        table("{\"type\": [\"integer\", \"number\"]}", List.of("1", "1.5"), List.of(bad("\"1\"", 0)));
    }

    @Test
    void objectsWriteRequiredPropertiesInSchemaOrderAndOptionalOnesMayBeLeftOut() {
        String schema = """
                {"type": "object", "description": "d", "title": "t", "$schema": "x",
                 "properties": {"a": {"type": "integer", "default": 1, "examples": [2]}, "b": {"type": "string"},
                                "c": {"type": "boolean"}},
                 "required": ["b"]}""";
        table(schema, List.of("{\"b\":\"x\"}", "{\"a\":1,\"b\":\"x\"}", "{ \"a\": 1, \"b\": \"x\", \"c\": true }",
                        "{\n  \"a\": 1,\n  \"b\": \"x\"\n}", "{\"b\":\"x\",\"c\":false}"),
                List.of(bad("{}", 1), bad("{\"b\":\"x\",\"a\":1}", 10), bad("{\"c\":true}", 2), bad("{\"a\":\"1\"}", 5),
                        bad("{\"a\":1}", 6), bad("{\"b\":\"x\"", -1), bad("{\"b\":\"x\",}", 9)));
    }

    @Test
    void additionalProperties() {
        String props = "\"properties\": {\"a\": {\"type\": \"integer\"}}";
        table("{\"type\": \"object\", " + props + ", \"additionalProperties\": false}",
                List.of("{}", "{\"a\":1}"), List.of(bad("{\"z\":1}", 2)));
        table("{\"type\": \"object\", " + props + "}", List.of("{}", "{\"a\":1}"), List.of(bad("{\"z\":1}", 2)));
        table("{\"type\": \"object\", " + props + ", \"additionalProperties\": {\"type\": \"integer\"}}",
                List.of("{\"a\":1,\"z\":2}", "{\"z\":2}", "{\"ab\":2,\"\":3}", "{\"a\":1,\"b\\\"\":2}"),
                List.of(bad("{\"a\":1,\"a\":2}", 9), bad("{\"z\":\"s\"}", 5), bad("{\"a\":\"s\"}", 5)));
        table("{\"type\": \"object\", " + props + ", \"additionalProperties\": true}",
                List.of("{\"a\":1,\"z\":[1,{\"y\":null}]}"), List.of(bad("{\"a\":true}", 5)));
        table("{\"type\": \"object\"}", List.of("{}", "{\"k\":{\"n\":[1,2.5,\"s\",true,null]}}"),
                List.of(bad("[]", 0), bad("{\"k\"}", 4)));
        table("{\"type\": \"object\", \"additionalProperties\": false}", List.of("{}", "{ }"), List.of(bad("{\"a\":1}", 1)));
    }

    /**
     * A constrained call never gives a declared property twice (a parser would keep one of the two values): each is
     * written once in schema order, and extra members may not take a declared name, at any depth.
     */
    @Test
    void aDeclaredPropertyIsNeverGivenTwice() {
        String inner = "{\"type\": \"object\", \"properties\": {\"x\": {\"type\": \"integer\"}}, \"additionalProperties\": true}";
        String schema = "{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"integer\"}, \"o\": " + inner
                + "}, \"required\": [\"a\"], \"additionalProperties\": {\"type\": \"integer\"}}";
        table(schema, List.of("{\"a\":1,\"o\":{\"x\":1,\"y\":2},\"z\":3}", "{\"a\":1,\"ab\":2}"),
                List.of(bad("{\"a\":1,\"a\":2}", 9), bad("{\"a\":1, \"a\":2}", 10), bad("{\"a\":1,\"o\":{},\"o\":2}", 16),
                        bad("{\"a\":1,\"o\":{\"x\":1,\"x\":2}}", 20), bad("{\"a\":1,\"o\":{\"y\":1,\"x\":2}}", 20)));
    }

    @Test
    void enumAndConst() {
        table("{\"type\": \"string\", \"enum\": [\"give_answer\", \"give_up_and_restart\", 3, null, {\"a\": [1]}]}",
                List.of("\"give_answer\"", "\"give_up_and_restart\"", "3", "null", "{\"a\":[1]}"),
                List.of(bad("\"give\"", 5), bad("\"give_answer \"", 12), bad("30", 1), bad("\"Give_answer\"", 1)));
        table("{\"const\": \"fixed\"}", List.of("\"fixed\""), List.of(bad("\"fixe\"", 5)));
    }

    @Test
    void arraysWithItemsAndCounts() {
        table("{\"type\": \"array\", \"items\": {\"type\": \"integer\"}, \"minItems\": 1, \"maxItems\": 2}",
                List.of("[1]", "[1, 2]", "[ 1 ,2 ]"), List.of(bad("[]", 1), bad("[1,2,3]", 4), bad("[\"a\"]", 1)));
        table("{\"type\": \"array\", \"items\": {\"type\": \"string\"}}", List.of("[]", "[\"a\",\"b\",\"c\",\"d\"]"),
                List.of(bad("[1]", 1), bad("[\"a\",]", 5)));
        table("{\"type\": \"array\", \"minItems\": 3}", List.of("[1,\"a\",null]", "[1,2,3,4,5]"), List.of(bad("[1,2]", 4)));
        table("{\"type\": \"array\", \"maxItems\": 0}", List.of("[]"), List.of(bad("[1]", 1)));
    }

    @Test
    void unionsNullableAndReferences() {
        table("{\"anyOf\": [{\"type\": \"integer\"}, {\"type\": \"string\"}]}", List.of("1", "\"s\""),
                List.of(bad("true", 0), bad("1.5", 1)));
        table("{\"oneOf\": [{\"const\": 1}, {\"const\": 2}]}", List.of("1", "2"), List.of(bad("3", 0)));
        table("{\"allOf\": [{\"type\": \"boolean\"}]}", List.of("true"), List.of(bad("1", 0)));
        table("{\"type\": \"string\", \"nullable\": true}", List.of("null", "\"x\""), List.of(bad("1", 0)));
        String refs = """
                {"$defs": {"pt": {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]}},
                 "definitions": {"tag": {"enum": ["a", "b"]}},
                 "type": "object",
                 "properties": {"points": {"type": "array", "items": {"$ref": "#/$defs/pt"}},
                                "tag": {"$ref": "#/definitions/tag"}},
                 "required": ["points", "tag"]}""";
        table(refs, List.of("{\"points\":[{\"x\":1},{\"x\":2.5}],\"tag\":\"b\"}", "{\"points\":[],\"tag\":\"a\"}"),
                List.of(bad("{\"points\":[{\"y\":1}]", 13), bad("{\"points\":[],\"tag\":\"c\"}", 20)));
    }

    @Test
    void anySchemaAndAnyObjectMode() {
        table("{}", List.of("1", "\"s\"", "[]", "{\"a\":null}", "true"), List.of(bad("}", 0)));
        Grammar any = JsonSchemaGrammar.anyObject(JsonSchemaGrammar.DEFAULT_MAX_WHITESPACE);
        assertTrue(accepts(any, "{\"a\":[1,{\"b\":null}],\"c\":\"d\"}"));
        assertEquals(0, firstRejected(any, "[1]"));
        assertEquals(0, firstRejected(any, "\"x\""));
    }

    @Test
    void whitespaceIsBoundedAndOnlyBetweenTokens() {
        Grammar g = grammar("{\"type\": \"array\"}");
        assertTrue(accepts(g, "[" + " ".repeat(8) + "1]"));
        assertEquals(9, firstRejected(g, "[" + " ".repeat(9) + "1]"));
        assertEquals(0, firstRejected(g, " []"));
        assertEquals(2, firstRejected(g, "[] "));
        Grammar compact = JsonSchemaGrammar.compile(json("{\"type\": \"array\"}"), "test", 0);
        assertEquals(1, firstRejected(compact, "[ 1]"));
    }

    @Test
    void aFinishedDocumentAcceptsNothingMore() {
        Matcher m = grammar("{\"type\": \"object\"}").matcher();
        assertTrue(m.advance("{}"));
        assertTrue(m.isFinished());
        Matcher n = grammar("{\"type\": \"integer\"}").matcher();
        assertTrue(n.advance("12"));
        assertTrue(n.isComplete());
        assertFalse(n.isFinished(), "a number may go on");
    }

    @Test
    void rejectedInputLeavesTheMatcherUnchangedAndCopiesAreIndependent() {
        Matcher m = grammar("{\"type\": \"string\"}").matcher();
        assertTrue(m.advance("\"ab"));
        Matcher copy = m.copy();
        assertFalse(m.advance("c\u0001"));
        assertTrue(m.advance("\""));
        assertTrue(m.isComplete());
        assertFalse(copy.isComplete());
        assertTrue(copy.advance("cd\""));
    }

    @Test
    void unsupportedKeywordsAreRefusedByName() {
        for (String[] c : new String[][] {
            {"{\"type\": \"string\", \"pattern\": \"^a\"}", "\"pattern\""},
            {"{\"type\": \"string\", \"format\": \"date\"}", "\"format\""},
            {"{\"type\": \"string\", \"minLength\": 2}", "\"minLength\""},
            {"{\"type\": \"integer\", \"maximum\": 2}", "\"maximum\""},
            {"{\"type\": \"object\", \"patternProperties\": {}}", "\"patternProperties\""},
            {"{\"not\": {\"type\": \"string\"}}", "\"not\""},
            {"{\"if\": {}, \"then\": {}}", "\"if\""},
            {"{\"type\": \"object\", \"properties\": {\"x\": {\"type\": \"string\", \"pattern\": \"a\"}}}", "at /properties/x"},
            {"{\"allOf\": [{}, {}]}", "\"allOf\""},
            {"{\"type\": \"array\", \"items\": [{}]}", "\"items\""},
            {"{\"$defs\": {\"n\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/$defs/n\"}}}, \"$ref\": \"#/$defs/n\"}",
                "recursive"},
            {"{\"$ref\": \"https://example.com/s.json\"}", "$ref"},
            {"{\"type\": \"object\", \"required\": [\"a\"]}", "required property \"a\""},
            {"{\"type\": \"strin\"}", "unknown type \"strin\""},
            {"{\"type\": \"string\", \"anyOf\": [{}]}", "\"anyOf\" with \"type\""},
        }) {
            BadInputException e = assertThrows(BadInputException.class, () -> grammar(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), () -> e.getMessage() + " should name " + c[1]);
            assertTrue(e.getMessage().startsWith("test: JSON schema"), e.getMessage());
        }
    }

    /** The shortest ending, as constrained decoding uses it near the token limit: its characters plus one for the end
     * of sequence (an upper bound: a document that finishes needs none), 0 once finished. */
    @Test
    void tokensToEndCountsTheShortestEnding() {
        Grammar obj = grammar("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"integer\"}, "
                + "\"b\": {\"type\": \"string\"}}, \"required\": [\"a\"]}");
        Matcher m = obj.matcher();
        assertEquals("{\"a\":0}".length() + 1, m.tokensToEnd());
        assertTrue(m.advance("{\"a\":12"));
        assertEquals(2, m.tokensToEnd(), "the closing brace");
        assertTrue(m.advance(",\"b\":\"xy"));
        assertEquals(3, m.tokensToEnd());
        assertTrue(m.advance("\"}"));
        assertEquals(0, m.tokensToEnd());
        Matcher n = grammar("{\"type\": \"integer\"}").matcher();
        assertTrue(n.advance("-"));
        assertEquals(2, n.tokensToEnd(), "a digit, then the end of sequence (more digits could follow)");
    }
}
