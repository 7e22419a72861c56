package io.tooltune.demo;

import io.tooltune.train.SftConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The paper's protocol on real inputs: prepare the ToolBench training data with the base model's tokenizer, fine-tune
 * with the paper's recipe (the train command's defaults), run the CoT agent on each test group (batch 8, temperature
 * 0.1, at most 10 iterations, i.e. a chain depth of 30 nodes since each reply adds Thought, Action and Action Input)
 * against the embedded virtual API server, and evaluate with an OpenAI-compatible judge (at least 4 judgements per
 * query), which writes the tables, the radar chart and report.html.
 */
public final class Reproduce {
    private Reproduce() {}

    /**
     * @param trainFlags extra flags for {@code train} (e.g. --max-steps for a short run); empty for the paper's recipe
     */
    public record Options(ReproduceInputs inputs, String judgeModel, int evaluateTimes, Path output,
                          List<String> trainFlags, int batchSize, double temperature, int maxIterations,
                          Integer maxNewTokens) {
        public Options {
            if (evaluateTimes < 4) {
                throw new io.tooltune.BadInputException("--evaluate-times: the protocol needs at least 4 judgements per query, got "
                        + evaluateTimes);
            }
        }
    }

    /** Runs every stage; returns report.html. */
    public static Path run(Options o) {
        ReproduceInputs in = o.inputs();
        Path sft = o.output().resolve("sft/train.jsonl");
        Path model = o.output().resolve("model");
        Path answers = o.output().resolve("answers");
        Path eval = o.output().resolve("eval");
        Budget clock = new Budget(Double.MAX_VALUE / 120);
        // the recipe trains on 1,024 tokens (TRL's max_seq_length for OPT); prepare cuts to it keeping the target
        clock.phase("prepare", () -> Commands.run("prepare", "--input", in.trainingData().toString(),
                "--model", in.model().toString(), "--output", sft.toString(),
                "--max-length", Integer.toString(SftConfig.paper().maxLength())));
        clock.phase("train", () -> {
            List<String> args = new ArrayList<>(List.of("train", "--model", in.model().toString(), "--data", sft.toString(),
                    "--output", model.toString()));
            args.addAll(o.trainFlags());
            Commands.run(args.toArray(String[]::new));
        });
        for (Map.Entry<String, Path> g : in.queryFiles().entrySet()) {
            List<String> args = new ArrayList<>(List.of("run", "--queries", g.getValue().toString(),
                    "--model", model.toString(), "--method", "cot", "--api-embedded",
                    "--cache", o.output().resolve("tool_response_cache.sqlite").toString(),
                    "--tools", in.toolsDir().toString(),
                    "--output", answers.resolve(g.getKey()).toString(),
                    "--batch-size", Integer.toString(o.batchSize()),
                    "--temperature", Double.toString(o.temperature()),
                    "--max-steps", Integer.toString(3 * o.maxIterations())));
            if (o.maxNewTokens() != null) args.addAll(List.of("--max-new-tokens", o.maxNewTokens().toString()));
            clock.phase("run " + g.getKey(), () -> Commands.run(args.toArray(String[]::new)));
        }
        clock.phase("eval", () -> Commands.run("eval", "--answers", answers.toString(), "--model-name", "fine-tuned",
                "--judge", "openai", "--base-url", in.judgeUrl().toString(), "--judge-model", o.judgeModel(),
                "--evaluate-times", Integer.toString(o.evaluateTimes()), "--output", eval.toString()));
        return eval.resolve("report.html");
    }
}
