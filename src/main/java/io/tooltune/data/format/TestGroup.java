package io.tooltune.data.format;

import java.util.Arrays;
import java.util.List;

/**
 * ToolBench's six test groups ({@code test_instruction/<name>.json}), in the paper's order, with the short column
 * labels of the ToolLLaMA paper's tables.
 */
public enum TestGroup {
    G1_INSTRUCTION("G1_instruction", "I1-Inst."),
    G1_CATEGORY("G1_category", "I1-Cat."),
    G1_TOOL("G1_tool", "I1-Tool"),
    G2_INSTRUCTION("G2_instruction", "I2-Inst."),
    G2_CATEGORY("G2_category", "I2-Cat."),
    G3_INSTRUCTION("G3_instruction", "I3-Inst.");

    /** The six names, in order. */
    public static final List<String> NAMES = Arrays.stream(values()).map(TestGroup::fileName).toList();

    private final String name;
    private final String label;

    TestGroup(String name, String label) {
        this.name = name;
        this.label = label;
    }

    /** The name as ToolBench's files spell it, e.g. {@code G1_instruction}. */
    public String fileName() {
        return name;
    }

    public String label() {
        return label;
    }

    /** A group's short label; any other name (e.g. a custom group) is its own label. */
    public static String labelOf(String name) {
        for (TestGroup g : values()) if (g.name.equals(name)) return g.label;
        return name;
    }
}
