package io.tooltune.pipeline;

import io.tooltune.BadInputException;
import io.tooltune.eval.exact.ExactScores;
import io.tooltune.data.TrajectoryData;
import io.tooltune.model.opt.OptConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoTest {

    /** The whole pipeline at a tiny scale: a few queries, a one-layer model, a fixed number of training steps. */
    private static Demo.Options tiny(Path output, int steps) {
        OptConfig tiny = OptConfig.builder().vocabSize(400).hiddenSize(32).ffnDim(64).numLayers(1).numHeads(2)
                .maxPositionEmbeddings(512).dropout(0.0).build();
        return new Demo.Options(steps, Demo.Options.DEFAULT_MINUTES, output, 7, 6, 12, 1, 200, 400, tiny, 2, 1e-3, 2,
                TrajectoryData.PromptLoss.ALL, 2, 2, 12, true, null);
    }

    /**
     * Runs the demo twice with the same seed and steps: both models are in report.html with the summary as a table,
     * and the answers, scores and tables are the same, whatever the threads' timing.
     */
    @Test
    void runsEndToEndTwiceWithTheSameNumbers(@TempDir Path tmp) throws Exception {
        Demo.Outcome out = Demo.run(tiny(tmp.resolve("a"), 12));
        assertTrue(Files.isRegularFile(out.report()));
        String html = Files.readString(out.report());
        assertTrue(html.contains("untrained") && html.contains("fine-tuned"), "both models in the report");
        assertTrue(html.contains("Exact checks against the gold calls"));
        assertTrue(html.contains("<td>strict</td>") && html.contains("95% bootstrap intervals"), "the strict rules beside ToolBench's");
        assertTrue(html.contains("<caption>Untrained vs fine-tuned, all held-out groups (%)</caption>"), "summary as a table");
        assertFalse(html.contains("<pre>"), "no preformatted summary");
        assertTrue(html.contains("data:image/png;base64,"), "loss curve embedded");
        assertEquals(6, out.exact().get("untrained").groups().size());
        assertEquals(6, out.exact().get("fine-tuned").groups().size());
        for (ExactScores s : out.exact().values()) assertEquals(6, s.total().queries());
        assertEquals(2, out.summary().rows().size());
        assertTrue(out.notes().stream().anyMatch(n -> n.contains(": 12 steps")), out.notes().toString());
        assertTrue(Files.isRegularFile(tmp.resolve("a/models/untrained/tokenizer.json")));
        assertTrue(Files.isRegularFile(tmp.resolve("a/models/untrained/model.safetensors")));
        assertTrue(out.phases().stream().anyMatch(p -> p.name().equals("fine-tuning")));

        Demo.Outcome again = Demo.run(tiny(tmp.resolve("b"), 12));
        assertEquals(out.summary(), again.summary());
        assertEquals(out.exact(), again.exact());
        assertSameFiles(tmp.resolve("a/answers"), tmp.resolve("b/answers"), ".json");
        assertSameFiles(tmp.resolve("a/eval/pass_rate"), tmp.resolve("b/eval/pass_rate"), ".csv");
        assertSameFiles(tmp.resolve("a/eval"), tmp.resolve("b/eval"), "rules.csv");
    }

    private static void assertSameFiles(Path a, Path b, String suffix) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(a)) {
            files = s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no " + suffix + " files under " + a);
        for (Path f : files) {
            assertEquals(Files.readString(f), Files.readString(b.resolve(a.relativize(f).toString())), a.relativize(f).toString());
        }
    }

    @Test
    void stepsAndMinutesMustBePositive(@TempDir Path tmp) {
        assertThrows(BadInputException.class, () -> Demo.Options.steps(0, tmp, 42));
        assertThrows(BadInputException.class, () -> Demo.Options.scaled(0, tmp, 42));
        assertEquals(Demo.Options.DEFAULT_STEPS, Demo.Options.steps(Demo.Options.DEFAULT_STEPS, tmp, 42).trainSteps());
    }
}
