package io.tooltune.data.python;

import io.tooltune.Json;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Expected strings are what CPython 3.11 prints for repr(json.loads(...)). */
class PythonReprTest {
    private static String r(String json) throws Exception {
        return PythonRepr.repr(Json.MAPPER.readTree(json));
    }

    @Test
    void containersAndLiterals() throws Exception {
        assertEquals("{'a': [1, 2.5, True, False, None], 'b': {}, 'c': []}", r("{\"a\":[1,2.5,true,false,null],\"b\":{},\"c\":[]}"));
    }

    @Test
    void stringQuotingAndEscapes() {
        assertEquals("'plain'", PythonRepr.repr("plain"));
        assertEquals("\"it's\"", PythonRepr.repr("it's"));
        assertEquals("'both \\' and \"'", PythonRepr.repr("both ' and \""));
        assertEquals("'a\\\\b\\n\\t\\r\\x00\\x7f'", PythonRepr.repr("a\\b\n\t\r\u0000\u007f"));
        assertEquals("'é中\\xa0\\u2028\\u200b😀'", PythonRepr.repr("é中\u00a0\u2028\u200b😀"));
        assertEquals("'\\x85\\ud83d'", PythonRepr.repr("\u0085\ud83d"));
    }

    @Test
    void floatsLikePython() {
        assertEquals("1000.0", PythonRepr.floatRepr(1000.0));
        assertEquals("1e-05", PythonRepr.floatRepr(0.00001));
        assertEquals("0.0001", PythonRepr.floatRepr(0.0001));
        assertEquals("1e+16", PythonRepr.floatRepr(1e16));
        assertEquals("1234567890123456.0", PythonRepr.floatRepr(1234567890123456.0));
        assertEquals("0.1", PythonRepr.floatRepr(0.1));
        assertEquals("-2.5e-07", PythonRepr.floatRepr(-2.5e-7));
        assertEquals("1.7976931348623157e+308", PythonRepr.floatRepr(Double.MAX_VALUE));
        assertEquals("123.456", PythonRepr.floatRepr(123.456));
    }
}
