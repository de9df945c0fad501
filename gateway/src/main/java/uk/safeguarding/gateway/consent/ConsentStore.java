package uk.safeguarding.gateway.consent;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.protocol.engine.Approver;

/** Consent records and overrides in PostgreSQL; callers own the transaction. */
@ApplicationScoped
public class ConsentStore {

    private static final String CONSENT_COLUMNS = """
            id, child_id, identifier_system, identifier_value, status, grantor, grantor_basis, grantor_description,
            provisions, period_start, period_end, recorded_by_agency, recorded_by_subject, recorded_at, withdrawn_at,
            withdrawn_by_agency, withdrawn_by_subject, withdrawal_reason, approval_required_from, withdrawn_on_word_of""";

    public Uni<Void> insert(SqlClient tx, ConsentRecord c) {
        return tx.preparedQuery("""
                        INSERT INTO consent (id, child_id, identifier_system, identifier_value, status, grantor, grantor_basis,
                            grantor_description, provisions, period_start, period_end, recorded_by_agency,
                            recorded_by_subject, recorded_at, approval_required_from)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                        """)
                .execute(Tuple.from(new Object[] {c.id(), c.childId(), c.child().system(), c.child().value(), c.status(),
                        c.consentedBy().type(), c.consentedBy().basis(), c.consentedBy().description(),
                        provisionsJson(c.provisions()), utc(c.period().start()), utc(c.period().end()),
                        c.recorded().agency(), c.recorded().by(), utc(c.recorded().at()),
                        (c.awaitingApprovalFrom() == null ? List.<String>of() : c.awaitingApprovalFrom()).toArray(new String[0])}))
                .replaceWithVoid();
    }

