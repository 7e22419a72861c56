package io.tooltune.cli;

import ai.djl.engine.Engine;
import io.tooltune.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code train --device}: a device the engine cannot use is a bad input, reported before anything is loaded. */
class TrainCommandTest {
    @TempDir
    Path tmp;

    private String run(int[] code, String... deviceArgs) throws Exception {
        Path data = Files.write(tmp.resolve("d.jsonl"),
                List.of("{\"id\":\"a\",\"input_ids\":[2,500,600,2],\"labels\":[-100,500,600,2]}"));
        List<String> args = new ArrayList<>(List.of("train", "--model",
                Shared.path("fixtures/opt/tiny-opt-prenorm").toString(), "--data", data.toString(),
                "--output", tmp.resolve("out").toString()));
        args.addAll(List.of(deviceArgs));
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            code[0] = Main.run(args.toArray(String[]::new));
        } finally {
            System.setErr(old);
        }
        return err.toString();
    }

    @Test
    void cudaWithoutAGpuExitsWithTheMissingPiece() throws Exception {
        assumeTrue(Engine.getInstance().getGpuCount() == 0, "this machine has a GPU");
        int[] code = new int[1];
        String err = run(code, "--device", "cuda:0");
        assertEquals(2, code[0], err);
        assertTrue(err.contains("tooltune: --device cuda: the PyTorch engine sees no GPU; DJL needs a CUDA build of "
                + "libtorch 2.7.1 (point PYTORCH_LIBRARY_PATH at one)"), err);
        assertFalse(Files.exists(tmp.resolve("out")), "nothing was written");
    }

    @Test
    void anUnknownDeviceIsABadInput() throws Exception {
        int[] code = new int[1];
        String err = run(code, "--device", "gpu");
        assertEquals(2, code[0], err);
        assertTrue(err.contains("--device: expected cpu, cuda or cuda:N, got 'gpu'"), err);
    }
}
