package io.tooltune.eval.bfcl;

import io.tooltune.eval.bfcl.BfclScorer.CategoryScore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * BFCL's summary scores ({@code generate_leaderboard_csv}): a category that was not run counts as accuracy 0 in
 * every aggregate, and a summary over a missing category is displayed as N/A, except the overall ones, which BFCL
 * always shows as numbers. Multi-turn and agentic are never run here, so they count 0 in the overall score.
 */
public final class Leaderboard {
    /** One summary score; {@code na} when BFCL would display it as N/A. */
    public record Aggregate(String name, double accuracy, boolean na) {}

    private record Part(double accuracy, int count, boolean na) {}

    private Leaderboard() {}

    /**
     * The aggregates for these category scores. {@code fullSize} gives a category's entry count when it was not run
     * (the weight of a missing live category in the entry-weighted live average).
     */
    public static List<Aggregate> aggregates(Map<String, CategoryScore> scores, ToIntFunction<String> fullSize) {
        Function<String, Part> cat = id -> {
            CategoryScore s = scores.get(id);
            return s != null ? new Part(s.accuracy(), s.total(), false) : new Part(0, fullSize.applyAsInt(id), true);
        };
        Part simple = unweighted(List.of(cat.apply("simple_python"), cat.apply("simple_java"), cat.apply("simple_javascript")), true);
        List<Part> nonLiveParts = List.of(simple, cat.apply("multiple"), cat.apply("parallel"), cat.apply("parallel_multiple"));
        Part nonLive = unweighted(nonLiveParts, false);
        List<Part> liveParts = List.of(cat.apply("live_simple"), cat.apply("live_multiple"), cat.apply("live_parallel"),
                cat.apply("live_parallel_multiple"));
        Part live = weighted(liveParts);
        Part irrelevance = unweighted(List.of(cat.apply("irrelevance"), cat.apply("live_irrelevance")), true);
        Part relevance = cat.apply("live_relevance");
        Part multiTurn = new Part(0, 0, true), agentic = new Part(0, 0, true);
        double[] weights = {10, 10, 10, 30, 40};
        List<Part> overallParts = List.of(nonLive, live, irrelevance, multiTurn, agentic);
        double overall = 0;
        for (int k = 0; k < weights.length; k++) overall += overallParts.get(k).accuracy() * (weights[k] / 100.0);

        List<Aggregate> out = new ArrayList<>();
        out.add(new Aggregate("Overall (weights 10/10/10/30/40: non-live, live, irrelevance, multi-turn, agentic)", overall, false));
        out.add(new Aggregate("Non-live AST (mean of simple, multiple, parallel, parallel_multiple)", nonLive.accuracy(), false));
        out.add(new Aggregate("Non-live simple (mean of simple_python, simple_java, simple_javascript)", simple.accuracy(), simple.na()));
        out.add(new Aggregate("Live AST (weighted by entries)", live.accuracy(), false));
        out.add(new Aggregate("Irrelevance (mean of irrelevance, live_irrelevance)", irrelevance.accuracy(), irrelevance.na()));
        out.add(new Aggregate("Relevance (live_relevance)", relevance.accuracy(), relevance.na()));
        out.add(new Aggregate("Multi-turn (not supported: counts 0)", 0, true));
        out.add(new Aggregate("Agentic (not supported: counts 0)", 0, true));
        return out;
    }

    private static Part unweighted(List<Part> parts, boolean naIfMissing) {
        double sum = 0;
        int count = 0;
        boolean na = false;
        for (Part p : parts) {
            sum += p.accuracy();
            count += p.count();
            na |= p.na();
        }
        return new Part(sum / parts.size(), count, na && naIfMissing);
    }

    private static Part weighted(List<Part> parts) {
        double sum = 0;
        int count = 0;
        for (Part p : parts) {
            sum += p.accuracy() * p.count();
            count += p.count();
        }
        return new Part(count == 0 ? 0 : sum / count, count, false);
    }
}
