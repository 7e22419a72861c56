package io.tooltune.demo;

import io.tooltune.data.TrajectoryData;
import io.tooltune.eval.exact.ExactScores;
import io.tooltune.model.opt.OptConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoTest {

    /** The whole pipeline at a tiny scale: a few queries, a one-layer model, a few training steps. */
    @Test
    void runsEndToEndAndReportsBothModels(@TempDir Path tmp) throws Exception {
        OptConfig tiny = new OptConfig(400, 32, 64, 1, 2, 32, 512, true, 0.0, true, 1, 2, 2);
        Demo.Options o = new Demo.Options(1.5, tmp.resolve("demo"), 7, 6, 12, 1, 200, 400, tiny, 2, 1e-3, 2, TrajectoryData.PromptLoss.ALL, 2, 2, 12, true);
        Demo.Outcome out = Demo.run(o);
        assertTrue(Files.isRegularFile(out.report()));
        String html = Files.readString(out.report());
        assertTrue(html.contains("untrained") && html.contains("fine-tuned"), "both models in the report");
        assertTrue(html.contains("Exact checks against the gold calls"));
        assertTrue(html.contains("data:image/png;base64,"), "loss curve embedded");
        assertEquals(6, out.exact().get("untrained").groups().size());
        assertEquals(6, out.exact().get("fine-tuned").groups().size());
        for (ExactScores s : out.exact().values()) assertEquals(6, s.total().queries());
        assertTrue(Files.isRegularFile(tmp.resolve("demo/models/untrained/tokenizer.json")));
        assertTrue(Files.isRegularFile(tmp.resolve("demo/models/untrained/model.safetensors")));
        assertTrue(out.phases().stream().anyMatch(p -> p.name().equals("fine-tuning")));
    }
}
