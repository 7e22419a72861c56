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

    /** Table 1: a row per model per rule set: average, its 95 % bootstrap interval, gap to the best, grounded answers. */
    public static Table overview(EvalRun.Result r, Map<String, String> parameters) {
        List<List<String>> rows = new ArrayList<>();
        for (RuleSet rules : RuleSet.values()) {
            double best = r.models().stream().mapToDouble(m -> r.averagePass(m, rules)).max().orElse(0);
            for (String m : r.models()) {
                double a = r.averagePass(m, rules);
                rows.add(List.of(m, rules.label(), parameters.getOrDefault(m, "–"), pct(a), interval(r.averageInterval(m, rules)),
                        pct(best - a), pct(r.groundedPercent(m))));
            }
        }
        return new Table("Average " + metricName(r) + " (%) under both rule sets",
                List.of("Model", "Rules", "Parameters", metricName(r), "95% CI", "Gap to best", "Grounded answers"), rows);
    }

    /** Each group's score under both rule sets with its 95 % bootstrap interval. */
    public static Table intervals(EvalRun.Result r) {
        List<String> header = new ArrayList<>(List.of("Model", "Rules"));
        r.groups().forEach(g -> header.add(label(g)));
        List<List<String>> rows = new ArrayList<>();
        for (String m : r.models()) {
            for (RuleSet rules : RuleSet.values()) {
                List<String> row = new ArrayList<>(List.of(m, rules.label()));
                for (String g : r.groups()) row.add(pct(r.passPercent(m, g, rules)) + " " + interval(r.interval(m, g, rules)));
                rows.add(row);
            }
        }
        return new Table(metricName(r) + " per group and rule set, with 95% bootstrap intervals (%)", header, rows);
    }

    /** Per model: answers without a tool call, calls to functions not offered, invalid Action Inputs. */
    public static Table toolUse(EvalRun.Result r) {
        List<List<String>> rows = new ArrayList<>();
        for (String m : r.models()) {
            ToolUse u = r.toolUse().get(m);
            rows.add(List.of(m, String.valueOf(u.answers()), pct(u.noToolShare() * 100), String.valueOf(u.calls()),
                    pct(u.unofferedShare() * 100), pct(u.invalidInputShare() * 100)));
        }
        return new Table("Tool use (%)", List.of("Model", "Answers", "No tool called", "Tool calls", "Calls to functions not offered",
                "Action Inputs invalid for the schema"), rows);
    }

    private static String interval(Bootstrap.Interval i) {
        return "[" + pct(i.low()) + ", " + pct(i.high()) + "]";
    }

    /** Table 2 (under the run's rule set): models × groups, pass rate (and win rate where a reference was given), with the Average. */
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
        HtmlReport page = new HtmlReport("ToolEval report")
                .paragraph("Judge: " + judgeName + "; evaluations per query: " + r.options().evaluateTimes()
                        + "; rules of the per-group table: " + r.options().rules().label()
                        + "; bootstrap: " + Bootstrap.RESAMPLES + " resamples"
                        + "; seed: " + r.options().seed() + (r.pending() > 0 ? "; PENDING judgements: " + r.pending() : ""))
                .heading("Overview").table(overview(r, parameters))
                .heading("Per group").table(byGroup(r))
                .heading("Radar chart").png("Radar chart of " + metricName(r).toLowerCase(Locale.ROOT) + " per group", radar(r).png(720, 640))
                .heading("Rule sets").table(intervals(r));
        for (String m : r.models()) page.paragraph(RuleComparison.of(r, m).explanation());
        return page.heading("Tool use").table(toolUse(r));
    }

    /** Writes table1/table2 (.md, .csv), radar.png/.svg and report.html into {@code dir}. */
    public static Path write(EvalRun.Result r, Map<String, String> parameters, String judgeName, Path dir) throws IOException {
        Files.createDirectories(dir);
        Table t1 = overview(r, parameters), t2 = byGroup(r);
        Files.writeString(dir.resolve("table1.md"), t1.markdown());
        Files.writeString(dir.resolve("table1.csv"), t1.csv());
        Files.writeString(dir.resolve("table2.md"), t2.markdown());
        Files.writeString(dir.resolve("table2.csv"), t2.csv());
        Files.writeString(dir.resolve("rules.csv"), intervals(r).csv());
        Files.writeString(dir.resolve("tool_use.csv"), toolUse(r).csv());
        RadarChart chart = radar(r);
        Files.write(dir.resolve("radar.png"), chart.png(720, 640));
        Files.writeString(dir.resolve("radar.svg"), chart.svg(720, 640));
        HtmlReport html = html(r, parameters, judgeName);
        Path file = dir.resolve("report.html");
        html.write(file);
        return file;
    }
}
