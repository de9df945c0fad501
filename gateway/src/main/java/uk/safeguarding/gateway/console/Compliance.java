package uk.safeguarding.gateway.console;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * The compliance figures for a DPO: over the children their own agency is involved with (the same
 * scope as the disclosure reports), per protocol and recipient agency. Small counts are suppressed
 * on the page (see {@link Row#shown(long)}), because a count of one or two can identify a child.
 */
@ApplicationScoped
public class Compliance {

    /** Counts under this are shown as "<5", and no percentage is computed from them. */
    static final int SUPPRESS_BELOW = 5;

    /** One line of a chart: how many in total and how many met the deadline. */
    public record Line(String protocol, String agency, long total, long met) {

        public String totalShown() {
            return shown(total);
        }

        public String metShown() {
            return shown(met);
        }

        /** Percentage met, or null when the total is too small to show one. */
        public Integer percent() {
            return total < SUPPRESS_BELOW ? null : (int) Math.round(100.0 * met / total);
        }

        public String label() {
            return protocol == null ? agency : protocol + " → " + agency;
        }
    }

    /** A count as the page may show it. */
    public static String shown(long count) {
        return count > 0 && count < SUPPRESS_BELOW ? "<5" : Long.toString(count);
    }

    /** The four figures of the dashboard. */
    public record Figures(List<Line> notices, List<Line> acknowledgements, List<Line> returnInterviews, List<Line> overrides) {
    }

    private static final String SCOPE = "child_id IN (SELECT child_id FROM relationship WHERE agency_id = $1)";

    private final Pool pool;

    Compliance(Pool pool) {
        this.pool = pool;
    }

    public Uni<Figures> figures(String dpoAgency) {
        Tuple scope = Tuple.of(dpoAgency);
        // A notice is on time when it reached the recipient before its duty's deadline; an acknowledgement
        // is within the deadline when the recipient acknowledged before it.
        Uni<List<Line>> notices = lines("""
                SELECT split_part(duty_ref, '#', 1) AS protocol, recipient_agency AS agency, count(*) AS total,
                    count(*) FILTER (WHERE delivered_at IS NOT NULL AND delivered_at <= ack_due_at) AS met
                FROM alert WHERE duty_ref IS NOT NULL AND ack_due_at IS NOT NULL AND""" + " " + SCOPE + """
                 GROUP BY 1, 2 ORDER BY 1, 2""", scope);
        Uni<List<Line>> acks = lines("""
                SELECT split_part(duty_ref, '#', 1) AS protocol, recipient_agency AS agency, count(*) AS total,
                    count(*) FILTER (WHERE acknowledged_at IS NOT NULL AND acknowledged_at <= ack_due_at) AS met
                FROM alert WHERE duty_ref IS NOT NULL AND ack_due_at IS NOT NULL AND""" + " " + SCOPE + """
                 GROUP BY 1, 2 ORDER BY 1, 2""", scope);
        // Return interviews are owed by the placement's return-interview service (or the placing council).
        Uni<List<Line>> interviews = lines("""
                SELECT NULL AS protocol, coalesce(p.rhi_service, p.placing_authority, m.reported_by) AS agency,
                    count(*) AS total,
                    count(*) FILTER (WHERE m.rhi_completed_at IS NOT NULL
                        AND m.rhi_completed_at <= m.found_at + interval '72 hours') AS met
                FROM missing_episode m LEFT JOIN placement p ON p.id = m.placement_id
                WHERE m.found_at IS NOT NULL AND m.""" + SCOPE + """
                 GROUP BY 2 ORDER BY 2""", scope);
        Uni<List<Line>> overrides = lines("""
                SELECT NULL AS protocol, actor_agency AS agency, count(*) AS total,
                    count(*) FILTER (WHERE override_approver IS NOT NULL) AS met
                FROM audit_event WHERE (override_justification IS NOT NULL OR override_approver IS NOT NULL)
                    AND""" + " " + SCOPE + """
                 GROUP BY 2 ORDER BY 2""", scope);
        return Uni.combine().all().unis(notices, acks, interviews, overrides).asTuple()
                .map(t -> new Figures(t.getItem1(), t.getItem2(), t.getItem3(), t.getItem4()));
    }

    private Uni<List<Line>> lines(String sql, Tuple params) {
        return pool.preparedQuery(sql).execute(params).map(rows -> {
            List<Line> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new Line(r.getString("protocol"), r.getString("agency"), r.getLong("total"), r.getLong("met")));
            }
            return out;
        });
    }
}
