package io.tooltune.eval;

import java.util.Locale;

/**
 * Why one model's pass count differs between the rule sets: of the queries ToolBench's rules pass and the strict rules
 * fail ({@code lost}), how many had a round passed on a coin flip, were a tie, had a round passed as unsolvable
 * although not marked unsolvable, or have a final answer not grounded in its observations. A query may count under
 * several reasons. The strict rules pass a subset of what ToolBench's pass, since each strict round pass is a
 * ToolBench round pass.
 */
public record RuleComparison(String model, int queries, int toolbenchPasses, int strictPasses, int lost,
                             int coinFlip, int tie, int unsolvable, int ungrounded) {
    public static RuleComparison of(EvalRun.Result r, String model) {
        int queries = 0, tb = 0, st = 0, lost = 0, flip = 0, tie = 0, unsolvable = 0, ungrounded = 0;
        for (PassAndWinRates.GroupPass g : r.pass().get(model).values()) {
            for (PassAndWinRates.QueryResult q : g.done()) {
                queries++;
                boolean a = q.passes(RuleSet.TOOLBENCH), b = q.passes(RuleSet.STRICT);
                if (a) tb++;
                if (b) st++;
                if (!a || b) continue;
                lost++;
                PassAndWinRates.Strict s = q.strict();
                if (s.coinFlipPasses() > 0) flip++;
                if (q.tie()) tie++;
                if (s.unsolvablePasses() > 0 && !r.options().unsolvableQueries().contains(q.qid())) unsolvable++;
                if (s.grounding() != null && !s.grounding().grounded()) ungrounded++;
            }
        }
        return new RuleComparison(model, queries, tb, st, lost, flip, tie, unsolvable, ungrounded);
    }

    /** One paragraph for the report, built from the counts. */
    public String explanation() {
        String s = String.format(Locale.ROOT, "%s: ToolBench's rules pass %d of %d queries, the strict rules %d.",
                model, toolbenchPasses, queries, strictPasses);
        if (lost == 0) return s + " No query passes under ToolBench's rules alone.";
        return s + String.format(Locale.ROOT, " Of the %d queries only ToolBench's rules pass, %d had a round passed on a coin flip"
                        + " (an Unsure verdict), %d were ties of passed and failed rounds, %d had a round passed because the judge"
                        + " found the task unsolvable although the query is not marked unsolvable, and %d have a final answer"
                        + " with numbers or names that occur in no tool observation (a query may count under several of these).",
                lost, coinFlip, tie, unsolvable, ungrounded);
    }
}
