package io.tooltune.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run given a wall-clock budget fits its step count to it and ends there with the linear decay complete. */
class TimeBudgetTest {
    @Test
    void theScheduleEndsAtTheDeadline(@TempDir Path tmp) throws Exception {
        Path model = Shared.path("fixtures/opt/tiny-opt-postnorm");
        JsonNode expected = Json.MAPPER.readTree(model.resolve("expected_training.json").toFile());
        Path data = FixtureTrainingTest.writeData(expected, tmp.resolve("data.jsonl"));
        int cap = 1_000_000;
        double lr = 1e-3;
        SftConfig cfg = new SftConfig(lr, 3, LrSchedule.LINEAR, 1, 1, 1.0, 0.0, 0.9, 0.999, 1e-8, 1, cap, 64, 5, true,
                false, SftConfig.Precision.FP32, false, 0, 10);
        long start = System.nanoTime();
        SftRun.Summary s = SftRun.run(model, data, tmp.resolve("out"), cfg, false, Duration.ofSeconds(3));
        double secs = (System.nanoTime() - start) / 1e9;

        SftTrainer.Result r = s.result();
        assertFalse(r.interrupted(), "a budgeted run ends normally and writes its final model");
        assertTrue(Files.exists(tmp.resolve("out/model.safetensors")));
        assertTrue(r.globalStep() > 2 * SftTrainer.FIT_AFTER_STEPS && r.globalStep() < cap, "steps: " + r.globalStep());
        assertTrue(secs < 30, "ended near its 3 s budget, took " + secs + " s");
        List<StepLog> log = r.log();
        double last = log.get(log.size() - 1).learningRate();
        assertTrue(last < 0.25 * lr, "the decay reached its end: last learning rate " + last);
        double peak = log.stream().mapToDouble(StepLog::learningRate).max().orElseThrow();
        assertTrue(peak > 0.75 * lr, "the schedule was not squeezed from the start: peak " + peak);
    }
}
