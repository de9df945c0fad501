package uk.safeguarding.gateway.risk;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Each agency's current risk level for a child (its newest row in {@code risk_level}) and the child's
 * shared level, the highest of them: one agency lowering its own view never hides another agency's
 * higher one.
 */
@ApplicationScoped
public class RiskLevels {

    static final List<String> LEVELS = List.of("LOW", "MEDIUM", "HIGH");

    /** One agency's current level: which assessment set it, since when, and when it is to be reviewed. */
    public record Current(UUID id, String agency, String level, UUID assessmentId, String via, Instant since,
            LocalDate reviewBy) {
    }

    private static final String CURRENT = """
            SELECT DISTINCT ON (agency_id) * FROM risk_level WHERE child_id = $1
            ORDER BY agency_id, effective_at DESC, id
            """;

    /** Every agency's current level, by agency id. */
    public Uni<Map<String, Current>> current(SqlClient client, UUID childId) {
        return client.preparedQuery(CURRENT).execute(Tuple.of(childId)).map(rows -> {
            Map<String, Current> out = new LinkedHashMap<>();
            for (Row r : rows) {
                out.put(r.getString("agency_id"), current(r));
            }
            return out;
        });
    }

    static Current current(Row r) {
        return new Current(r.getUUID("id"), r.getString("agency_id"), r.getString("level"), r.getUUID("assessment_id"),
                r.getString("via"), r.getOffsetDateTime("effective_at").toInstant(), r.getLocalDate("review_by"));
    }

    /** The highest of the levels, if any. */
    public static Optional<String> shared(Map<String, Current> current) {
        return current.values().stream().map(Current::level).max((a, b) -> rank(a) - rank(b));
    }

    /** The child's shared level: the highest current level of any agency. */
    public Uni<Optional<String>> shared(SqlClient client, UUID childId) {
        return current(client, childId).map(RiskLevels::shared);
    }

    static int rank(String level) {
        return LEVELS.indexOf(level);
    }

    /** Makes {@code level} the agency's current level from {@code at}. */
    Uni<Void> set(SqlClient tx, UUID childId, String agency, String level, UUID assessmentId, LocalDate reviewBy,
            String via, Instant at) {
        return tx.preparedQuery("""
                        INSERT INTO risk_level (id, child_id, agency_id, level, assessment_id, review_by, via, effective_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                        """)
                .execute(Tuple.from(new Object[] {UUID.randomUUID(), childId, agency, level, assessmentId, reviewBy, via,
                        at.atOffset(ZoneOffset.UTC)}))
                .replaceWithVoid();
    }

    /** Whether the assessment is in effect for the agency that made it. */
    static String inEffectSql(String alias) {
        return "EXISTS (SELECT 1 FROM risk_level l WHERE l.assessment_id = " + alias + ".id AND l.agency_id = " + alias
                + ".assessed_by_agency)";
    }
}
