package uk.safeguarding.gateway.audit.dpo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The requester's printable copy, through its Qute template: every value escaped, nothing about withholding. */
@QuarkusTest
class DisclosureHtmlTest {

    @Test
    void valuesAreEscapedByTheTemplate() {
        DisclosureReport.Disclosure d = new DisclosureReport.Disclosure(Instant.parse("2026-11-30T10:15:00Z"),
                new DisclosureReport.Recipient("la:<script>alert(1)</script>", "council \"&\" co", "a system"),
                List.of("identity", "risk"), "SAFEGUARDING", "To protect the child", "UK GDPR 6(1)(e)", null, "read",
                new DisclosureReport.Override(true, "someone"), UUID.randomUUID());
        String html = DisclosureHtml.render(new DisclosureReport(UUID.randomUUID(), Instant.parse("2026-12-01T09:00:00Z"),
                null, null, "parent", List.of(d), true, null));
        assertTrue(html.startsWith("<!DOCTYPE html>"), html);
        assertTrue(html.contains("<td>la:&lt;script&gt;alert(1)&lt;/script&gt;</td>"), html);
        assertTrue(html.contains("council &quot;&amp;&quot; co"), html);
        assertTrue(html.contains("<td>30 Nov 2026, 10:15 UTC</td>"), html);
        assertTrue(html.contains("<td>yes, approved by a senior officer</td>"), html);
        assertTrue(html.contains("from the start of the records to the date of this report"), html);
        assertTrue(html.contains("limited to the earliest entries"), html);
        assertFalse(html.contains("<script>"), html);
        assertFalse(html.contains("someone"), "the approver is not named");
    }

    @Test
    void anEmptyPeriodSaysSo() {
        String html = DisclosureHtml.render(new DisclosureReport(UUID.randomUUID(), Instant.now(),
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"), "child", List.of(), false, null));
        assertTrue(html.contains("No disclosures are recorded for this period."), html);
        assertTrue(html.contains("from 1 Jan 2026 to 1 Feb 2026"), html);
        assertFalse(html.contains("<table>"), html);
    }
}
