package io.tooltune.cli;

import io.tooltune.BadInputException;
import io.tooltune.eval.EvalReport;
import io.tooltune.eval.EvalRun;
import io.tooltune.eval.PassAndWinRates;
import io.tooltune.eval.HeuristicJudge;
import io.tooltune.eval.Judge;
import io.tooltune.eval.OpenAiJudge;
import io.tooltune.eval.QueryIds;
import io.tooltune.eval.RuleSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "ToolEval: pass rate and win rate of raw or converted answers, with tables, radar chart and report.html.")
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--answers", required = true, arity = "1..*", description = "Folders of raw or converted answers, one model each.")
    List<Path> answers;

    @Option(names = "--model-name", arity = "1..*", description = "Model names in --answers order (default: folder names).")
    List<String> modelNames = new ArrayList<>();

    @Option(names = "--judge", defaultValue = "heuristic", description = "openai or heuristic (offline approximation). Default: ${DEFAULT-VALUE}.")
    JudgeKind judge;

    enum JudgeKind { OPENAI, HEURISTIC }

    @Mixin
    OutputOption output;

    @Option(names = "--reference", description = "Reference model (one of the model names) for win rates.")
    String reference;

    @Option(names = "--evaluate-times", converter = Ranges.Positive.class, description = "Judgements per query. Default: ${DEFAULT-VALUE}.")
    int evaluateTimes = EvalRun.DEFAULT_OPTIONS.evaluateTimes();

    @Option(names = "--metric", description = "pass (ToolBench) or sopr (StableToolBench). Default: ${DEFAULT-VALUE}.")
    PassAndWinRates.Metric metric = EvalRun.DEFAULT_OPTIONS.metric();

    @Option(names = "--rules", description = "Rule set of the per-group table and radar chart: toolbench (ToolEval's) or strict;"
            + " Table 1, report.html and OUTPUT/strict hold both. Default: ${DEFAULT-VALUE}.")
    RuleSet rules = RuleSet.TOOLBENCH;

    @Option(names = "--unsolvable-ids", description = "JSON file of query ids (a list, or an object's keys) marked unsolvable:"
            + " the only queries the strict rules pass as unsolvable.")
    Path unsolvableIds;

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

    @Option(names = "--timeout", converter = Ranges.Positive.class, defaultValue = "60", description = "Seconds per judge request. Default: ${DEFAULT-VALUE}.")
    int timeout;

    @Option(names = "--retries", converter = Ranges.Positive.class, defaultValue = "4", description = "Attempts per judge request. Default: ${DEFAULT-VALUE}.")
    int retries;

    @Option(names = "--backoff-ms", converter = Ranges.NonNegativeLong.class, defaultValue = "2000", description = "First retry delay, doubled per attempt. Default: ${DEFAULT-VALUE}.")
    long backoffMs;

    @Option(names = "--legacy-functions", description = "Send functions/function_call (ToolBench's original form) instead of tools/tool_choice.")
    boolean legacyFunctions;

    @Option(names = "--concurrency", converter = Ranges.Positive.class, description = "Queries judged in parallel. Default: ${DEFAULT-VALUE}.")
    int concurrency = EvalRun.DEFAULT_OPTIONS.concurrency();

    /** Seed of conversions, coin flips and answer order. */
    @Mixin
    SeedOption seed = new SeedOption(EvalRun.DEFAULT_OPTIONS.seed());

    @Option(names = "--store", description = "SQLite judgement store (default: OUTPUT/judgements.sqlite).")
    Path store;

    @Override
    public Integer call() throws Exception {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String p : params) {
            int eq = p.indexOf('=');
            if (eq <= 0) throw new BadInputException("--params " + p + ": use model=value");
            parameters.put(p.substring(0, eq), p.substring(eq + 1));
        }
        EvalRun.Stage stage = new EvalRun.Stage(answers, modelNames, output.path, reference, testIds, parameters,
                new PassAndWinRates.Options(evaluateTimes, metric, seed.value(), concurrency, !noShortcut, rules,
                        unsolvableIds == null ? Set.of() : QueryIds.read(unsolvableIds)), store);
        Judge j = switch (judge) {
            case HEURISTIC -> new HeuristicJudge();
            case OPENAI -> new OpenAiJudge(new OpenAiJudge.Config(baseUrl, judgeModel, System.getenv("OPENAI_API_KEY"), 0.2, 1000,
                    Duration.ofSeconds(timeout), retries, Duration.ofMillis(backoffMs), legacyFunctions));
        };
        EvalRun.Outcome o = EvalRun.run(stage, j);
        for (String why : o.unreadable()) System.err.println("tooltune: warning: " + why + "; counted as failed");
        System.out.print(EvalReport.byGroup(o.result()).markdown());
        System.out.println("judge requests: " + o.asked() + " new, " + o.stored() + " stored; report: " + o.report());
        if (!o.unreadable().isEmpty()) {
            System.out.println(o.unreadable().size() + " unreadable answer files, counted as failed (see the warnings)");
        }
        if (o.result().pending() > 0) {
            System.err.println("tooltune: " + o.result().pending() + " queries pending (judge unavailable); rerun the same command to resume");
            return 1;
        }
        return 0;
    }
}
