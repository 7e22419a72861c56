package io.tooltune.data.synth;

import java.util.List;
import java.util.Map;

/** A generated benchmark: the catalog, the training queries and the test queries of each group (in GROUPS order). */
public record SynthDataset(SynthOptions options, Catalog catalog, ResponseSimulator simulator, List<SynthQuery> train,
                           Map<String, List<SynthQuery>> test) {

    public static final List<String> GROUPS = List.of("G1_instruction", "G1_category", "G1_tool", "G2_instruction",
            "G2_category", "G3_instruction");
}
