package io.tooltune.data.synth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.core.util.Separators.Spacing;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.tooltune.Json;

/** JSON text laid out as Python's json.dumps writes it (ToolBench files and observations are made by Python). */
final class PyJson {
    private static final Separators PY = Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Spacing.AFTER).withObjectEmptySeparator("").withArrayEmptySeparator("");
    private static final ObjectWriter COMPACT = Json.MAPPER.writer(new DefaultPrettyPrinter(
            PY.withObjectEntrySpacing(Spacing.AFTER).withArrayValueSpacing(Spacing.AFTER))
            .withObjectIndenter(new DefaultPrettyPrinter.NopIndenter())
            .withArrayIndenter(new DefaultPrettyPrinter.NopIndenter()));

    private PyJson() {}

    /** json.dumps(value): ", " and ": " separators, one line. */
    static String dumps(Object value) {
        try {
            return COMPACT.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** json.dumps(value, indent=n). */
    static ObjectWriter indented(int n) {
        DefaultIndenter ind = new DefaultIndenter(" ".repeat(n), "\n");
        return Json.MAPPER.writer(new DefaultPrettyPrinter(PY).withObjectIndenter(ind).withArrayIndenter(ind));
    }
}
