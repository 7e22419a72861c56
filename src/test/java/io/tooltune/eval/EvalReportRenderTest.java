package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.cli.Main;
import io.tooltune.data.format.TestGroup;
import io.tooltune.report.Chromium;
import io.tooltune.report.RadarChart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report.html of `tooltune eval` opened in headless Chromium: both tables and the radar chart render. */
class EvalReportRenderTest {
    @TempDir
    Path tmp;

    @Test
    void evalReportRenders() throws Exception {
        Path answers = Shared.path("data/toolbench/tooleval_default_evalset/gpt-3.5-turbo_CoT");
        // two models over the six groups: 20 real CoT answers per group, and the same with every other final answer removed
        Path full = tmp.resolve("cot"), half = tmp.resolve("cot_half");
        Files.createDirectories(full);
        Files.createDirectories(half);
        for (String g : TestGroup.NAMES) {
            JsonNode all = Json.MAPPER.readTree(answers.resolve(g + ".json").toFile());
            ObjectNode a = Json.MAPPER.createObjectNode(), b = Json.MAPPER.createObjectNode();
            int i = 0;
            for (var it = all.fields(); it.hasNext() && i < 20; i++) {
                var e = it.next();
                a.set(e.getKey(), e.getValue());
                ObjectNode c = e.getValue().deepCopy();
                if (i % 2 == 0) ((ObjectNode) c.get("answer")).put("final_answer", "");
                b.set(e.getKey(), c);
            }
            Json.MAPPER.writeValue(full.resolve(g + ".json").toFile(), a);
            Json.MAPPER.writeValue(half.resolve(g + ".json").toFile(), b);
        }
        Path out = tmp.resolve("out");
        assertEquals(0, Main.run("eval", "--answers", full.toString(), half.toString(), "--reference", "cot",
                "--evaluate-times", "1", "--output", out.toString()));
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,") && !html.contains("src=\"radar"), "self-contained");
        BufferedImage img = Chromium.screenshot(out.resolve("report.html"), tmp.resolve("chromium"), 1000, 1400);
        int header = Chromium.count(img, 0, 0, 1000, 650, new Color(0xdd, 0xe6, 0xf3));
        assertTrue(header > 3000, "table headers rendered: " + header);
        for (int s = 0; s < 2; s++) {
            int px = Chromium.count(img, 0, 600, 1000, 1400, RadarChart.PALETTE.get(s));
            assertTrue(px > 150, "radar series " + s + " rendered: " + px);
        }
    }
}
