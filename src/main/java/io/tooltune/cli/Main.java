package io.tooltune.cli;

import io.tooltune.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The tooltune command line: one subcommand per pipeline stage, each a thin layer over its package. */
@Command(name = "tooltune", mixinStandardHelpOptions = true, version = "tooltune 0.1.0",
        description = "Fine-tune, run, evaluate and serve small tool-calling language models.",
        subcommands = {
                CommandLine.HelpCommand.class,
                DemoCommand.class,
                ReproduceCommand.class,
                SynthCommand.class,
                PrepareCommand.class,
                TrainCommand.class,
                GenerateCommand.class,
                ApisCommand.class,
                RunCommand.class,
                EvalCommand.class,
                ServeCommand.class,
        })
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code: 0 success, 1 failed run, 2 bad usage or bad input. */
    public static int run(String... args) {
        // enum-typed options take their values in any case (--method cot, --judge heuristic)
        CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex;
            while (t != null && !(t instanceof BadInputException) && t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            if (t instanceof BadInputException) {
                cmd.getErr().println("tooltune: " + t.getMessage());
                return 2;
            }
            // a failed run says why in one line; the stack trace is for developers who ask for it
            cmd.getErr().println("tooltune: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
            if (System.getenv("TOOLTUNE_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            else cmd.getErr().println("tooltune: (set TOOLTUNE_DEBUG=1 for the stack trace)");
            return 1;
        });
        return cli.execute(args);
    }
}
