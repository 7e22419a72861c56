package io.tooltune.cli;

import io.tooltune.BadInputException;
import io.tooltune.eval.AnswerSet;
import io.tooltune.eval.EvalReport;
import io.tooltune.eval.EvalRun;
import io.tooltune.eval.PassAndWinRates;
import io.tooltune.eval.HeuristicJudge;
import io.tooltune.eval.Judge;
import io.tooltune.eval.JudgeStore;
import io.tooltune.eval.OpenAiJudge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "ToolEval: pass rate and win rate of raw or converted answers, with tables, radar chart and report.html.")
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--answers", required = true, arity = "1..*", description = "Folders of raw or converted answers, one model each.")
    List<Path> answers;

    @Option(names = "--model-name", arity = "1..*", description = "Model names in --answers order (default: folder names).")
    List<String> modelNames = new ArrayList<>();

    @Option(names = "--judge", defaultValue = "heuristic", description = "openai or heuristic (offline approximation). Default: ${DEFAULT-VALUE}.")
    String judge;

    @Option(names = "--output", required = true, description = "Output folder.")
    Path output;

    @Option(names = "--reference", description = "Reference model (one of the model names) for win rates.")
    String reference;

    @Option(names = "--evaluate-times", defaultValue = "4", description = "Judgements per query. Default: ${DEFAULT-VALUE}.")
    int evaluateTimes;

    @Option(names = "--metric", defaultValue = "pass", description = "pass (ToolBench) or sopr (StableToolBench). Default: ${DEFAULT-VALUE}.")
    String metric;

    @Option(names = "--no-pass-shortcut", description = "Judge every preference (StableToolBench) instead of deciding passed-vs-failed pairs from pass labels.")
    boolean noShortcut;

    @Option(names = "--test-ids", description = "Folder of <group>.json query-id files; ids without an answer count as failed.")
    Path testIds;

    @Option(names = "--params", arity = "1..*", description = "Parameter counts for Table 1, as model=7B.")
    List<String> params = new ArrayList<>();

    @Option(names = "--base-url", defaultValue = "https://api.openai.com/v1", description = "OpenAI-compatible endpoint. Default: ${DEFAULT-VALUE}.")
    String baseUrl;

    @Option(names = "--judge-model", defaultValue = "gpt-3.5-turbo-16k", description = "Judge model. Default: ${DEFAULT-VALUE}.")
    String judgeModel;

    @Option(names = "--timeout", defaultValue = "60", description = "Seconds per judge request. Default: ${DEFAULT-VALUE}.")
    int timeout;

    @Option(names = "--retries", defaultValue = "4", description = "Attempts per judge request. Default: ${DEFAULT-VALUE}.")
    int retries;

    @Option(names = "--backoff-ms", defaultValue = "2000", description = "First retry delay, doubled per attempt. Default: ${DEFAULT-VALUE}.")
    long backoffMs;

    @Option(names = "--legacy-functions", description = "Send functions/function_call (ToolBench's original form) instead of tools/tool_choice.")
    boolean legacyFunctions;

    @Option(names = "--concurrency", defaultValue = "4", description = "Queries judged in parallel. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of conversions, coin flips and answer order. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--store", description = "SQLite judgement store (default: OUTPUT/judgements.sqlite).")
    Path store;

    @Override
    public Integer call() throws Exception {
        if (!modelNames.isEmpty() && modelNames.size() != answers.size()) {
            throw new BadInputException("--model-name: " + modelNames.size() + " names for " + answers.size() + " --answers folders");
        }
        PassAndWinRates.Metric m = switch (metric.toLowerCase(Locale.ROOT)) {
            case "pass" -> PassAndWinRates.Metric.PASS;
            case "sopr" -> PassAndWinRates.Metric.SOPR;
            default -> throw new BadInputException("--metric " + metric + ": use pass or sopr");
        };
        if (evaluateTimes < 1) throw new BadInputException("--evaluate-times must be at least 1");
        Judge j = switch (judge) {
            case "heuristic" -> new HeuristicJudge();
            case "openai" -> new OpenAiJudge(new OpenAiJudge.Config(baseUrl, judgeModel, System.getenv("OPENAI_API_KEY"), 0.2, 1000,
                    Duration.ofSeconds(timeout), retries, Duration.ofMillis(backoffMs), legacyFunctions));
            default -> throw new BadInputException("--judge " + judge + ": use openai or heuristic");
        };
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String p : params) {
            int eq = p.indexOf('=');
            if (eq <= 0) throw new BadInputException("--params " + p + ": use model=value");
            parameters.put(p.substring(0, eq), p.substring(eq + 1));
        }
        List<AnswerSet> sets = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            Path dir = answers.get(i).toAbsolutePath().normalize();
            String name = modelNames.isEmpty() ? dir.getFileName().toString() : modelNames.get(i);
            sets.add(AnswerSet.load(dir, name, seed));
        }
        PassAndWinRates.Options options = new PassAndWinRates.Options(evaluateTimes, m, seed, concurrency, !noShortcut);
        try (JudgeStore js = new JudgeStore(store != null ? store : output.resolve("judgements.sqlite"), j)) {
            EvalRun.Result r = EvalRun.run(sets, reference, testIds, js, options, output);
            Path html = EvalReport.write(r, parameters, j.name(), output);
            System.out.print(EvalReport.byGroup(r).markdown());
            System.out.println("judge requests: " + js.asked() + " new, " + js.size() + " stored; report: " + html);
            if (r.pending() > 0) {
                System.err.println("tooltune: " + r.pending() + " queries pending (judge unavailable); rerun the same command to resume");
                return 1;
            }
        }
        return 0;
    }
}
