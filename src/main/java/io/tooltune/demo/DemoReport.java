package io.tooltune.demo;

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
 * Adds the demo's own section to the evaluation's report.html: exact checks against the gold calls, the training
 * loss curve (embedded, so the file stays self-contained), the time of every phase and the run's summary.
 */
public final class DemoReport {
    private DemoReport() {}

    public static void extend(Path reportHtml, String exactTableHtml, Path lossCurvePng, List<Budget.Phase> phases,
                              String summary) {
        StringBuilder sb = new StringBuilder("\n<section id=\"demo\">\n<h2>Demo: untrained vs fine-tuned</h2>\n");
        sb.append("<pre>").append(HtmlReport.escape(summary)).append("</pre>\n");
        sb.append("<h3>Exact checks against the gold calls (held-out test groups, %)</h3>\n").append(exactTableHtml);
        if (Files.isRegularFile(lossCurvePng)) {
            try {
                sb.append("<h3>Training loss</h3>\n<img alt=\"training loss\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(Files.readAllBytes(lossCurvePng))).append("\">\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        sb.append("<h3>Phases</h3>\n<table><thead><tr><th>phase</th><th>seconds</th></tr></thead><tbody>\n");
        for (Budget.Phase p : phases) {
            sb.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.1f</td></tr>%n", HtmlReport.escape(p.name()), p.seconds()));
        }
        sb.append("</tbody></table>\n</section>\n");
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
