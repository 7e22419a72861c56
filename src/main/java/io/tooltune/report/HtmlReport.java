package io.tooltune.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * One self-contained HTML page (styles inline, images as data: URIs) built from headings, paragraphs, tables and
 * images, in the order added.
 */
public final class HtmlReport {
    private final String title;
    private final StringBuilder body = new StringBuilder();

    public HtmlReport(String title) {
        this.title = title;
    }

    public HtmlReport heading(String text) {
        body.append("<h2>").append(escape(text)).append("</h2>\n");
        return this;
    }

    public HtmlReport paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    public HtmlReport table(Table table) {
        body.append(table.html());
        return this;
    }

    /** A PNG image, inlined. */
    public HtmlReport png(String alt, byte[] png) {
        body.append("<figure><img alt=\"").append(escape(alt)).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\"><figcaption>").append(escape(alt))
                .append("</figcaption></figure>\n");
        return this;
    }

    public String html() {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title>\n"
                + "<style>body{font-family:sans-serif;margin:24px;color:#222;background:#fff}"
                + "table{border-collapse:collapse;margin:12px 0}th,td{border:1px solid #888;padding:4px 10px;text-align:left}"
                + "th{background:#dde6f3}caption{font-weight:bold;text-align:left;padding:4px 0}"
                + "figure{margin:12px 0}img{max-width:100%}</style></head>\n<body>\n<h1>" + escape(title) + "</h1>\n"
                + body + "</body></html>\n";
    }

    public void write(Path file) throws IOException {
        if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, html());
    }

    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
