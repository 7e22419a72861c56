package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Progress;
import io.tooltune.eval.ToolEvalRules.AnswerStatus;
import io.tooltune.eval.ToolEvalRules.TaskStatus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * ToolEval's pass rate (eval_pass_rate.py) and win rate (eval_preference.py) of one model on one group, decided by
 * {@link ToolEvalRules}, each query's verdicts also read under the strict rules ({@link RuleSet}); {@link EvalRun}
 * runs it over every model and group. Every random choice
 * (Unsure coin flips, answer order, tie-breaks) is seeded by (seed, model, group, query, round), so a rerun over
 * the same judgement store gives the same labels.
 */
public final class PassAndWinRates {
    public enum Metric { PASS, SOPR }

    /**
     * {@code rules}: the rule set of the per-group table and radar chart (both are always computed; ToolEval's pass
     * files keep ToolBench's counts, {@link StrictFiles} the strict ones);
     * {@code unsolvableQueries}: ids of queries marked unsolvable, the only ones the strict rules pass as unsolvable.
     */
    public record Options(int evaluateTimes, Metric metric, long seed, int concurrency, boolean passShortcut,
                          RuleSet rules, Set<String> unsolvableQueries) {
        public Options {
            unsolvableQueries = Set.copyOf(unsolvableQueries);
        }

        /** ToolBench's rules, no query marked unsolvable. */
        public Options(int evaluateTimes, Metric metric, long seed, int concurrency, boolean passShortcut) {
            this(evaluateTimes, metric, seed, concurrency, passShortcut, RuleSet.TOOLBENCH, Set.of());
        }
    }

    /**
     * The strict rules' reading of a query's rounds ({@code rounds}: passed per round), and what ToolBench's rules
     * passed that they do not: rounds passed on a coin flip, rounds passed as unsolvable, and the grounding of the
     * final answer (null without a final answer).
     */
    public record Strict(List<Boolean> rounds, int coinFlipPasses, int unsolvablePasses, Grounding grounding) {
        public int passed() {
            return (int) rounds.stream().filter(b -> b).count();
        }

        public int failed() {
            return rounds.size() - passed();
        }
    }

    /** One query's pass-rate record (ToolBench's label_cnt entry). */
    public record QueryResult(String qid, String query, List<String> toolNames, String steps, String finalStep,
                              Map<Integer, String> isSolved, int passed, int failed, String taskSolvable,
                              String reason, boolean notHallucinate, String failure, boolean pending, Strict strict) {
        /** ToolEval: a query passes iff failed ≤ passed. */
        public boolean passes() {
            return failed <= passed;
        }

        /** ToolEval's majority with ties passing, or the strict majority (ties fail). */
        public boolean passes(RuleSet rules) {
            return rules == RuleSet.TOOLBENCH ? passes() : strict.passed() > strict.failed();
        }

        /** A 2–2 style tie, which ToolEval passes and the strict rules fail. */
        public boolean tie() {
            return passed == failed;
        }
    }

    public record GroupPass(String model, String group, List<QueryResult> queries) {
        public List<QueryResult> done() {
            return queries.stream().filter(q -> !q.pending()).toList();
        }

        public double passRate() {
            return passRate(RuleSet.TOOLBENCH);
        }

        public double passRate(RuleSet rules) {
            List<QueryResult> d = done();
            return d.isEmpty() ? 0 : (double) d.stream().filter(q -> q.passes(rules)).count() / d.size();
        }

        /** StableToolBench SoPR per round: (Solved + 0.5 Unsure) / N. */
        public double[] soprRounds(int times) {
            return soprRounds(times, RuleSet.TOOLBENCH);
        }

        /** SoPR per round; under the strict rules a round scores 1 when it passes strictly, else 0 (no half credit). */
        public double[] soprRounds(int times, RuleSet rules) {
            List<QueryResult> d = done();
            double[] r = new double[times];
            for (int i = 0; i < times; i++) {
                double s = 0;
                for (QueryResult q : d) s += soprScore(q, i, rules);
                r[i] = d.isEmpty() ? 0 : s / d.size();
            }
            return r;
        }

        /** Each finished query's score (pass 0/1, or its SoPR averaged over rounds), for bootstrap intervals. */
        public double[] queryScores(Metric metric, int times, RuleSet rules) {
            return done().stream().mapToDouble(q -> {
                if (metric == Metric.PASS) return q.passes(rules) ? 1 : 0;
                double s = 0;
                for (int i = 0; i < times; i++) s += soprScore(q, i, rules);
                return s / times;
            }).toArray();
        }

        private static double soprScore(QueryResult q, int round, RuleSet rules) {
            if (rules == RuleSet.STRICT) {
                List<Boolean> r = q.strict().rounds();
                return round < r.size() && r.get(round) ? 1 : 0;
            }
            String v = q.isSolved().get(round);
            if (AnswerStatus.Solved.str().equals(v)) return 1;
            return AnswerStatus.Unsure.str().equals(v) ? 0.5 : 0;
        }

