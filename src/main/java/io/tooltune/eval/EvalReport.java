package io.tooltune.eval;

import io.tooltune.data.format.TestGroup;
import io.tooltune.report.HtmlReport;
import io.tooltune.report.RadarChart;
import io.tooltune.report.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The paper-style tables, radar chart and report.html of an {@link EvalRun.Result}. */
public final class EvalReport {
    private EvalReport() {}

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    public static String label(String group) {
        return TestGroup.labelOf(group);
    }

    /** Table 1: model, parameters, average pass rate, gap to the best. */
    public static Table overview(EvalRun.Result r, Map<String, String> parameters) {
        double best = r.models().stream().mapToDouble(r::averagePass).max().orElse(0);
        List<List<String>> rows = new ArrayList<>();
        for (String m : r.models()) {
            double a = r.averagePass(m);
            rows.add(List.of(m, parameters.getOrDefault(m, "–"), pct(a), pct(best - a)));
        }
        return new Table("Average " + metricName(r) + " (%)", List.of("Model", "Parameters", metricName(r), "Gap to best"), rows);
    }

    /** Table 2: models × groups, pass rate (and win rate where a reference was given), with the Average. */
    public static Table byGroup(EvalRun.Result r) {
        List<String> header = new ArrayList<>(List.of("Model", "Metric"));
        r.groups().forEach(g -> header.add(label(g)));
        header.add("Average");
        List<List<String>> rows = new ArrayList<>();
        for (String m : r.models()) {
            List<String> row = new ArrayList<>(List.of(m, metricName(r)));
            for (String g : r.groups()) {
                String cell = pct(r.passPercent(m, g));
                if (r.options().metric() == PassAndWinRates.Metric.SOPR) cell += "±" + pct(r.soprStdPercent(m, g));
                row.add(cell);
            }
            row.add(pct(r.averagePass(m)));
            rows.add(row);
            Map<String, PassAndWinRates.GroupWin> w = r.win().get(m);
            if (w != null) {
                List<String> wr = new ArrayList<>(List.of(m, "Win rate"));
                List<String> tr = new ArrayList<>(List.of(m, "Tie rate"));
                double ws = 0, ts = 0;
                for (String g : r.groups()) {
                    PassAndWinRates.GroupWin gw = w.get(g);
                    wr.add(pct(gw.winRate() * 100));
                    tr.add(pct(gw.tieRate() * 100));
                    ws += gw.winRate() * 100;
                    ts += gw.tieRate() * 100;
                }
                wr.add(pct(ws / r.groups().size()));
                tr.add(pct(ts / r.groups().size()));
                rows.add(wr);
                rows.add(tr);
            }
        }
        String title = metricName(r) + (r.reference() != null ? " and win rate vs " + r.reference() : "") + " per group (%)";
        return new Table(title, header, rows);
    }

    public static RadarChart radar(EvalRun.Result r) {
        RadarChart chart = new RadarChart(metricName(r) + " per group (%)", r.groups().stream().map(EvalReport::label).toList());
        for (String m : r.models()) chart.series(m, r.groups().stream().mapToDouble(g -> r.passPercent(m, g)).toArray());
        return chart;
    }

    private static String metricName(EvalRun.Result r) {
        return r.options().metric() == PassAndWinRates.Metric.SOPR ? "SoPR" : "Pass rate";
    }

    /** The report page (overview, per-group table, radar chart); callers may append sections before writing it. */
    public static HtmlReport html(EvalRun.Result r, Map<String, String> parameters, String judgeName) {
        return new HtmlReport("ToolEval report")
                .paragraph("Judge: " + judgeName + "; evaluations per query: " + r.options().evaluateTimes()
                        + "; seed: " + r.options().seed() + (r.pending() > 0 ? "; PENDING judgements: " + r.pending() : ""))
                .heading("Overview").table(overview(r, parameters))
                .heading("Per group").table(byGroup(r))
                .heading("Radar chart").png("Radar chart of " + metricName(r).toLowerCase(Locale.ROOT) + " per group", radar(r).png(720, 640));
    }

    /** Writes table1/table2 (.md, .csv), radar.png/.svg and report.html into {@code dir}. */
    public static Path write(EvalRun.Result r, Map<String, String> parameters, String judgeName, Path dir) throws IOException {
        Files.createDirectories(dir);
        Table t1 = overview(r, parameters), t2 = byGroup(r);
        Files.writeString(dir.resolve("table1.md"), t1.markdown());
        Files.writeString(dir.resolve("table1.csv"), t1.csv());
        Files.writeString(dir.resolve("table2.md"), t2.markdown());
        Files.writeString(dir.resolve("table2.csv"), t2.csv());
        RadarChart chart = radar(r);
        Files.write(dir.resolve("radar.png"), chart.png(720, 640));
        Files.writeString(dir.resolve("radar.svg"), chart.svg(720, 640));
        HtmlReport html = html(r, parameters, judgeName);
        Path file = dir.resolve("report.html");
        html.write(file);
        return file;
    }
}
