package io.tooltune.data.synth;

import java.util.List;
import java.util.Set;

/**
 * The synthetic tool universe. Held-out categories (all their tools) and held-out tools (one per seen category)
 * never appear in training; collections group seen tools of different categories, as RapidAPI collections do
 * for G3.
 */
public record Catalog(List<String> categories, List<SynthTool> tools, Set<String> heldOutCategories,
                      Set<String> heldOutTools, List<List<SynthTool>> collections) {

    /** Tools training may use: in a seen category and not held out. */
    public List<SynthTool> seenTools() {
        return tools.stream().filter(this::isSeen).toList();
    }

    public boolean isSeen(SynthTool t) {
        return !heldOutCategories.contains(t.category()) && !heldOutTools.contains(t.name());
    }

    /** The tool of that name. */
    public SynthTool tool(String name) {
        return tools.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    public List<SynthTool> toolsIn(String category) {
        return tools.stream().filter(t -> t.category().equals(category)).toList();
    }
}
