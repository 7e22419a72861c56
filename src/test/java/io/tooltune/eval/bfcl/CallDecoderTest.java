package io.tooltune.eval.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.data.python.PythonRepr;
import io.tooltune.eval.bfcl.CallDecoder.DecodedCall;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decoder against BFCL's own: src/test/resources/bfcl/decoder_cases.jsonl holds outputs and the {@code repr} of
 * what BFCL's default_decode_ast_prompting returned for each under CPython 3.11 (null where it raised): 130 chosen
 * for the quirks, then 600 random edits (inserted tokens, deleted and copied characters) of the shared outputs, made by make_cases.py there.
 */
class CallDecoderTest {
    @Test
    void decodesAsBfclDoes() throws Exception {
        List<String> mismatches = new ArrayList<>();
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/bfcl/decoder_cases.jsonl"));
        for (String line : lines) {
            JsonNode c = Json.MAPPER.readTree(line);
            String output = c.get("output").asText();
            String expected = c.get("decoded").isNull() ? null : c.get("decoded").asText();
            String got;
            try {
                got = repr(CallDecoder.decode(output));
            } catch (PySyntaxError e) {
                got = null;
            }
            if (!Objects.equals(expected, got)) mismatches.add(output + " => expected " + expected + ", got " + got);
        }
        assertEquals(730, lines.size());
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
    }

    @Test
    void deepNestingFailsToDecodeInsteadOfCrashing() {
        String deep = "[f(x=" + "[".repeat(100_000) + "]".repeat(100_000) + ")]";
        assertThrows(Throwable.class, () -> CallDecoder.decode(deep));
        Category c = Category.SIMPLE_PYTHON;
        BfclFiles.Entry e = new BfclFiles.Entry("simple_python_0", null, Json.MAPPER.createArrayNode(), List.of());
        assertEquals("ast_decoder:decoder_failed", BfclScorer.judge(c, e, deep).errorType());
    }

    private static String repr(List<DecodedCall> calls) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < calls.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append('{').append(PythonRepr.repr(calls.get(i).name())).append(": ").append(repr(calls.get(i).args())).append('}');
        }
        return sb.append(']').toString();
    }

    private static String repr(Object v) {
        if (v instanceof String s) return PythonRepr.repr(s);
        if (v instanceof BigInteger || v instanceof Long || v instanceof Integer) return v.toString();
        if (v instanceof Double d) return Double.isInfinite(d) ? (d > 0 ? "inf" : "-inf") : PythonRepr.floatRepr(d);
        if (v instanceof Boolean b) return b ? "True" : "False";
        if (v == Py.NONE) return "None";
        if (v instanceof Py.Tuple t) {
            List<String> items = t.items().stream().map(CallDecoderTest::repr).toList();
            return "(" + String.join(", ", items) + (items.size() == 1 ? ",)" : ")");
        }
        if (v instanceof List<?> l) return "[" + String.join(", ", l.stream().map(CallDecoderTest::repr).toList()) + "]";
        if (v instanceof Map<?, ?> m) {
            List<String> items = new ArrayList<>();
            for (Map.Entry<?, ?> e : m.entrySet()) items.add(repr(e.getKey()) + ": " + repr(e.getValue()));
            return "{" + String.join(", ", items) + "}";
        }
        if (v instanceof Py.Other o && o.type().equals("complex")) return PyUnparser.complexRepr(o);
        if (v instanceof Py.Other o) return "b" + PythonRepr.repr(o.repr());
        throw new AssertionError("no repr for " + v);
    }
}
