package io.tooltune.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.RadarChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A radar chart of scores in [0, 100] per axis (e.g. pass rate per test group) for several series (models), like
 * the ToolLLM paper's Figure 1. Series take {@link #PALETTE} colours in order.
 */
public final class RadarChart {
    public static final List<Color> PALETTE = List.of(new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C),
            new Color(0xFF7F0E), new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2), new Color(0x17BECF));

    private final String title;
    private final List<String> axes;
    private final Map<String, double[]> series = new LinkedHashMap<>();

    public RadarChart(String title, List<String> axes) {
        this.title = title;
        this.axes = List.copyOf(axes);
    }

    /** Adds a series; values (one per axis) in percent. */
    public RadarChart series(String name, double[] percent) {
        if (percent.length != axes.size()) throw new IllegalArgumentException(name + ": " + percent.length + " values for " + axes.size() + " axes");
        series.put(name, percent.clone());
        return this;
    }

    private org.knowm.xchart.RadarChart build(int width, int height) {
        org.knowm.xchart.RadarChart chart = new RadarChartBuilder().width(width).height(height).title(title).build();
        chart.setRadiiLabels(axes.toArray(String[]::new));
        var styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setToolTipsEnabled(false);
        styler.setSeriesColors(PALETTE.toArray(Color[]::new));
        int k = 0;
        for (var e : series.entrySet()) {
            double[] v = new double[axes.size()];
            for (int i = 0; i < v.length; i++) v[i] = Math.max(0, Math.min(1, e.getValue()[i] / 100.0));
            Color c = PALETTE.get(k++ % PALETTE.size());
            var s = chart.addSeries(e.getKey(), v);
            s.setLineColor(c);
            s.setMarkerColor(c);
            // translucent fill so that overlapping models stay visible; outlines keep the exact palette colour
            s.setFillColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 60));
        }
        return chart;
    }

    public byte[] png(int width, int height) {
        try {
            return BitmapEncoder.getBitmapBytes(build(width, height), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String svg(int width, int height) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            VectorGraphicsEncoder.saveVectorGraphic(build(width, height), out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
