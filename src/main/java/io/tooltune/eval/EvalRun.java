package io.tooltune.eval;

import io.tooltune.BadInputException;
import io.tooltune.data.format.TestGroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The eval stage's entry point: every model's pass rate per group and, given a reference model, every other model's
 * win rate against it ({@link PassAndWinRates}); writes ToolEval's files under {@code output/pass_rate} and
 * {@code output/preference}, and the strict rules' verdicts under {@code output/strict} ({@link StrictFiles}).
 */
public final class EvalRun {
    /** Every model's verdicts per group, read under either rule set; {@code toolUse}: each model's tool-use counts. */
    public record Result(List<String> models, List<String> groups, Map<String, Map<String, PassAndWinRates.GroupPass>> pass,
                         Map<String, Map<String, PassAndWinRates.GroupWin>> win, String reference, PassAndWinRates.Options options,
                         Map<String, ToolUse> toolUse) {
        /** Pass rate (or SoPR mean) in percent under the run's own rule set. */
        public double passPercent(String model, String group) {
            return passPercent(model, group, options.rules());
        }

        public double passPercent(String model, String group, RuleSet rules) {
            PassAndWinRates.GroupPass g = pass.get(model).get(group);
            if (g == null) return 0;
            if (options.metric() == PassAndWinRates.Metric.SOPR) {
                double[] r = g.soprRounds(options.evaluateTimes(), rules);
                return Arrays.stream(r).average().orElse(0) * 100;
            }
            return g.passRate(rules) * 100;
        }

        /** Population standard deviation of SoPR over rounds, in percent (0 for the pass metric). */
        public double soprStdPercent(String model, String group) {
            PassAndWinRates.GroupPass g = pass.get(model).get(group);
            if (g == null || options.metric() != PassAndWinRates.Metric.SOPR) return 0;
            double[] r = g.soprRounds(options.evaluateTimes(), options.rules());
            double mean = Arrays.stream(r).average().orElse(0);
            return Math.sqrt(Arrays.stream(r).map(x -> (x - mean) * (x - mean)).average().orElse(0)) * 100;
        }

        /** Unweighted mean over the groups (the paper's "Average"). */
        public double averagePass(String model) {
            return averagePass(model, options.rules());
        }

        public double averagePass(String model, RuleSet rules) {
            return groups.stream().mapToDouble(g -> passPercent(model, g, rules)).average().orElse(0);
        }

        /** The 95 % bootstrap interval (percent) of one group's score, resampling its queries. */
        public Bootstrap.Interval interval(String model, String group, RuleSet rules) {
            return percent(Bootstrap.mean(scores(model, group, rules), seed(model, group, rules)));
        }

        /** The 95 % bootstrap interval (percent) of the average over groups, resampling within each group. */
        public Bootstrap.Interval averageInterval(String model, RuleSet rules) {
            List<double[]> per = groups.stream().map(g -> scores(model, g, rules)).toList();
            return percent(Bootstrap.meanOfMeans(per, seed(model, "*", rules)));
        }

        /** Percent of the model's final answers (give-ups and empty answers aside) grounded in their observations. */
        public double groundedPercent(String model) {
            long answered = 0, grounded = 0;
            for (PassAndWinRates.GroupPass g : pass.get(model).values()) {
                for (PassAndWinRates.QueryResult q : g.done()) {
                    if (q.strict().grounding() == null) continue;
                    answered++;
                    if (q.strict().grounding().grounded()) grounded++;
                }
            }
            return answered == 0 ? 0 : 100.0 * grounded / answered;
        }

        private double[] scores(String model, String group, RuleSet rules) {
            PassAndWinRates.GroupPass g = pass.get(model).get(group);
            return g == null ? new double[0] : g.queryScores(options.metric(), options.evaluateTimes(), rules);
        }

        private long seed(String model, String group, RuleSet rules) {
            return options.seed() * 31 + String.join("\u0000", model, group, rules.name()).hashCode();
        }

        private static Bootstrap.Interval percent(Bootstrap.Interval i) {
            return new Bootstrap.Interval(i.low() * 100, i.high() * 100);
        }

        public long pending() {
            long n = 0;
            for (var m : pass.values()) for (var g : m.values()) n += g.pending();
            for (var m : win.values()) for (var g : m.values()) n += g.pending();
            return n;
        }
    }

    /** ToolEval's defaults: 4 judgements per query, pass rate, seed 42, 4 queries judged at once, the pass shortcut. */
    public static final PassAndWinRates.Options DEFAULT_OPTIONS = new PassAndWinRates.Options(4, PassAndWinRates.Metric.PASS, 42, 4, true);

    /**
     * The eval stage: answer folders (raw or converted, one model each) named by {@code modelNames} (empty: the
     * folder names), written into {@code output}; {@code reference}: the model others' win rates are against (or
     * null); {@code testIds}: a folder of {@code <group>.json} id files (or null); {@code parameters}: Table 1's
     * parameter counts by model; {@code store}: the judgement store (null: {@code output/judgements.sqlite}).
     */
    public record Stage(List<Path> answers, List<String> modelNames, Path output, String reference, Path testIds,
                        Map<String, String> parameters, PassAndWinRates.Options options, Path store) {
        public Stage {
            if (!modelNames.isEmpty() && modelNames.size() != answers.size()) {
                throw new BadInputException("--model-name: " + modelNames.size() + " names for " + answers.size() + " --answers folders");
            }
            if (options.evaluateTimes() < 1) throw new BadInputException("--evaluate-times must be at least 1");
        }
    }

