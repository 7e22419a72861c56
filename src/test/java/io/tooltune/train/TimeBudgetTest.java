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
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run given a time budget fits its step count to it and ends there with the linear decay complete. The clock is
 * fake: it advances a fixed 125 ms each time the fitter reads it (once at the start, once per step), so the run
 * must end after exactly 2 s / 125 ms = 16 steps whatever the machine's speed.
 */
class TimeBudgetTest {
    private static final long STEP_NANOS = 125_000_000L;

    @Test
    void theScheduleEndsAtTheDeadline(@TempDir Path tmp) throws Exception {
        Path model = Shared.path("fixtures/opt/tiny-opt-postnorm");
        JsonNode expected = Json.MAPPER.readTree(model.resolve("expected_training.json").toFile());
        Path data = FixtureTrainingTest.writeData(expected, tmp.resolve("data.jsonl"));
        int cap = 1_000_000;
        double lr = 1e-3;
        SftConfig cfg = SftConfig.paper().toBuilder().learningRate(lr).warmupSteps(3).batchSize(1)
                .gradientAccumulationSteps(1).maxGradNorm(1.0).weightDecay(0.0).maxSteps(cap).maxLength(64).seed(5)
                .precision(SftConfig.Precision.FP32).gradientCheckpointing(false).saveSteps(0).build();
        long[] now = {0};
        LongSupplier fakeClock = () -> now[0] += STEP_NANOS;
        DeadlineFitter fitter = new DeadlineFitter(Duration.ofSeconds(2), fakeClock);

        SftTrainer.Result r = SftRun.run(SftRun.Options.of(model, data, tmp.resolve("out"), cfg)
                .withCallbacks(List.of(fitter))).result();

        assertFalse(r.interrupted(), "a budgeted run ends normally and writes its final model");
        assertTrue(Files.exists(tmp.resolve("out/model.safetensors")));
        assertEquals(16, r.globalStep(), "2 s of 125 ms steps");
        List<StepLog> log = r.log();
        double last = log.get(log.size() - 1).learningRate();
        assertTrue(last < 0.25 * lr, "the decay reached its end: last learning rate " + last);
        double peak = log.stream().mapToDouble(StepLog::learningRate).max().orElseThrow();
        assertTrue(peak > 0.75 * lr, "the schedule was not squeezed from the start: peak " + peak);
        assertEquals(16, Checkpoints.readState(tmp.resolve("out")).maxSteps(), "trainer_state records the fitted total");
    }
}
