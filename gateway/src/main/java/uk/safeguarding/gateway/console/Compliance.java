package uk.safeguarding.gateway.console;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import uk.safeguarding.gateway.alert.DeadLetterResource;
import uk.safeguarding.gateway.audit.dpo.DpoScope;

/**
 * The compliance figures for a DPO, in the scope the engine granted them ({@link DpoScope}), per
 * protocol and recipient agency: notices and acknowledgements of duties addressed to, or raised by,
 * the scope's agencies; return interviews they owe or whose missing episode they reported; overrides
 * in their audit scope (their staff's, or releasing their information). Small counts are suppressed on
 * the page (see {@link Line#totalShown()}), because a count of one or two can identify a child.
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

    private final Pool pool;

    Compliance(Pool pool) {
        this.pool = pool;
    }

    public Uni<Figures> figures(DpoScope scope) {
        // A notice is on time when it reached the recipient before its duty's deadline; an acknowledgement
        // is within the deadline when the recipient acknowledged before it.
        Uni<List<Line>> notices = alerts(scope, "delivered_at IS NOT NULL AND delivered_at <= ack_due_at");
        Uni<List<Line>> acks = alerts(scope, "acknowledged_at IS NOT NULL AND acknowledged_at <= ack_due_at");
        // Return interviews are owed by the placement's return-interview service, else the one the episode was
        // routed to (missing from home), else the placing council.
        List<Object> rhi = new ArrayList<>();
        String owes = scope.agencyColumn("coalesce(p.rhi_service, m.rhi_service, p.placing_authority, m.reported_by)", rhi);
        String reported = scope.agencyColumn("m.reported_by", rhi);
        Uni<List<Line>> interviews = lines("""
                SELECT NULL AS protocol, coalesce(p.rhi_service, m.rhi_service, p.placing_authority, m.reported_by) AS agency,
                    count(*) AS total,
                    count(*) FILTER (WHERE m.rhi_completed_at IS NOT NULL
                        AND m.rhi_completed_at <= m.found_at + interval '72 hours') AS met
                FROM missing_episode m LEFT JOIN placement p ON p.id = m.placement_id
                WHERE m.found_at IS NOT NULL AND (%s OR %s)
                GROUP BY 2 ORDER BY 2""".formatted(owes, reported), rhi);
        List<Object> audit = new ArrayList<>();
        Uni<List<Line>> overrides = lines("""
                SELECT NULL AS protocol, e.actor_agency AS agency, count(*) AS total,
                    count(*) FILTER (WHERE e.override_approver IS NOT NULL) AS met
                FROM audit_event e WHERE (e.override_justification IS NOT NULL OR e.override_approver IS NOT NULL)
                    AND %s
                GROUP BY 2 ORDER BY 2""".formatted(scope.auditEvents("e", audit)), audit);
        return Uni.combine().all().unis(notices, acks, interviews, overrides).asTuple()
                .map(t -> new Figures(t.getItem1(), t.getItem2(), t.getItem3(), t.getItem4()));
    }

    /** Duty notices addressed to or raised by the scope's agencies, and how many met {@code metWhen}. */
    private Uni<List<Line>> alerts(DpoScope scope, String metWhen) {
        List<Object> params = new ArrayList<>();
        String recipient = scope.agencyColumn("recipient_agency", params);
        String raiser = scope.agencyColumn(DeadLetterResource.RAISED_BY, params);
        return lines("""
                SELECT split_part(duty_ref, '#', 1) AS protocol, recipient_agency AS agency, count(*) AS total,
                    count(*) FILTER (WHERE %s) AS met
                FROM alert WHERE duty_ref IS NOT NULL AND ack_due_at IS NOT NULL AND (%s OR %s)
                GROUP BY 1, 2 ORDER BY 1, 2""".formatted(metWhen, recipient, raiser), params);
    }

    private Uni<List<Line>> lines(String sql, List<Object> params) {
        return pool.preparedQuery(sql).execute(Tuple.from(params)).map(rows -> {
            List<Line> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new Line(r.getString("protocol"), r.getString("agency"), r.getLong("total"), r.getLong("met")));
            }
            return out;
        });
    }
}
