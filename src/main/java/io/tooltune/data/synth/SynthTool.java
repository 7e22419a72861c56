package io.tooltune.data.synth;

import java.util.List;

/** A synthetic RapidAPI tool: original name (as in tool_name), description, host and its APIs over one domain. */
public record SynthTool(String category, String name, String description, String host, Domain domain,
                        List<SynthApi> apis) {

    public SynthApi api(String apiName) {
        for (SynthApi a : apis) {
            if (a.name().equals(apiName)) {
                return a;
            }
        }
        throw new IllegalArgumentException(name + " has no API " + apiName);
    }
}
