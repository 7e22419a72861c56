package io.tooltune.data.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A generated benchmark: the catalog, the training queries and the test queries of each group (in GROUPS order). */
public record SynthDataset(SynthOptions options, Catalog catalog, ResponseSimulator simulator, List<SynthQuery> train,
                           Map<String, List<SynthQuery>> test) {

    public static final List<String> GROUPS = List.of("G1_instruction", "G1_category", "G1_tool", "G2_instruction",
            "G2_category", "G3_instruction");

    /**
     * What the virtual API server answers for any call, cached or not: {"error": "", "response": ...}. The tool
     * and API are matched by their standardized names (as in the cache path), so a function name's parts work;
     * empty when no such API exists.
     */
    public Optional<JsonNode> respond(String tool, String api, Map<String, ?> args) {
        String stdTool = SynthNames.standardize(tool);
        String stdApi = SynthNames.argument(api);
        for (SynthTool t : catalog.tools()) {
            if (SynthNames.standardize(t.name()).equals(stdTool)) {
                for (SynthApi a : t.apis()) {
                    if (SynthNames.argument(a.name()).equals(stdApi)) {
                        ObjectNode r = JsonNodeFactory.instance.objectNode();
                        r.put("error", "");
                        r.set("response", simulator.respond(t, a, args));
                        return Optional.of(r);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
