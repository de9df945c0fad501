package uk.safeguarding.gateway.audit.dpo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.EmbeddedPostgresResource;

/**
 * The DPO scope is a WHERE clause the indexes serve (docs/AUDIT.md, section 4): on a few thousand
 * events of 100 agencies, the own-agency condition is answered by a BitmapOr of audit_event_agency
 * (b-tree on actor_agency) and audit_event_data_owners (GIN, jsonb_path_ops), both for the plan made
 * for the value and for the generic plan a cached prepared statement ends up with. In a scratch copy of
 * the table, so the shared test database and its chain are left alone. The newest-first page takes
 * the same BitmapOr and a top-N sort.
 */
@QuarkusTest
class DpoScopePlanTest {

    private static final int EVENTS = 5000;
    private static final int AGENCIES = 100;

    @Test
    void theOwnScopeIsABitmapOrOfBothIndexes() throws Exception {
        List<Object> params = new ArrayList<>();
        String scope = DpoScope.own("x", null).auditEvents("e", params);
        try (Connection c = EmbeddedPostgresResource.database().dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS scope_plan CASCADE");
            s.execute("CREATE SCHEMA scope_plan");
            try {
                s.execute("CREATE TABLE scope_plan.audit_event (LIKE public.audit_event INCLUDING DEFAULTS INCLUDING INDEXES)");
                s.execute("SET search_path = scope_plan");
                // Each event: one of 100 agencies acts; it disclosed the information of one or two others.
                s.execute("INSERT INTO audit_event (id, recorded_at, request_id, actor_agency, action, decision, outcome, data_owners)"
                        + " SELECT gen_random_uuid(), now() - g * interval '1 minute', 'r' || g, 'agency-' || (g % " + AGENCIES + "),"
                        + " 'referral.read', 'PERMIT', 200, jsonb_build_array('agency-' || ((g * 7) % " + AGENCIES + "),"
                        + " 'agency-' || ((g * 11) % " + AGENCIES + ")) FROM generate_series(1, " + EVENTS + ") g");
                // VACUUM as autovacuum would after inserts (PostgreSQL 13+): it also empties the GIN index's pending
                // list, without which the planner costs the GIN scan too high and reads the table (seen here).
                s.execute("VACUUM ANALYZE audit_event");
                s.execute("PREPARE scoped (text) AS SELECT count(*) FROM audit_event e WHERE " + scope);
                s.execute("PREPARE paged (text) AS SELECT e.id FROM audit_event e WHERE " + scope
                        + " ORDER BY e.recorded_at DESC, e.id DESC LIMIT 51");
                String custom = plan(s, "EXPLAIN (ANALYZE, COSTS OFF) EXECUTE scoped ('agency-3')");
                String pagedCustom = plan(s, "EXPLAIN (ANALYZE, COSTS OFF) EXECUTE paged ('agency-3')");
                s.execute("SET plan_cache_mode = force_generic_plan");
                String generic = plan(s, "EXPLAIN (ANALYZE, COSTS OFF) EXECUTE scoped ('agency-3')");
                String pagedGeneric = plan(s, "EXPLAIN (ANALYZE, COSTS OFF) EXECUTE paged ('agency-3')");
                s.execute("RESET plan_cache_mode");
                // A DPO of a large agency (a quarter of all events): the planner may rightly prefer to read the table.
                s.execute("UPDATE audit_event SET actor_agency = 'agency-3' WHERE random() < 0.25");
                s.execute("ANALYZE audit_event");
                String large = plan(s, "EXPLAIN (ANALYZE, COSTS OFF) EXECUTE scoped ('agency-3')");
                System.out.println("DPO scope, count, an agency with a quarter of the events:\n" + large);
                // Printed so the figures in docs/AUDIT.md can be checked against a run.
                System.out.println("DPO scope, count, custom plan:\n" + custom + "\nDPO scope, count, generic plan:\n" + generic
                        + "\nDPO scope, newest 51, custom plan:\n" + pagedCustom + "\nDPO scope, newest 51, generic plan:\n" + pagedGeneric);
                for (String p : List.of(custom, generic, pagedCustom, pagedGeneric)) {
                    assertTrue(p.contains("BitmapOr") && p.contains("audit_event_actor_agency") && p.contains("audit_event_data_owners"),
                            "the scope is not served by both indexes:\n" + p);
                    assertTrue(!p.contains("Seq Scan"), "the scope reads the whole table:\n" + p);
                }
            } finally {
                s.execute("RESET ALL");
                s.execute("DEALLOCATE ALL");
                s.execute("DROP SCHEMA scope_plan CASCADE");
            }
        }
    }

    private static String plan(Statement s, String explain) throws Exception {
        StringBuilder out = new StringBuilder();
        try (ResultSet rs = s.executeQuery(explain)) {
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }
}