    public Uni<Optional<ConsentRecord>> find(SqlClient client, UUID id, boolean forUpdate) {
        return client.preparedQuery("SELECT " + CONSENT_COLUMNS + " FROM consent WHERE id = $1" + (forUpdate ? " FOR UPDATE" : ""))
                .execute(Tuple.of(id))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(read(rows.iterator().next())) : Optional.empty());
    }

    /**
     * The child's consent records, most recently recorded first: a merged child's are those of both
     * linked rows (the same person's consent, docs/IDENTITY.md).
     */
    public Uni<List<ConsentRecord>> forChild(SqlClient client, UUID childId) {
        return client.preparedQuery("SELECT " + CONSENT_COLUMNS + " FROM consent WHERE child_id IN ("
                        + uk.safeguarding.gateway.child.ChildLinks.linkedIds("$1") + ") ORDER BY recorded_at DESC, id")
                .execute(Tuple.of(childId))
                .map(rows -> {
                    List<ConsentRecord> out = new ArrayList<>();
                    rows.forEach(r -> out.add(read(r)));
                    return out;
                });
    }

    public Uni<Void> withdraw(SqlClient tx, UUID id, Instant at, Actor actor, String reason, String onWordOf) {
        return tx.preparedQuery("""
                        UPDATE consent SET status = 'WITHDRAWN', withdrawn_at = $2, withdrawn_by_agency = $3,
                            withdrawn_by_subject = $4, withdrawal_reason = $5, withdrawn_on_word_of = $6,
                            approval_required_from = '{}' WHERE id = $1
                        """)
                .execute(Tuple.from(new Object[] {id, utc(at), actor.agencyId(), actor.subject(), reason, onWordOf}))
                .replaceWithVoid();
    }

    /**
     * Records one agency's approval of a pending record; the record is in effect once no agency is left
     * to approve. Returns the agencies still to approve.
     */
    public Uni<List<String>> approve(SqlClient tx, UUID id, Actor approver, Instant at) {
        return tx.preparedQuery("""
                        UPDATE consent SET approval_required_from = array_remove(approval_required_from, $2),
                            approvals = approvals || jsonb_build_array(jsonb_build_object('agency', $2::text, 'by', $3::text,
                                'at', $4::text)),
                            status = CASE WHEN cardinality(array_remove(approval_required_from, $2)) = 0 THEN 'ACTIVE' ELSE status END
                        WHERE id = $1 RETURNING approval_required_from
                        """)
                .execute(Tuple.of(id, approver.agencyId(), approver.subject(), at.toString()))
                .map(rows -> List.of(rows.iterator().next().getArrayOfStrings("approval_required_from")));
    }

    /** Consents and the actor's usable overrides for this child and purpose; nothing for no child. */
    public Uni<ChildConsents> view(SqlClient client, UUID childId, Actor actor, PurposeOfUse purpose, Instant now) {
        if (childId == null) {
            return Uni.createFrom().item(ChildConsents.NONE);
        }
        Uni<List<ChildConsents.ActiveOverride>> overrides = actor == null ? Uni.createFrom().item(List.of())
                : client.preparedQuery("""
                                SELECT id, categories, justification, lawful_basis, approver_subject, approver_agency,
                                    approver_roles FROM consent_override
                                WHERE child_id = $1 AND requester_agency = $2 AND requester_subject = $3 AND purpose = $4
                                    AND status = 'ACTIVE' AND expires_at > $5
                                ORDER BY requested_at DESC
                                """)
                        .execute(Tuple.of(childId, actor.agencyId(), actor.subject(), purpose.code(), utc(now)))
                        .map(rows -> {
                            List<ChildConsents.ActiveOverride> out = new ArrayList<>();
                            for (Row r : rows) {
                                Approver approver = r.getString("approver_subject") == null ? null
                                        : new Approver(r.getString("approver_subject"), r.getString("approver_agency"),
                                                strings(r.getJsonArray("approver_roles")), false);
                                out.add(new ChildConsents.ActiveOverride(r.getUUID("id"),
                                        List.copyOf(strings(r.getJsonArray("categories"))), r.getString("justification"),
                                        r.getString("lawful_basis"), approver));
                            }
                            return out;
                        });
        return forChild(client, childId).chain(consents -> overrides.map(o -> new ChildConsents(consents, o)));
    }

    static ConsentRecord read(Row r) {
        List<ConsentRecord.Provision> provisions = new ArrayList<>();
        JsonArray array = r.getJsonArray("provisions");
        for (int i = 0; i < array.size(); i++) {
            JsonObject p = array.getJsonObject(i);
            provisions.add(new ConsentRecord.Provision(p.getString("type"), list(p.getJsonArray("categories")),
                    list(p.getJsonArray("recipientAgencyTypes")), list(p.getJsonArray("purposes"))));
        }
        OffsetDateTime withdrawnAt = r.getOffsetDateTime("withdrawn_at");
        return new ConsentRecord(r.getUUID("id"), r.getUUID("child_id"),
                new ConsentRecord.Identifier(r.getString("identifier_system"), r.getString("identifier_value")),
                r.getString("status"),
                new ConsentRecord.ConsentedBy(r.getString("grantor"), r.getString("grantor_basis"),
                        r.getString("grantor_description")),
                provisions,
                new ConsentRecord.Period(instant(r.getOffsetDateTime("period_start")), instant(r.getOffsetDateTime("period_end"))),
                new ConsentRecord.Recorded(r.getString("recorded_by_agency"), r.getString("recorded_by_subject"),
                        instant(r.getOffsetDateTime("recorded_at"))),
                withdrawnAt == null ? null : new ConsentRecord.Withdrawal(withdrawnAt.toInstant(),
                        r.getString("withdrawn_by_agency"), r.getString("withdrawn_by_subject"), r.getString("withdrawal_reason"),
                        r.getString("withdrawn_on_word_of")),
                List.of(r.getArrayOfStrings("approval_required_from")));
    }

    private static JsonArray provisionsJson(List<ConsentRecord.Provision> provisions) {
        JsonArray array = new JsonArray();
        for (ConsentRecord.Provision p : provisions) {
            array.add(new JsonObject().put("type", p.type()).put("categories", new JsonArray(p.categories()))
                    .put("recipientAgencyTypes", new JsonArray(p.recipientAgencyTypes()))
                    .put("purposes", new JsonArray(p.purposes())));
        }
        return array;
    }

    static Set<String> strings(JsonArray array) {
        Set<String> out = new TreeSet<>();
        if (array != null) {
            array.forEach(v -> out.add((String) v));
        }
        return out;
    }

    static List<String> list(JsonArray array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(v -> out.add((String) v));
        }
        return out;
    }

    static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }
}
