package io.tooltune.cli;

import io.tooltune.BadInputException;
import io.tooltune.pipeline.Reproduce;
import io.tooltune.pipeline.ReproduceInputs;
import io.tooltune.train.SftConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tooltune reproduce}: the paper's protocol end to end on real inputs. */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"The paper's protocol on real inputs: prepare ToolBench training data, fine-tune with the "
                + "paper's recipe, run the six test groups (CoT, batch 8, temperature 0.1, <= 10 iterations), evaluate "
                + "with an OpenAI-compatible judge (>= 4 judgements per query), write report.html. Checks every input "
                + "first and names what is missing."})
public final class ReproduceCommand implements Callable<Integer> {
    @Option(names = "--toolbench", required = true, description = "ToolBench data folder: answer/G*_answer/ (or "
            + "toolllama_G123_dfs_train.json), test_instruction/<group>.json, toolenv/tools/.")
    Path toolbench;

    /** The base model (e.g. facebook/opt-350m). */
    @Mixin
    ModelOption model;

    @Option(names = "--judge-url", required = true, description = "OpenAI-compatible judge base URL ending in /v1 "
            + "(key from OPENAI_API_KEY).")
    String judgeUrl;

    @Option(names = "--judge-model", description = "Judge model name (default ${DEFAULT-VALUE}).")
    String judgeModel = "gpt-3.5-turbo-16k";

    @Option(names = "--evaluate-times", converter = Ranges.Positive.class, description = "Judgements per query, at least 4 (default ${DEFAULT-VALUE}).")
    int evaluateTimes = 4;

    @Option(names = "--groups", split = ",", description = "Test groups (default: all six).")
    List<String> groups = ReproduceInputs.GROUPS;

    @Option(names = "--output", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path output = Path.of("tooltune-out", "reproduce");

    @Option(names = "--max-steps", converter = Ranges.Positive.class, description = "Cap on optimizer steps (default: the paper's one epoch).")
    Integer maxSteps;

    @Option(names = "--max-new-tokens", converter = Ranges.Positive.class, description = "Cap on tokens per model reply in the agent (default: run's).")
    Integer maxNewTokens;

    @Option(names = "--train-flag", description = "Extra flag passed to train as is (repeatable), e.g. "
            + "--train-flag=--precision=fp32.")
    List<String> trainFlags = new ArrayList<>();

    @Override
    public Integer call() {
        ReproduceInputs in = ReproduceInputs.check(toolbench, model.dir, judgeUrl, groups);
        Path report = Reproduce.run(new Reproduce.Options(in, judgeModel, evaluateTimes, output, recipe(), 8, 0.1, 10,
                maxNewTokens));
        System.out.println("report: " + report.toAbsolutePath());
        return 0;
    }

    /** The train command's recipe with --max-steps and the --train-flag values applied. */
    private SftConfig recipe() {
        List<String> args = new ArrayList<>(List.of("--model", model.dir.toString(), "--data", "-", "--output", "-"));
        args.addAll(trainFlags);
        if (maxSteps != null) args.addAll(List.of("--max-steps", maxSteps.toString()));
        TrainCommand train = new TrainCommand();
        try {
            new CommandLine(train).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new BadInputException("--train-flag: " + e.getMessage());
        }
        return train.config();
    }
}
