package uk.safeguarding.gateway.audit.dpo;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The printable copy of a disclosure report for the requester. Plain server-rendered HTML with a
 * print stylesheet; every value is escaped. It deliberately leaves out the DPO notes (whether
 * anything was withheld) and audit references.
 */
final class DisclosureHtml {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy").withZone(ZoneOffset.UTC);

    private DisclosureHtml() {
    }

    static String render(DisclosureReport report) {
        StringBuilder html = new StringBuilder(4096);
        html.append("""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <title>Disclosure report</title>
                <style>
                  body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; margin: 2em; color: #000; }
                  h1 { font-size: 16pt; }
                  table { border-collapse: collapse; width: 100%; }
                  th, td { border: 1px solid #555; padding: 4px 6px; text-align: left; vertical-align: top; }
                  th { background: #eee; }
                  .meta { margin-bottom: 1em; }
                  @media print { body { margin: 0; } tr { page-break-inside: avoid; } }
                </style>
                </head>
                <body>
                <h1>Organisations that have been given information about this child</h1>
                """);
        html.append("<p class=\"meta\">Child reference: ").append(esc(report.childId().toString()))
                .append("<br>Period: ").append(report.from() == null ? "from the start of the records" : "from " + DAY.format(report.from()))
                .append(report.to() == null ? " to the date of this report" : " to " + DAY.format(report.to()))
                .append("<br>Report produced: ").append(WHEN.format(report.generatedAt())).append("</p>\n");
        html.append("<p>Each row is one occasion on which information was shared through the safeguarding gateway. "
                + "Organisations are named; individual members of staff are not.</p>\n");
        if (report.disclosures().isEmpty()) {
            html.append("<p>No disclosures are recorded for this period.</p>\n");
        } else {
            html.append("<table>\n<thead><tr><th>When</th><th>Organisation</th><th>Type of organisation</th>"
                    + "<th>Kinds of information</th><th>Why</th><th>Lawful basis</th><th>Urgent override</th></tr></thead>\n<tbody>\n");
            for (DisclosureReport.Disclosure d : report.disclosures()) {
                html.append("<tr><td>").append(esc(WHEN.format(d.when())))
                        .append("</td><td>").append(esc(d.recipient().agency()))
                        .append("</td><td>").append(esc(d.recipient().agencyKind()))
                        .append("</td><td>").append(esc(String.join(", ", d.categories())))
                        .append("</td><td>").append(esc(d.purposeMeaning() != null ? d.purposeMeaning() : d.purpose()))
                        .append("</td><td>").append(esc(d.lawfulBasisMeaning() != null ? d.lawfulBasisMeaning() : d.lawfulBasis()))
                        .append("</td><td>").append(d.override() == null ? "no" : "yes, approved by a senior officer")
                        .append("</td></tr>\n");
            }
            html.append("</tbody>\n</table>\n");
        }
        if (report.truncated()) {
            html.append("<p>This report is limited to the earliest entries of the period; further reports cover the rest.</p>\n");
        }
        return html.append("</body>\n</html>\n").toString();
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
