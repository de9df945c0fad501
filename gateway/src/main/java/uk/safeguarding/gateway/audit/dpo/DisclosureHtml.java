package uk.safeguarding.gateway.audit.dpo;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The printable copy of a disclosure report for the requester: a Qute template
 * ({@code templates/DisclosureHtml/report.html}, auto-escaped like the console's pages) with a print
 * stylesheet. It deliberately leaves out the DPO notes (whether anything was withheld) and audit
 * references; the values are formatted here so the template only places them.
 */
final class DisclosureHtml {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy").withZone(ZoneOffset.UTC);

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance report(String childReference, String period, String produced, List<Row> rows,
                boolean truncated);
    }

    /** One disclosure as the requester reads it. */
    record Row(String when, String organisation, String kind, String categories, String why, String lawfulBasis,
            String override) {
    }

    private DisclosureHtml() {
    }

    static String render(DisclosureReport report) {
        String period = (report.from() == null ? "from the start of the records" : "from " + DAY.format(report.from()))
                + (report.to() == null ? " to the date of this report" : " to " + DAY.format(report.to()));
        List<Row> rows = report.disclosures().stream().map(d -> new Row(WHEN.format(d.when()), d.recipient().agency(),
                d.recipient().agencyKind(), String.join(", ", d.categories()),
                d.purposeMeaning() != null ? d.purposeMeaning() : d.purpose(),
                d.lawfulBasisMeaning() != null ? d.lawfulBasisMeaning() : d.lawfulBasis(),
                d.override() == null ? "no" : "yes, approved by a senior officer")).toList();
        return Templates.report(report.childId().toString(), period, WHEN.format(report.generatedAt()), rows,
                report.truncated()).render();
    }
}
