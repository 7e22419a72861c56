package io.tooltune.data.format;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;

/**
 * The layout of Python's {@code json.dump(obj, f, indent=4)}, which ToolBench uses for its data files:
 * four-space indents, {@code "key": value}, empty containers as {@code []} / {@code {}}.
 */
final class PythonJsonLayout {
    private PythonJsonLayout() {}

    static DefaultPrettyPrinter printer() {
        DefaultIndenter indent = new DefaultIndenter("    ", "\n");
        Separators seps = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("").withArrayEmptySeparator("");
        return new DefaultPrettyPrinter(seps).withObjectIndenter(indent).withArrayIndenter(indent);
    }
}
