package io.tooltune.data.synth;

import java.util.List;

/**
 * A generated task: its group, the query text, the APIs offered (api_list order), the gold call sequence, the gold
 * final answer and the facts (values from API responses) a correct answer must contain.
 */
public record SynthQuery(String group, long queryId, String query, List<ApiRef> apiList, List<GoldCall> calls,
                         String finalAnswer, List<String> facts) {

    /** An API of a tool, as offered in api_list. */
    public record ApiRef(SynthTool tool, SynthApi api) {}

    /** Training-style group of this query: G1, G2 or G3 (the answer/instruction folder it belongs to). */
    public String level() {
        return group.substring(0, 2);
    }
}
