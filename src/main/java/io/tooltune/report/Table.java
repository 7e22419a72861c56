package io.tooltune.report;

import java.util.List;
import java.util.stream.Collectors;

/** A titled table of strings, rendered as Markdown, CSV (RFC 4180) or an HTML fragment. */
public record Table(String title, List<String> header, List<List<String>> rows) {
    public Table {
        header = List.copyOf(header);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<String> r : rows) {
            if (r.size() != header.size()) throw new IllegalArgumentException(title + ": row " + r + " has " + r.size() + " cells, header " + header.size());
        }
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        if (title != null && !title.isEmpty()) sb.append("**").append(title).append("**\n\n");
        sb.append(mdRow(header)).append('|').append(header.stream().map(h -> "---").collect(Collectors.joining("|"))).append("|\n");
        for (List<String> r : rows) sb.append(mdRow(r));
        return sb.toString();
    }

    private static String mdRow(List<String> cells) {
        return "| " + cells.stream().map(c -> c.replace("|", "\\|").replace("\n", " ")).collect(Collectors.joining(" | ")) + " |\n";
    }

    public String csv() {
        StringBuilder sb = new StringBuilder();
        sb.append(csvRow(header));
        for (List<String> r : rows) sb.append(csvRow(r));
        return sb.toString();
    }

    private static String csvRow(List<String> cells) {
        return cells.stream().map(c -> c.contains(",") || c.contains("\"") || c.contains("\n")
                ? "\"" + c.replace("\"", "\"\"") + "\"" : c).collect(Collectors.joining(",")) + "\r\n";
    }

    public String html() {
        StringBuilder sb = new StringBuilder("<table>\n");
        if (title != null && !title.isEmpty()) sb.append("<caption>").append(HtmlReport.escape(title)).append("</caption>\n");
        sb.append("<thead><tr>");
        for (String h : header) sb.append("<th>").append(HtmlReport.escape(h)).append("</th>");
        sb.append("</tr></thead>\n<tbody>\n");
        for (List<String> r : rows) {
            sb.append("<tr>");
            for (String c : r) sb.append("<td>").append(HtmlReport.escape(c)).append("</td>");
            sb.append("</tr>\n");
        }
        return sb.append("</tbody>\n</table>\n").toString();
    }
}
