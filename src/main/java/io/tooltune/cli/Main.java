package io.tooltune.cli;

import io.tooltune.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

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
                MergeCommand.class,
                GenerateCommand.class,
                ApisCommand.class,
                RunCommand.class,
                EvalCommand.class,
                BfclCommand.class,
                ServeCommand.class,
                TemplateCommand.class,
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
            FileSystemException fs = fileSystemCause(ex);
            if (fs != null) {
                cmd.getErr().println("tooltune: " + describe(fs));
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

    /** A file-system refusal (read-only or missing folder, a file where a folder should be) anywhere in the chain. */
    private static FileSystemException fileSystemCause(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FileSystemException f) return f;
        }
        return null;
    }

    /** One line naming the path and the problem, e.g. "out/model: permission denied". */
    static String describe(FileSystemException e) {
        String problem = e.getReason();
        if (problem == null) {
            problem = switch (e) {
                case AccessDeniedException a -> "permission denied";
                case NoSuchFileException n -> "no such file or directory";
                case NotDirectoryException n -> "not a directory";
                case FileAlreadyExistsException f -> "already exists";
                case DirectoryNotEmptyException d -> "directory not empty";
                default -> e.getClass().getSimpleName();
            };
        }
        String where = e.getFile() == null ? "" : e.getFile() + (e.getOtherFile() == null ? "" : " -> " + e.getOtherFile()) + ": ";
        return where + problem;
    }
}
