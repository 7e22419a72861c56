package io.tooltune.eval.exact;

import io.tooltune.report.HtmlReport;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The exact-check table (groups × models; per query: right API, right arguments, answer has the gold facts, all
 * three; per gold call: made exactly; all in percent) as markdown and as an HTML fragment for report.html.
 */
public final class ExactTable {
    private ExactTable() {}

    public static String markdown(Map<String, ExactScores> byModel) {
        Set<String> groups = groups(byModel);
        StringBuilder sb = new StringBuilder("| model | check |");
        groups.forEach(g -> sb.append(' ').append(g).append(" |"));
        sb.append(" Average |\n|---|---|");
        groups.forEach(g -> sb.append("---|"));
        sb.append("---|\n");
        byModel.forEach((model, s) -> {
            for (String check : CHECKS) {
                sb.append("| ").append(model).append(" | ").append(check).append(" |");
                for (String g : groups) sb.append(' ').append(pct(s.groups().get(g), check)).append(" |");
                sb.append(' ').append(pct(s.total(), check)).append(" |\n");
            }
        });
        return sb.toString();
    }

    public static String html(Map<String, ExactScores> byModel) {
        Set<String> groups = groups(byModel);
        StringBuilder sb = new StringBuilder("<table><thead><tr><th>model</th><th>exact check</th>");
        groups.forEach(g -> sb.append("<th>").append(HtmlReport.escape(g)).append("</th>"));
        sb.append("<th>Average</th></tr></thead><tbody>\n");
        byModel.forEach((model, s) -> {
            for (String check : CHECKS) {
                sb.append("<tr><td>").append(HtmlReport.escape(model)).append("</td><td>").append(check).append("</td>");
                for (String g : groups) sb.append("<td>").append(pct(s.groups().get(g), check)).append("</td>");
                sb.append("<td>").append(pct(s.total(), check)).append("</td></tr>\n");
            }
        });
        return sb.append("</tbody></table>\n").toString();
    }

    private static final String EXACT_CALLS = "gold calls made exactly";
    private static final String[] CHECKS = {"right API", "right arguments", "answer has gold facts", "all three",
        EXACT_CALLS};

    private static String pct(ExactScores.Group g, String check) {
        if (g == null) return "-";
        if (check.equals(EXACT_CALLS)) return String.format(Locale.ROOT, "%.1f", 100 * g.exactCallRate());
        int n = switch (check) {
            case "right API" -> g.apiRight();
            case "right arguments" -> g.argsRight();
            case "answer has gold facts" -> g.answerRight();
            default -> g.allRight();
        };
        return String.format(Locale.ROOT, "%.1f", 100 * g.rate(n));
    }

    private static Set<String> groups(Map<String, ExactScores> byModel) {
        Set<String> groups = new LinkedHashSet<>();
        byModel.values().forEach(s -> groups.addAll(s.groups().keySet()));
        return groups;
    }
}