        public long pending() {
            return queries.size() - done().size();
        }
    }

    public record PrefResult(String qid, int ref, int cand, boolean pending) {
        /** ToolEval's preference_label: 1 reference, 2 candidate, 3 tie. */
        public int label() {
            return ref > cand ? 1 : ref < cand ? 2 : 3;
        }
    }

    public record GroupWin(String refModel, String model, String group, List<PrefResult> queries) {
        private double rate(int label) {
            List<PrefResult> d = queries.stream().filter(q -> !q.pending()).toList();
            return d.isEmpty() ? 0 : (double) d.stream().filter(q -> q.label() == label).count() / d.size();
        }

        public double winRate() {
            return rate(2);
        }

        public double tieRate() {
            return rate(3);
        }

        public double loseRate() {
            return rate(1);
        }

        public long pending() {
            return queries.stream().filter(PrefResult::pending).count();
        }
    }

    private final JudgeStore store;
    private final ToolEvalRules rules;
    private final Options options;

    public PassAndWinRates(JudgeStore store, Options options) {
        this.store = store;
        this.rules = new ToolEvalRules(store);
        this.options = options;
    }

    /** A generator per decision; SplittableRandom mixes its seed, so neighbouring seeds give independent draws. */
    private RandomGenerator random(String... parts) {
        return new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + String.join("\u0000", parts).hashCode());
    }

    public GroupPass passRate(AnswerSet set, String group, List<String> qids) {
        Map<String, JsonNode> answers = set.answers().getOrDefault(group, Map.of());
        Map<String, String> failures = set.failures().getOrDefault(group, Map.of());
        List<QueryResult> out = parallel("pass " + set.model() + " " + group, qids, qid -> {
            JsonNode ex = answers.get(qid);
            if (ex == null) {
                String why = failures.getOrDefault(qid, failures.getOrDefault("*", "no answer for query " + qid));
                Map<Integer, String> solved = new LinkedHashMap<>();
                for (int i = 0; i < options.evaluateTimes(); i++) solved.put(i, AnswerStatus.Unsolved.str());
                return new QueryResult(qid, "", List.of(), "", "", solved, 0, options.evaluateTimes(),
                        TaskStatus.Solvable.str(), why, true, why, false,
                        new Strict(Collections.nCopies(options.evaluateTimes(), false), 0, 0, null));
            }
            return passQuery(set.model(), group, qid, ex);
        });
        return new GroupPass(set.model(), group, out);
    }

    private QueryResult passQuery(String model, String group, String qid, JsonNode ex) {
        String query = ex.path("query").asText();
        List<String> tools = new ArrayList<>();
        for (JsonNode t : ex.path("available_tools")) tools.add(t.path("name").asText());
        AnswerPath.AnswerSteps steps = AnswerPath.steps(ex);
        boolean notHallucinate;
        try {
            notHallucinate = AnswerPath.notHallucinated(ex);
        } catch (RuntimeException e) {
            notHallucinate = true;
        }
        Map<Integer, String> solved = new LinkedHashMap<>();
        int passed = 0, failed = 0, coinFlips = 0, asUnsolvable = 0;
        List<Boolean> strictRounds = new ArrayList<>();
        Grounding grounding = Grounding.of(query, ex.path("answer"));
        String taskSolvable = TaskStatus.Solvable.str(), reason = "";
        JsonNode task = ToolEvalRules.task(query, ex.path("available_tools"));
        try {
            for (int round = 0; round < options.evaluateTimes(); round++) {
                String slot = "pass/" + model + "/" + group + "/" + qid + "/" + round;
                if (!steps.finalStep().contains("'name': 'Finish'")) {
                    solved.put(round, AnswerStatus.Unsolved.str());
                    failed++;
                    strictRounds.add(false);
                    reason = "No answer";
                    continue;
                }
                var s = rules.checkIsSolved(slot, query, ex.path("answer"), true);
                var t = rules.checkTaskSolvable(slot, task, s.status() == AnswerStatus.Solved, true);
                ToolEvalRules.AnswerPass p = ToolEvalRules.isPassed(s.status(), t.status());
                boolean flip = p == ToolEvalRules.AnswerPass.Unsure && random(model, group, qid, "" + round, "unsure").nextDouble() < 0.5;
                boolean pass = p == ToolEvalRules.AnswerPass.Passed || flip;
                if (pass) passed++;
                else failed++;
                if (flip) coinFlips++;
                if (p == ToolEvalRules.AnswerPass.Passed && s.status() != AnswerStatus.Solved) asUnsolvable++;
                strictRounds.add(s.status() == AnswerStatus.Solved ? grounding != null && grounding.grounded()
                        : p == ToolEvalRules.AnswerPass.Passed && options.unsolvableQueries().contains(qid));
                solved.put(round, s.status().str());
                taskSolvable = t.status().str();
                reason = "Is solved: " + s.reason() + "\nTask solvable: " + t.reason();
            }
        } catch (Judge.JudgeUnavailableException e) {
            return new QueryResult(qid, query, tools, steps.steps(), steps.finalStep(), solved, passed, failed,
                    taskSolvable, "pending: " + e.getMessage(), notHallucinate, null, true,
                    new Strict(strictRounds, coinFlips, asUnsolvable, grounding));
        }
        return new QueryResult(qid, query, tools, steps.steps(), steps.finalStep(), solved, passed, failed,
                taskSolvable, reason, notHallucinate, null, false, new Strict(strictRounds, coinFlips, asUnsolvable, grounding));
    }

    /** The pass_rate_label ToolEval writes to its CSV: majority, ties broken at random. */
    public String passLabel(String model, String group, QueryResult q) {
        if (q.passed() != q.failed()) return q.passed() > q.failed() ? "passed" : "failed";
        return random(model, group, q.qid(), "label").nextDouble() < 0.5 ? "passed" : "failed";
    }

    public GroupWin winRate(AnswerSet ref, AnswerSet cand, String group, List<String> qids, GroupPass refPass, GroupPass candPass) {
        Map<String, JsonNode> refAnswers = ref.answers().getOrDefault(group, Map.of());
        Map<String, JsonNode> candAnswers = cand.answers().getOrDefault(group, Map.of());
        Map<String, String> refLabels = labels(refPass), candLabels = labels(candPass);
        List<PrefResult> out = parallel("win " + cand.model() + " " + group, qids, qid -> {
            int r = 0, c = 0;
            try {
                for (int round = 0; round < options.evaluateTimes(); round++) {
                    String rl = refLabels.get(qid), cl = candLabels.get(qid);
                    if (options.passShortcut() && rl != null && cl != null && !rl.equals(cl)) {
                        if (rl.equals("passed")) r++;
                        else c++;
                        continue;
                    }
                    JsonNode ra = refAnswers.get(qid), ca = candAnswers.get(qid);
                    if (ra == null) { c++; continue; }
                    if (ca == null) { r++; continue; }
                    RandomGenerator rnd = random(ref.model(), cand.model(), group, qid, "" + round, "prefer");
                    String slot = "pref/" + ref.model() + "/" + cand.model() + "/" + group + "/" + qid + "/" + round;
                    if (annotate(slot, ra, ca, rnd) == 0) r++;
                    else c++;
                }
            } catch (Judge.JudgeUnavailableException e) {
                return new PrefResult(qid, r, c, true);
            }
            return new PrefResult(qid, r, c, false);
        });
        return new GroupWin(ref.model(), cand.model(), group, out);
    }

    private Map<String, String> labels(GroupPass pass) {
        Map<String, String> m = new LinkedHashMap<>();
        if (pass != null) for (QueryResult q : pass.done()) m.put(q.qid(), passLabel(pass.model(), pass.group(), q));
        return m;
    }

    /** annotate_preference: stripped copies in random order; returns 0 for the reference, 1 for the candidate. */
    private int annotate(String slot, JsonNode ref, JsonNode cand, RandomGenerator rnd) {
        ArrayNode tools = Json.MAPPER.createArrayNode();
        for (JsonNode t : ref.path("available_tools")) {
            ObjectNode s = t.deepCopy();
            s.remove("description");
            s.remove("parameters");
            tools.add(s);
        }
        JsonNode task = ToolEvalRules.task(ref.path("query").asText(), tools);
        List<JsonNode> answers = new ArrayList<>(List.of(strip(ref.path("answer")), strip(cand.path("answer"))));
        boolean swap = rnd.nextBoolean();
        if (swap) Collections.reverse(answers);
        int picked = rules.prefer(slot, task, answers, rnd);
        return swap ? 1 - picked : picked;
    }

    private static JsonNode strip(JsonNode answer) {
        ObjectNode a = answer.deepCopy();
        String fa = a.path("final_answer").asText("");
        a.put("final_answer", fa.length() > 1000 ? fa.substring(0, 1000) : fa);
        a.remove("method");
        return a;
    }

    private <T> List<T> parallel(String task, List<String> qids, Function<String, T> work) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.concurrency()));
        try (Progress progress = Progress.start(task, qids.size())) {
            List<Future<T>> futures = new ArrayList<>();
            for (String qid : qids) futures.add(pool.submit(() -> {
                T r = work.apply(qid);
                synchronized (progress) {
                    progress.step();
                }
                return r;
            }));
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) out.add(f.get());
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
