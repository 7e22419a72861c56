package io.tooltune.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Training loss against optimizer step as a PNG (XChart, headless). */
public final class LossCurve {
    private LossCurve() {}

    /** Plots finite (step, loss) points; writes {@code png}. */
    public static void write(Path png, long[] steps, double[] losses, String title) {
        System.setProperty("java.awt.headless", "true");
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int i = 0; i < steps.length; i++) {
            if (Double.isFinite(losses[i])) {
                x.add((double) steps[i]);
                y.add(losses[i]);
            }
        }
        if (x.isEmpty()) return;
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title)
                .xAxisTitle("optimizer step").yAxisTitle("training loss").build();
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("loss", x, y).setMarker(x.size() > 60 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        try {
            String name = png.toString();
            String base = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
            BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
    }
}
