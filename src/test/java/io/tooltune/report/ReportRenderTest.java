package io.tooltune.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportRenderTest {
    @TempDir
    Path tmp;

    static final List<String> AXES = List.of("I1-Inst.", "I1-Cat.", "I1-Tool", "I2-Inst.", "I2-Cat.", "I3-Inst.");

    static RadarChart chart() {
        return new RadarChart("Pass rate per group (%)", AXES)
                .series("big", new double[] {90, 80, 85, 70, 75, 80})
                .series("small", new double[] {40, 30, 45, 35, 50, 20});
    }

    static Table table() {
        return new Table("Pass rate (%)", List.of("Model", "Pass rate", "Gap"), List.of(List.of("big", "80.0", "0.0"), List.of("small|x", "36.7", "43.3")));
    }

    @Test
    void tableFormats() {
        Table t = table();
        assertEquals("**Pass rate (%)**\n\n| Model | Pass rate | Gap |\n|---|---|---|\n| big | 80.0 | 0.0 |\n| small\\|x | 36.7 | 43.3 |\n", t.markdown());
        assertEquals("Model,Pass rate,Gap\r\nbig,80.0,0.0\r\nsmall|x,36.7,43.3\r\n", t.csv());
        assertTrue(t.html().contains("<td>small|x</td>"));
    }

    @Test
    void radarChartDrawsEverySeriesInItsColour() throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(chart().png(600, 500)));
        assertEquals(600, img.getWidth());
        assertTrue(count(img, 0, 0, 600, 500, RadarChart.PALETTE.get(0)) > 200, "first series outline");
        assertTrue(count(img, 0, 0, 600, 500, RadarChart.PALETTE.get(1)) > 200, "second series outline");
        String svg = chart().svg(600, 500);
        assertTrue(svg.startsWith("<?xml") && svg.contains("<svg"), "SVG document");
    }

    /** Opens report.html in headless Chromium and checks the screenshot: a table at the top, the chart's series below. */
    @Test
    void reportRendersInHeadlessChromium() throws Exception {
        Path html = tmp.resolve("report.html");
        new HtmlReport("Render check").heading("Overview").table(table()).heading("Radar chart").png("radar", chart().png(600, 500)).write(html);
        assertTrue(!Files.readString(html).contains("src=\"radar"), "self-contained: image inlined");
        BufferedImage img = Chromium.screenshot(html, tmp.resolve("chromium"), 800, 1000);
        // the table: header background and cell borders in the upper part of the page
        assertTrue(count(img, 0, 0, 800, 300, new Color(0xdd, 0xe6, 0xf3)) > 1000, "table header rendered");
        assertTrue(count(img, 0, 0, 800, 300, new Color(0x88, 0x88, 0x88)) > 300, "table borders rendered");
        // the chart: both series outlines below the table
        assertTrue(count(img, 0, 250, 800, 1000, RadarChart.PALETTE.get(0)) > 200, "first radar series rendered");
        assertTrue(count(img, 0, 250, 800, 1000, RadarChart.PALETTE.get(1)) > 200, "second radar series rendered");
    }

    static int count(BufferedImage img, int x0, int y0, int x1, int y1, Color c) {
        return Chromium.count(img, x0, y0, x1, y1, c);
    }
}
