package io.tooltune.cli;

import io.tooltune.pipeline.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tooltune demo}: the whole pipeline on the embedded synthetic ToolBench, from scratch. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Synthetic ToolBench -> byte-level BPE tokenizer -> small OPT model from scratch -> score it "
                + "-> SFT -> score again -> report.html (untrained vs fine-tuned). No downloads, no arguments."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--steps", converter = Ranges.Positive.class, description = "Training steps (default " + Demo.Options.DEFAULT_STEPS + ", about 8 minutes "
            + "for the whole demo on a quiet 2-core machine; " + Demo.Options.QWEN2_STEPS + " with --family qwen2); the same seed and steps give the same numbers.")
    Integer steps;

    @Option(names = "--minutes", converter = Ranges.PositiveReal.class, description = "Fit the run to a wall-clock budget instead of --steps: held-out "
            + "queries scale with it and training gets the time left, so results depend on the machine's speed.")
    Double minutes;

    @Option(names = "--family", description = "Model family: opt (ToolLLaMA's ReAct prompt) or qwen2 (Qwen2.5's chat "
            + "template with native tool calls, trained and run through prepare --format chat and run --prompt-format "
            + "chat-template) (default ${DEFAULT-VALUE}).")
    String family = "opt";

    @Option(names = "--output", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path output = Path.of("tooltune-out", "demo");

    /** Seed of the synthetic data, the model, training and sampling. */
    @Mixin
    SeedOption seed = new SeedOption(42L);

    @Option(names = "--threads", converter = Ranges.Positive.class, description = "PyTorch threads per operation (default ${DEFAULT-VALUE}): the demo "
            + "model's operations are so small that synchronising threads costs more than they save, ten times more "
            + "on a machine shared with other work.")
    int threads = 1;

    @Override
    public Integer call() {
        // read when the PyTorch engine starts, which is after this point in a CLI run
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Demo.Options options = minutes != null ? Demo.Options.scaled(family, minutes, output, seed.value())
                : Demo.Options.steps(family, steps, output, seed.value());
        Demo.Outcome o = Demo.run(options);
        System.out.println(o.describe());
        System.out.println("report: " + o.report().toAbsolutePath());
        return 0;
    }
}
