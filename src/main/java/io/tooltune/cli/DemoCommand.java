package io.tooltune.cli;

import io.tooltune.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tooltune demo}: the whole pipeline on the embedded synthetic ToolBench, from scratch, within a budget. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Synthetic ToolBench -> byte-level BPE tokenizer -> small OPT model from scratch -> score it "
                + "-> SFT -> score again -> report.html (untrained vs fine-tuned). No downloads, no arguments."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--minutes", description = "Wall-clock budget in minutes; every phase scales with it "
            + "(default ${DEFAULT-VALUE}).")
    double minutes = Demo.Options.DEFAULT_MINUTES;

    @Option(names = "--output", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path output = Path.of("tooltune-out", "demo");

    @Option(names = "--seed", description = "Seed of the synthetic data, the model and training (default ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--threads", description = "PyTorch threads per operation (default ${DEFAULT-VALUE}): the demo "
            + "model's operations are so small that synchronising threads costs more than they save, ten times more "
            + "on a machine shared with other work.")
    int threads = 1;

    @Override
    public Integer call() {
        if (threads < 1) throw new io.tooltune.BadInputException("--threads: must be at least 1, got " + threads);
        // read when the PyTorch engine starts, which is after this point in a CLI run
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Demo.Outcome o = Demo.run(Demo.Options.scaled(minutes, output, seed));
        System.out.println(o.summary());
        System.out.println("report: " + o.report().toAbsolutePath());
        return 0;
    }
}
