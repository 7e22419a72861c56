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
            Path html = EvalReport.write(r, s.parameters(), judge.name(), s.output());
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
                JsonNode ids;
                try {
                    ids = Json.MAPPER.readTree(f.toFile());
                } catch (IOException e) {
                    throw new BadInputException(f + ": not a readable query-id file, " + AnswerSet.jsonProblem(e));
                }
                if (ids == null || !ids.isObject()) {
                    throw new BadInputException(f + ": expected a JSON object keyed by query id");
                }
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
