package uk.safeguarding.gateway.risk;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The risk feature's statements run by its resources: assessments, who must agree to a downgrade, the second
 * approver, agreements and the history. Each takes the caller's client, so the resource decides the transaction.
 */
@ApplicationScoped
public class RiskRepository {

    Uni<RowSet<Row>> insertAssessment(SqlClient tx, UUID id, UUID childId, String level, String previousLevel,
            boolean downgrade, String rationale, String agencyId, String subject, Collection<String> roles, Instant now,
            List<String> indicators, LocalDate reviewBy) {
        return tx.preparedQuery("""
                        INSERT INTO risk_assessment (id, child_id, level, previous_level, downgrade, rationale,
                            assessed_by_agency, assessed_by_subject, assessed_by_roles, recorded_at, indicators, review_by)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                        """)
                .execute(Tuple.from(new Object[] {id, childId, level, previousLevel, downgrade,
                        rationale, agencyId, subject,
                        new JsonArray(roles.stream().sorted().toList()), now.atOffset(ZoneOffset.UTC),
                        new JsonArray(indicators), reviewBy}));
    }

    /** One row per agency asked to agree, with its level when asked. */
    Uni<RowSet<Row>> insertAgreementRequests(SqlClient tx, UUID assessmentId, Map<String, String> asked, Instant now) {
        List<Tuple> rows = asked.entrySet().stream()
                .map(e -> Tuple.of(assessmentId, e.getKey(), e.getValue(), now.atOffset(ZoneOffset.UTC))).toList();
        return tx.preparedQuery("INSERT INTO risk_agreement_request (assessment_id, agency_id, agency_level, requested_at) "
                        + "VALUES ($1, $2, $3, $4)").executeBatch(rows);
    }

    Uni<RowSet<Row>> insertApproval(SqlClient tx, UUID id, String approverSubject, String approverAgency, Instant now,
            List<String> reasons) {
        return tx.preparedQuery("""
                        INSERT INTO risk_approval (assessment_id, approver_subject, approver_agency, approved_at, reasons)
                        VALUES ($1, $2, $3, $4, $5)
                        """)
                .execute(Tuple.of(id, approverSubject, approverAgency, now.atOffset(ZoneOffset.UTC),
                        new JsonArray(reasons)));
    }

    Uni<RowSet<Row>> history(SqlClient tx, UUID childId) {
        return tx.preparedQuery("""
                        SELECT a.*, p.approver_subject, p.approved_at, %s AS in_effect FROM risk_assessment a
                        LEFT JOIN risk_approval p ON p.assessment_id = a.id
                        WHERE a.child_id = $1 ORDER BY a.recorded_at, a.id
                        """.formatted(RiskLevels.inEffectSql("a"))).execute(Tuple.of(childId));
    }

    Uni<RowSet<Row>> insertAgreement(SqlClient tx, UUID id, String agencyId, Boolean agree, String subject,
            String rationale, Instant now, List<String> reasons) {
        return tx.preparedQuery("""
                        INSERT INTO risk_agreement (assessment_id, agency_id, agreed, decided_by_subject, rationale,
                            decided_at, reasons) VALUES ($1, $2, $3, $4, $5, $6, $7)
                        """)
                .execute(Tuple.from(new Object[] {id, agencyId, agree, subject,
                        rationale, now.atOffset(ZoneOffset.UTC), new JsonArray(reasons)}));
    }
}
