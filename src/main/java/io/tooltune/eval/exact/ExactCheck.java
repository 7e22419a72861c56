package io.tooltune.eval.exact;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.data.synth.SynthGold;

import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Exact checks of an agent's run against a query's gold calls, independent of any judge: was every gold API
 * called, was each called with the gold arguments, and does the final answer contain every gold fact; and, per gold
 * call, how many of the query's gold calls the agent made exactly (a softer measure for queries that need several).
 */
public final class ExactCheck {
    private ExactCheck() {}

    public record Result(boolean apiRight, boolean argsRight, boolean answerRight, int goldCalls, int exactCalls) {
        public boolean allRight() {
            return apiRight && argsRight && answerRight;
        }
    }

    public static Result check(SynthGold gold, AgentTrace trace) {
        boolean api = true, args = true;
        int exactCalls = 0;
        for (SynthGold.Call g : gold.calls()) {
            boolean called = false, exact = false;
            for (AgentTrace.Call c : trace.calls()) {
                if (!c.name().equals(g.function())) continue;
                called = true;
                if (sameArguments(g.arguments(), c.arguments())) exact = true;
            }
            api &= called;
            args &= exact;
            if (exact) exactCalls++;
        }
        String answer = trace.finalAnswer().toLowerCase(Locale.ROOT);
        boolean facts = trace.gaveAnswer() && !answer.isBlank();
        for (String f : gold.facts()) facts &= answer.contains(f.toLowerCase(Locale.ROOT));
        return new Result(api, api && args, facts, gold.calls().size(), exactCalls);
    }

    /**
     * Gold and actual arguments agree when the call's arguments parse as a JSON object with the same keys and
     * each value has the same text (so 5 and "5" agree, as they do for the API).
     */
    static boolean sameArguments(JsonNode gold, String actual) {
        JsonNode got;
        try {
            got = actual == null || actual.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(actual);
        } catch (IOException e) {
            return false;
        }
        if (got == null || !got.isObject()) return false;
        JsonNode want = gold == null || gold.isNull() ? Json.MAPPER.createObjectNode() : gold;
        if (want.size() != got.size()) return false;
        for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = got.get(e.getKey());
            if (v == null || !text(v).equals(text(e.getValue()))) return false;
        }
        return true;
    }

    private static String text(JsonNode v) {
        return v.isValueNode() ? v.asText() : v.toString();
    }
}
