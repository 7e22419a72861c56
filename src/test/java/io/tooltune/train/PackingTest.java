package io.tooltune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.cli.CliRun;
import io.tooltune.model.CausalLM;
import io.tooltune.model.GradMode;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Packing: best-fit-decreasing rows, and each packed example's loss and logits equal those of the example alone
 * (OPT's learned positions with offset 2, Llama's rotary positions).
 */
class PackingTest {
    @TempDir
    Path tmp;

    private static SftExample ofLength(String id, int n) {
        int[] ids = new int[n];
        int[] labels = new int[n];
        Arrays.fill(ids, 7);
        Arrays.fill(labels, 7);
        labels[0] = SftExample.IGNORE;
        return new SftExample(id, ids, labels);
    }

    @Test
    void bestFitDecreasingFillsTheTightestRow() {
        List<SftExample> data = List.of(ofLength("a", 5), ofLength("b", 4), ofLength("c", 3), ofLength("d", 3),
                ofLength("e", 2), ofLength("f", 1));
        List<SftExample> rows = Packing.pack(data, 8);
        assertEquals(List.of("a+c", "b+d+f", "e"), rows.stream().map(SftExample::id).toList());
        assertArrayEquals(new int[] {1, 1, 1, 1, 2, 2, 2, 3}, rows.get(1).sequences());
        // no label crosses into the next example: each keeps its length − 1 targets
        assertEquals(3 + 2 + 0, rows.get(1).labelTokens());
        assertEquals(data.stream().mapToInt(SftExample::labelTokens).sum(), rows.stream().mapToInt(SftExample::labelTokens).sum());
    }

    @ParameterizedTest
    @CsvSource({"opt/tiny-opt-prenorm, tiny-opt-prenorm", "llama/tiny-llama, tiny-llama"})
    void eachPackedExampleHasItsUnpackedLoss(String model, String data) throws Exception {
        List<SftExample> examples = new ArrayList<>();
        for (String line : Files.readAllLines(Shared.path("fixtures/llama/lora/" + data + "/train.jsonl")).subList(0, 4)) {
            JsonNode e = Json.MAPPER.readTree(line);
            examples.add(new SftExample("ex" + examples.size(), ints(e.get("input_ids")), ints(e.get("labels"))));
        }
        List<SftExample> rows = Packing.pack(examples, 4096);
        assertEquals(1, rows.size());
        try (LoadedModel m = ModelFolder.load(Shared.path("fixtures/" + model)); GradMode.Scope g = GradMode.noGrad();
             NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            int pad = m.model().config().padTokenId();
            double[] packed = lossPerSequence(m.model(), BatchPlan.collate(rows, new int[] {0}, pad), rows.get(0).sequences());
            // the row holds the examples longest first, numbered 1, 2, ... in that order
            List<String> order = List.of(rows.get(0).id().split("\\+"));
            assertEquals(examples.size(), order.size());
            for (int k = 0; k < examples.size(); k++) {
                SftExample alone = examples.get(k);
                double single = lossPerSequence(m.model(), BatchPlan.collate(examples, new int[] {k}, pad), null)[1];
                double inRow = packed[order.indexOf(alone.id()) + 1];
                assertEquals(single, inRow, 1e-5 * Math.abs(single), alone.id());
            }
        }
    }

    @Test
    void trainReportsThePaddingSavedAndTheTruncatedExamples() throws Exception {
        List<String> lines = new ArrayList<>();
        int i = 0;
        for (String line : Files.readAllLines(Shared.path("fixtures/llama/lora/tiny-opt-prenorm/train.jsonl"))) {
            JsonNode e = Json.MAPPER.readTree(line);
            lines.add("{\"id\":\"ex" + i++ + "\",\"input_ids\":" + e.get("input_ids") + ",\"labels\":" + e.get("labels") + "}");
        }
        Path file = Files.write(tmp.resolve("d.jsonl"), lines);
        CliRun r = CliRun.of("train", "--model", Shared.path("fixtures/opt/tiny-opt-prenorm").toString(), "--data",
                file.toString(), "--output", tmp.resolve("out").toString(), "--packing", "--max-length", "40",
                "--batch-size", "2", "--gradient-accumulation-steps", "1", "--max-steps", "1", "--precision", "fp32",
                "--save-steps", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().matches("(?s).*packed 12 examples into \\d+ rows of at most 40 tokens; padding .*% of the batch tokens.*"), r.err());
        assertTrue(r.out().matches("(?s).*on \\d+ examples \\(\\d+ truncated\\).*"), r.out());
        assertTrue(!r.out().contains("(0 truncated)"), "the fixture has examples over 40 tokens: " + r.out());
    }

    /** Summed cross-entropy of each sequence's targets ([0] unused), from one forward pass over the batch. */
    private static double[] lossPerSequence(CausalLM model, BatchPlan.Batch b, int[] sequences) {
        Shape shape = new Shape(b.rows(), b.cols());
        NDArray logits = model.forward(model.manager().create(b.ids(), shape), model.manager().create(b.mask(), shape), null, false);
        float[] logp = logits.logSoftmax(-1).toFloatArray();
        int vocab = (int) logits.getShape().get(2);
        double[] sums = new double[sequences == null ? 2 : sequences[sequences.length - 1] + 1];
        for (int t = 0; t < b.cols(); t++) {
            if (b.weights()[t] == 0) continue;
            sums[sequences == null ? 1 : sequences[t]] -= logp[t * vocab + (int) b.targets()[t]];
        }
        return sums;
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }
}
