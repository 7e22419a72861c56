package io.tooltune;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared (fixtures, real ToolBench data). Tests that need it are skipped, saying so, where it is absent. */
public final class Shared {
    private Shared() {}

    public static Path root() {
        String env = System.getenv("TOOLTUNE_SHARED");
        Path p = env != null ? Path.of(env) : Path.of("..", "shared").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isDirectory(p), "skipped: ../shared is absent (" + p + "), fixtures unavailable");
        return p;
    }

    /** A path under ../shared, skipping the test if it does not exist. */
    public static Path path(String relative) {
        Path p = root().resolve(relative);
        Assumptions.assumeTrue(Files.exists(p), "skipped: " + p + " is absent");
        return p;
    }
}
