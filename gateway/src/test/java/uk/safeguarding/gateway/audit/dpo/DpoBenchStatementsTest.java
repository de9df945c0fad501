package uk.safeguarding.gateway.audit.dpo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * bench/run's dpo-search step gives pgbench the gateway's own statements: this test writes
 * bench/dpo/*.pgbench from {@link AuditQueries}' statement builders (as ChronologyTest does for the
 * chronology), so the baseline always runs what the gateway runs.
 * Each bound value becomes the pgbench variable the step fills from its parameter lists; the values
 * the gateway fixes (the oversight actions, a report's whole-time range and size) become literals.
 */
class DpoBenchStatementsTest {

    private static final String DPO = "DPO";
    private static final String AGENCY = "AGENCY";
    private static final UUID CHILD = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    private static final UUID CURSOR_ID = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    private static final Instant T0 = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2000-02-01T00:00:00Z");
    private static final Instant AT = Instant.parse("2000-01-15T00:00:00Z");
    /** The gateway's default page size and export limit (gateway.audit.api). */
    private static final int PAGE = 50;
    private static final int MAX_EXPORT = 10_000;

    private static final String HEADER = """
            -- Written by DpoBenchStatementsTest from AuditQueries' statements (gateway/src/main/java/uk/safeguarding/gateway/audit/dpo):
            -- do not edit. Own scope for the DPO's agency :dpo. The \\gset look-up picks this transaction's parameters
            -- from the list the wrk paths were written from (a primary-key read, counted in pgbench's latency).
            """;

    private final DpoScope scope = DpoScope.own(DPO, "test@1#dpo");

    @Test
    void theBenchRunsTheGatewaysStatements() throws IOException {
        List<String> stale = new ArrayList<>();
        write("by-child", "SELECT child_id FROM bench_dpo.q_child WHERE i = :i \\gset", "",
                search(filter(CHILD, null, null, null, null)), stale);
        write("by-agency", "SELECT agency, t0, t1 FROM bench_dpo.q_agency WHERE i = :i \\gset", "",
                search(filter(null, AGENCY, T0, T1, null)), stale);
        write("paging", "SELECT agency, t0, t1, at, id FROM bench_dpo.q_page WHERE i = :i \\gset", "",
                search(filter(null, AGENCY, T0, T1, new AuditFilter.Cursor(AT, CURSOR_ID))), stale);
        List<Object> known = new ArrayList<>();
        String knows = pgbench(AuditQueries.knowsSql(CHILD, scope, known), known);
        List<Object> report = new ArrayList<>();
        String disclosures = pgbench(AuditQueries.disclosuresSql(CHILD, null, null, MAX_EXPORT, scope, report), report);
        write("disclosures", "SELECT child_id FROM bench_dpo.q_child WHERE i = :i \\gset",
                "-- The disclosure report runs two statements: knows() (404 for a child with nothing in scope), then\n"
                        + "-- disclosures() over all time (the gateway's defaults) with the export limit + 1.\n",
                knows + "\n" + disclosures, stale);
        assertEquals(List.of(), stale, "bench/dpo scripts were out of date and have been rewritten: commit them");
    }

    private AuditFilter filter(UUID child, String agency, Instant from, Instant to, AuditFilter.Cursor after) {
        return new AuditFilter(null, null, child, agency, null, null, null, null, from, to, PAGE, after);
    }

    private String search(AuditFilter filter) {
        List<Object> params = new ArrayList<>();
        return pgbench(AuditQueries.searchSql(filter, scope, params), params);
    }

    /** The statement on one line (the step EXPLAINs the scripts line by line), $n as pgbench variables or literals. */
    private static String pgbench(String sql, List<Object> params) {
        String out = sql.replaceAll("\\s+", " ").trim();
        for (int n = params.size(); n >= 1; n--) {
            Object value = params.get(n - 1);
            out = out.replace("$" + n, name(value));
        }
        return out + ";";
    }

    /** Each bound value the step varies, as its pgbench variable; the values the gateway fixes, as literals. */
    private static final Map<Object, String> NAMES = Map.of(DPO, ":dpo", AGENCY, ":agency", CHILD, ":child_id",
            CURSOR_ID, ":id", T0, ":t0", T1, ":t1", AT, ":at", DpoScope.OVERSIGHT_ACTIONS, "'" + DpoScope.OVERSIGHT_ACTIONS + "'",
            MAX_EXPORT + 1, String.valueOf(MAX_EXPORT + 1));

    private static String name(Object value) {
        Object key = value instanceof OffsetDateTime t ? t.toInstant() : value;
        String name = NAMES.get(key);
        if (name == null && value instanceof OffsetDateTime t) {
            return "'" + t.withOffsetSameInstant(ZoneOffset.UTC) + "'::timestamptz";
        }
        if (name == null) {
            throw new AssertionError("no pgbench variable for parameter " + value);
        }
        return name;
    }

    private static void write(String name, String gset, String note, String statements, List<String> stale) throws IOException {
        Path file = Path.of("..", "bench", "dpo", name + ".pgbench");
        String expected = HEADER + note + "\\set i random(1, :n)\n" + gset + "\n" + statements + "\n";
        if (!Files.exists(file) || !Files.readString(file).equals(expected)) {
            Files.writeString(file, expected);
            stale.add(file.toString());
        }
    }
}