    /**
     * The stage's result, its report.html, the judge requests it made and the judgements stored, and the answer
     * files that could not be read ("file: problem"; each counted as a failed query).
     */
    public record Outcome(Result result, Path report, int asked, int stored, List<String> unreadable) {}

    private EvalRun() {}

    /** Loads the answers, judges them with {@code judge} (through the store), writes ToolEval's files and report.html. */
    public static Outcome run(Stage s, Judge judge) throws IOException {
        List<AnswerSet> sets = new ArrayList<>();
        for (int i = 0; i < s.answers().size(); i++) {
            Path dir = s.answers().get(i).toAbsolutePath().normalize();
            String name = s.modelNames().isEmpty() ? dir.getFileName().toString() : s.modelNames().get(i);
            sets.add(AnswerSet.load(dir, name, s.options().seed()));
        }
        try (JudgeStore js = new JudgeStore(s.store() != null ? s.store() : s.output().resolve("judgements.sqlite"), judge)) {
            Result r = run(sets, s.reference(), s.testIds(), js, s.options(), s.output());
            Path html = EvalReport.write(r, s.parameters(), judge.name() + judge.settings(), s.output());
            List<String> unreadable = sets.stream().flatMap(a -> a.unreadable().stream()).toList();
            return new Outcome(r, html, js.asked(), js.size(), unreadable);
        }
    }

    public static Result run(List<AnswerSet> sets, String reference, Path testIds, JudgeStore store,
                             PassAndWinRates.Options options, Path output) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        for (AnswerSet s : sets) if (!names.add(s.model())) throw new BadInputException("model name " + s.model() + " given twice");
        AnswerSet ref = null;
        if (reference != null) {
            ref = sets.stream().filter(s -> s.model().equals(reference)).findFirst()
                    .orElseThrow(() -> new BadInputException("--reference " + reference + ": not one of the models " + names));
        }
        List<String> groups = new ArrayList<>();
        Set<String> present = new TreeSet<>();
        for (AnswerSet s : sets) { present.addAll(s.answers().keySet()); present.addAll(s.failures().keySet()); }
        for (String g : TestGroup.NAMES) if (present.contains(g)) groups.add(g);
        for (String g : present) if (!groups.contains(g)) groups.add(g);

        PassAndWinRates eval = new PassAndWinRates(store, options);
        Map<String, Map<String, PassAndWinRates.GroupPass>> pass = new LinkedHashMap<>();
        Map<String, Map<String, PassAndWinRates.GroupWin>> win = new LinkedHashMap<>();
        for (String group : groups) {
            List<String> qids = queryIds(sets, group, testIds);
            for (AnswerSet s : sets) {
                PassAndWinRates.GroupPass g = eval.passRate(s, group, qids);
                pass.computeIfAbsent(s.model(), k -> new LinkedHashMap<>()).put(group, g);
                ToolEvalFiles.writePass(output.resolve("pass_rate").resolve(s.model()), g, options.metric(), eval);
                StrictFiles.write(output.resolve("strict").resolve(s.model()), g);
            }
            if (ref == null) continue;
            for (AnswerSet s : sets) {
                if (s == ref) continue;
                PassAndWinRates.GroupWin w = eval.winRate(ref, s, group, qids, pass.get(ref.model()).get(group), pass.get(s.model()).get(group));
                win.computeIfAbsent(s.model(), k -> new LinkedHashMap<>()).put(group, w);
                ToolEvalFiles.writePreference(output.resolve("preference"), w, options.evaluateTimes(),
                        ref.answers().getOrDefault(group, Map.of()), s.answers().getOrDefault(group, Map.of()));
            }
        }
        Map<String, ToolUse> toolUse = new LinkedHashMap<>();
        for (AnswerSet s : sets) toolUse.put(s.model(), ToolUse.of(s));
        return new Result(List.copyOf(names), groups, pass, win, reference, options, toolUse);
    }

    /** The group's test ids ({@code <testIds>/<group>.json} keys) or else every query any model answered. */
    static List<String> queryIds(List<AnswerSet> sets, String group, Path testIds) throws IOException {
        if (testIds != null) {
            Path f = testIds.resolve(group + ".json");
            if (Files.exists(f)) return new ArrayList<>(QueryIds.read(f));
        }
        Set<String> ids = new LinkedHashSet<>();
        for (AnswerSet s : sets) {
            ids.addAll(s.answers().getOrDefault(group, Map.of()).keySet());
            s.failures().getOrDefault(group, Map.of()).keySet().stream().filter(k -> !k.equals("*")).forEach(ids::add);
        }
        return new ArrayList<>(ids);
    }
}
