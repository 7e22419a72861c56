package io.tooltune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileSystemErrorsTest {
    @TempDir
    Path tmp;

    @Test
    void anOutputFolderThatCannotBeCreatedIsOneLineAndExitTwo() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Path output = file.resolve("out");
        CliRun r = CliRun.of("synth", "--output", output.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("tooltune: " + file), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void describesTheProblemWhenTheExceptionGivesNoReason() {
        assertEquals("out/model: permission denied", Main.describe(new AccessDeniedException("out/model")));
        assertEquals("a -> b: disk quota", Main.describe(new FileSystemException("a", "b", "disk quota")));
    }
}
