package io.tooltune.data.python;

import io.tooltune.Json;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Expected strings are CPython 3's json.dumps output for the same values. */
class PythonJsonTest {
    @Test
    void dumpsAsPython() throws Exception {
        assertEquals("{\"a\": {}, \"b\": [], \"c\": [1, {\"d\": null}]}",
                PythonJson.dumps(Json.MAPPER.readTree("{\"a\": {}, \"b\": [], \"c\": [1, {\"d\": null}]}")));
        assertEquals("{\n  \"a\": {},\n  \"b\": [],\n  \"c\": [\n    1,\n    {\n      \"d\": null\n    }\n  ]\n}",
                PythonJson.dumps(Json.MAPPER.readTree("{\"a\": {}, \"b\": [], \"c\": [1, {\"d\": null}]}"), 2));
        assertEquals("[1e+16, 1.0, 0.1, NaN, -0.0, 12345678901234567890]", PythonJson.dumps(Json.MAPPER.createArrayNode()
                .add(1e16).add(1.0).add(0.1).add(Double.NaN).add(-0.0).add(new BigInteger("12345678901234567890"))));
        assertEquals("\"\\ud83d\\ude00\\u0007\\u00e9\"", PythonJson.dumps(Json.MAPPER.getNodeFactory().textNode("😀\u0007é")));
    }

    @Test
    void writerLaysFilesOutAsJsonDumpWithIndent() throws Exception {
        assertEquals("{\n  \"a\": [\n    1,\n    {\n      \"b\": \"é\"\n    }\n  ],\n  \"c\": {}\n}",
                PythonJson.writer(2).writeValueAsString(Json.MAPPER.readTree("{\"a\": [1, {\"b\": \"é\"}], \"c\": {}}")));
    }
}
