package io.tooltune.pipeline;

import io.tooltune.report.HtmlReport;
import io.tooltune.report.Table;

import io.tooltune.report.HtmlReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Adds the demo's own section to the evaluation's report.html: notes on the run, the untrained/fine-tuned summary
 * table, exact checks against the gold calls, the training loss curve (embedded, so the file stays self-contained)
 * and the time of every phase.
 */
public final class DemoReport {
    private DemoReport() {}

    public static void extend(Path reportHtml, List<String> notes, Table summary, String exactTableHtml, Path lossCurvePng,
                              List<Budget.Phase> phases) {
        StringBuilder sb = new StringBuilder("\n<section id=\"demo\">\n<h2>Demo: untrained vs fine-tuned</h2>\n");
        for (String n : notes) sb.append("<p>").append(HtmlReport.escape(n)).append("</p>\n");
        sb.append(summary.html());
        sb.append("<h3>Exact checks against the gold calls (held-out test groups, %)</h3>\n").append(exactTableHtml);
        if (Files.isRegularFile(lossCurvePng)) {
            try {
                sb.append("<h3>Training loss</h3>\n<img alt=\"training loss\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(Files.readAllBytes(lossCurvePng))).append("\">\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<List<String>> rows = phases.stream()
                .map(p -> List.of(p.name(), String.format(Locale.ROOT, "%.1f", p.seconds()))).toList();
        sb.append("<h3>Phases</h3>\n").append(new Table(null, List.of("phase", "seconds"), rows).html());
        sb.append("</section>\n");
        try {
            String html = Files.exists(reportHtml) ? Files.readString(reportHtml, StandardCharsets.UTF_8)
                    : "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>tooltune demo</title></head><body></body></html>";
            int at = html.lastIndexOf("</body>");
            html = at < 0 ? html + sb : html.substring(0, at) + sb + html.substring(at);
            Files.createDirectories(reportHtml.toAbsolutePath().getParent());
            Files.writeString(reportHtml, html, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
