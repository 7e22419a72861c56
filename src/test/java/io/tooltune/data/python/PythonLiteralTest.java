package io.tooltune.data.python;

import io.tooltune.Json;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PythonLiteralTest {
    @Test
    void readsBackWhatReprWrites() throws Exception {
        String json = "{\"name\":\"it's \\\"x\\\"\",\"a\":[1,2.5e-07,true,false,null,{}],\"u\":\"é\\u2028😀\\n\\\\\"}";
        var node = Json.MAPPER.readTree(json);
        assertEquals(node, PythonLiteral.parse(PythonRepr.repr(node)));
    }

    @Test
    void cutOffLiteralsAreClosedAndFlagged() {
        // a real ToolEval default_evalset tool message, cut at 100 characters
        String cut = "{'name': 'vin_decode_for_vin_decoder_v4', 'arguments': '{\\n  \"vin\": \"WBAWY32040L678750\"\\n}', 'respon";
        PythonLiteral.Parsed p = PythonLiteral.parsePrefix(cut);
        assertTrue(p.truncated());
        assertEquals("vin_decode_for_vin_decoder_v4", p.value().get("name").asText());
        assertEquals("{\n  \"vin\": \"WBAWY32040L678750\"\n}", p.value().get("arguments").asText());
        assertFalse(p.value().has("response"));
        assertThrows(IllegalArgumentException.class, () -> PythonLiteral.parse(cut));
        assertThrows(IllegalArgumentException.class, () -> PythonLiteral.parse("{'a' 1}"));
    }
}
