package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
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
 * {@code output/preference}.
 */
public final class EvalRun {
    public record Result(List<String> models, List<String> groups, Map<String, Map<String, PassAndWinRates.GroupPass>> pass,
                         Map<String, Map<String, PassAndWinRates.GroupWin>> win, String reference, PassAndWinRates.Options options) {
        /** Pass rate (or SoPR mean) in percent. */
        public double passPercent(String model, String group) {
            PassAndWinRates.GroupPass g = pass.get(model).get(group);
            if (g == null) return 0;
            if (options.metric() == PassAndWinRates.Metric.SOPR) {
                double[] r = g.soprRounds(options.evaluateTimes());
                return Arrays.stream(r).average().orElse(0) * 100;
            }
            return g.passRate() * 100;
        }

        /** Population standard deviation of SoPR over rounds, in percent (0 for the pass metric). */
        public double soprStdPercent(String model, String group) {
            PassAndWinRates.GroupPass g = pass.get(model).get(group);
            if (g == null || options.metric() != PassAndWinRates.Metric.SOPR) return 0;
            double[] r = g.soprRounds(options.evaluateTimes());
            double mean = Arrays.stream(r).average().orElse(0);
            return Math.sqrt(Arrays.stream(r).map(x -> (x - mean) * (x - mean)).average().orElse(0)) * 100;
        }

        /** Unweighted mean over the groups (the paper's "Average"). */
        public double averagePass(String model) {
            return groups.stream().mapToDouble(g -> passPercent(model, g)).average().orElse(0);
        }

        public long pending() {
            long n = 0;
            for (var m : pass.values()) for (var g : m.values()) n += g.pending();
            for (var m : win.values()) for (var g : m.values()) n += g.pending();
            return n;
        }
    }

    private EvalRun() {}

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
        return new Result(List.copyOf(names), groups, pass, win, reference, options);
    }

    /** The group's test ids ({@code <testIds>/<group>.json} keys) or else every query any model answered. */
    static List<String> queryIds(List<AnswerSet> sets, String group, Path testIds) throws IOException {
        if (testIds != null) {
            Path f = testIds.resolve(group + ".json");
            if (Files.exists(f)) {
                JsonNode ids = Json.MAPPER.readTree(f.toFile());
                List<String> out = new ArrayList<>();
                ids.fieldNames().forEachRemaining(out::add);
                return out;
            }
        }
        Set<String> ids = new LinkedHashSet<>();
        for (AnswerSet s : sets) {
            ids.addAll(s.answers().getOrDefault(group, Map.of()).keySet());
            s.failures().getOrDefault(group, Map.of()).keySet().stream().filter(k -> !k.equals("*")).forEach(ids::add);
        }
        return new ArrayList<>(ids);
    }
}
