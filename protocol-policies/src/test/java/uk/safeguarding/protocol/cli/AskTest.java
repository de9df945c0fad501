package uk.safeguarding.protocol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AskTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int ask(String... args) {
        return Ask.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void hostPoliceMaySeeThePlacementButNotHealth() {
        int status = ask("--agency", "police:lancashire", "--roles", "practitioner", "--relationship", "host-police",
                "--category", "identity,placement,health", "--purpose", "SAFEGUARDING", "--at", "2026-03-10T10:00:00Z");
        assertEquals(0, status);
        String o = out();
        assertTrue(o.contains("Decision: PERMIT"), o);
        assertTrue(o.contains("Permitted categories: identity, placement"), o);
        assertTrue(o.contains("Withheld: health (OVERRIDE_JUSTIFICATION_REQUIRED)"), o);
        assertTrue(o.contains("  out-of-area-placement@1.0.0#host-police-read"), o);
        assertTrue(o.contains("Lawful basis: ukgdpr-6-1-e"), o);
        assertTrue(o.contains("NOTIFY_OWNING_AGENCY"), o);
    }

    @Test
    void philomenaIsRefusedUnlessTheChildIsMissing() {
        String[] base = {"--agency", "police:lancashire", "--relationship", "host-police", "--category", "philomena",
                "--purpose", "MISSING-RESPONSE", "--at", "2026-03-10T10:00:00Z"};
        assertEquals(1, ask(base));
        assertTrue(out().contains("Decision: DENY (PHILOMENA_NOT_MISSING, rule missing-from-care@1.0.0#philomena-only-while-missing)"), out());
        out.reset();
        String[] missing = java.util.Arrays.copyOf(base, base.length + 1);
        missing[base.length] = "--missing";
        assertEquals(0, ask(missing));
        assertTrue(out().contains("Permitted categories: philomena"), out());
    }

    @Test
    void anOverrideCanBeAskedFor() {
        int status = ask("--agency", "la:E10000017", "--relationship", "host-council", "--category", "health",
                "--purpose", "SAFEGUARDING", "--consent", "refused", "--subject", "sw-1",
                "--justification", "Child disclosed self-harm today; GP record needed for the safety plan tonight.",
                "--basis", "ukgdpr-9-2-g+dpa-sch1-p18", "--approver", "tm-2@la:E10000017", "--at", "2026-03-10T10:00:00Z");
        assertEquals(0, status, out());
        assertTrue(out().contains("FLAG_DPO_REVIEW"), out());
    }

    @Test
    void badUsageExitsWithTwo() {
        assertEquals(2, ask("--agency", "police:met"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: Ask"));
        assertEquals(2, ask("--agency", "police:met", "--category", "identity", "--purpose", "SAFEGUARDING", "--colour", "blue"));
        assertEquals(2, ask("--agency", "police:met", "--category", "identity", "--purpose", "SAFEGUARDING", "--at", "yesterday"));
    }
}
