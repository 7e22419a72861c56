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

    @Override
    public Integer call() {
        Demo.Outcome o = Demo.run(Demo.Options.scaled(minutes, output, seed));
        System.out.println(o.summary());
        System.out.println("report: " + o.report().toAbsolutePath());
        return 0;
    }
}
