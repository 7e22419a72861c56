package io.tooltune.cli;

import io.tooltune.data.Prepare;
import io.tooltune.data.SftEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code tooltune prepare}: ToolBench trajectories → SFT records (token ids + labels) or ToolLLaMA conversations. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = {"Turn ToolBench data into supervised fine-tuning data, as ToolBench's preprocessing does.",
                "Input: a folder of raw answers (G*_answer/*_DFS_woFilter_w2.json), a ToolLLaMA json/jsonl, "
                        + "or ToolEval converted answers (a file or a folder of them).",
                "Output: JSON Lines {\"id\",\"input_ids\",\"labels\"} (labels -100 where there is no loss), "
                        + "or with --format conversations the ToolLLaMA instances themselves."})
public final class PrepareCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, description = "raw answer folder, ToolLLaMA json/jsonl, or converted answers")
    Path input;

    @Option(names = "--model", description = "model folder whose tokenizer to use (required for --format tokens)")
    Path model;

    /** The output file (.jsonl; .json gives a JSON array for conversations). */
    @Mixin
    OutputOption output;

    @Option(names = "--format", defaultValue = "tokens", description = "tokens (default), conversations (untokenized), "
            + "or chat: through the model's chat template, loss on every assistant turn and its end-of-turn token "
            + "(input may also be OpenAI-style {\"messages\",\"tools\"} JSON Lines)")
    Prepare.Format format;

    @Option(names = "--loss-on", defaultValue = "final",
            description = "final: last assistant reply + </s> (ToolBench); all-assistant: every assistant turn")
    LossOn lossOn;

    /** The flag's spellings of {@link SftEncoder.LossOn}. */
    enum LossOn {
        FINAL(SftEncoder.LossOn.FINAL), ALL_ASSISTANT(SftEncoder.LossOn.ALL_ASSISTANT);

        final SftEncoder.LossOn value;

        LossOn(SftEncoder.LossOn value) {
            this.value = value;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    @Option(names = "--max-length", converter = Ranges.NonNegative.class, defaultValue = "2048",
            description = "cut the oldest context beyond this many tokens, keeping the target (0: no limit; default 2048)")
    int maxLength;

    @Option(names = "--method", description = "use only raw answer files whose name contains this (default "
            + "${DEFAULT-VALUE}; '' for all)")
    String method = Prepare.TOOLBENCH_METHOD;

    @Option(names = "--tools", description = "toolenv/tools folder: tool descriptions for converted answers (else \"None\")")
    Path tools;

    @Option(names = "--strict", description = "stop at the first malformed record instead of reporting and skipping it")
    boolean strict;

    @Override
    public Integer call() {
        Prepare.Result r = Prepare.run(new Prepare.Options(input, model, output.path, format, lossOn.value, maxLength, method,
                tools, strict), System.err);
        boolean tokens = format == Prepare.Format.TOKENS;
        System.out.print(r.sources().summary());
        System.out.println("instances: " + r.instances() + (tokens ? " (loss on " + lossOn + ")"
                : format == Prepare.Format.CHAT ? " (loss on every assistant turn)" : ""));
        if (format == Prepare.Format.CHAT) System.out.print(r.lengths().render());
        if (tokens) {
            System.out.println("truncated to --max-length " + maxLength + ": " + r.cutInstances() + " instances, "
                    + r.cutTokens() + " context tokens cut");
            System.out.print(r.lengths().render());
        }
        System.out.println("records " + r.log().summary() + " -> " + output.path);
        return 0;
    }
}
