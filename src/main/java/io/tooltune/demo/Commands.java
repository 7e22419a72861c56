package io.tooltune.demo;

import io.tooltune.cli.Main;

/** Runs the other tooltune commands in process, so the demo and reproduce compose exactly what users run. */
final class Commands {
    private Commands() {}

    /** Runs {@code tooltune args...}; a non-zero exit stops the pipeline naming the command. */
    static void run(String... args) {
        int rc = Main.run(args);
        if (rc == 2) {
            throw new io.tooltune.BadInputException("`tooltune " + String.join(" ", args) + "` rejected its input (see above)");
        }
        if (rc != 0) {
            throw new IllegalStateException("`tooltune " + String.join(" ", args) + "` failed (exit " + rc + ")");
        }
    }
}
