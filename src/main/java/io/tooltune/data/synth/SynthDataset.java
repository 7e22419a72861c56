package io.tooltune.data.synth;

import io.tooltune.data.format.ToolNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A generated benchmark: the catalog, the training queries and the test queries of each group (in {@link io.tooltune.data.format.TestGroup} order). */
public record SynthDataset(SynthOptions options, Catalog catalog, ResponseSimulator simulator, List<SynthQuery> train,
                           Map<String, List<SynthQuery>> test) {

    /**
     * What the virtual API server answers for any call, cached or not: {"error": "", "response": ...}. The tool
     * and API are matched by their standardized names (as in the cache path), so a function name's parts work;
     * empty when no such API exists.
     */
    public Optional<JsonNode> respond(String tool, String api, Map<String, ?> args) {
        String stdTool = ToolNames.standardize(tool);
        String stdApi = ToolNames.pureApiName(api);
        for (SynthTool t : catalog.tools()) {
            if (ToolNames.standardize(t.name()).equals(stdTool)) {
                for (SynthApi a : t.apis()) {
                    if (ToolNames.pureApiName(a.name()).equals(stdApi)) {
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
