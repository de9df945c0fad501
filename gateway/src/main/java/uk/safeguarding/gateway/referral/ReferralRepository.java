package uk.safeguarding.gateway.referral;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;

/**
 * The referral feature's statements: referrals, their recipients and supporting records. Each takes the
 * caller's client (a transaction, or the pool for a read), so the caller decides what commits together.
 */
@ApplicationScoped
public class ReferralRepository {

    /** A stored referral found by its Idempotency-Key, with the hash of the body it was sent with. */
    record Stored(UUID id, String hash) {
    }

    Uni<Void> insert(SqlClient tx, UUID id, UUID childId, Actor actor, Referral referral, JsonObject body,
            JsonArray flags, String format, String key, String hash) {
        return tx.preparedQuery("""
                        INSERT INTO referral (id, child_id, requester_agency, requester_subject, home_council,
                            risk_level, body, language_flags, source_format, idempotency_key, body_hash)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                        """)
                .execute(Tuple.from(new Object[] {id, childId, actor.agencyId(), actor.subject(),
                        referral.homeCouncil(), referral.riskLevel(), body, flags, format, key, hash}))
                .replaceWithVoid();
    }

    /** The recipients' inbox rows, in route order, in one statement; an {@code alertIds} entry is null where no alert was queued. */
    Uni<Void> insertRecipients(SqlClient tx, UUID id, List<ReferralService.Route> routes, List<UUID> alertIds) {
        int n = routes.size();
        if (n == 0) {
            return Uni.createFrom().voidItem();
        }
        String[][] text = new String[5][n];
        OffsetDateTime[] due = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            ReferralService.Route route = routes.get(i);
            text[0][i] = route.agency();
            text[1][i] = route.caseRole();
            text[2][i] = route.relationship();
            text[3][i] = route.duty().clause();
            // Decided by ReferralConsent inside the transaction; a route without it is a routing bug, not "nothing".
            text[4][i] = new JsonArray(java.util.Objects.requireNonNull(route.categories(),
                    "recipient categories not decided")).encode();
            due[i] = route.duty().deadline().atOffset(ZoneOffset.UTC);
        }
        return tx.preparedQuery("""
                        INSERT INTO referral_recipient (referral_id, agency_id, case_role, relationship,
                            duty_ref, categories, ack_due_at, alert_id)
                        SELECT $1, a, cr, r, d, c::jsonb, due, al
                        FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::uuid[])
                            WITH ORDINALITY AS u(a, cr, r, d, c, due, al, n)
                        ORDER BY n
                        """)
                .execute(Tuple.from(new Object[] {id, text[0], text[1], text[2], text[3], text[4], due,
                        alertIds.toArray(new UUID[0])}))
                .replaceWithVoid();
    }

    Uni<Optional<Stored>> findByKey(SqlClient client, String agency, String key) {
        if (key == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return client.preparedQuery("SELECT id, body_hash FROM referral WHERE requester_agency = $1 AND idempotency_key = $2")
                .execute(Tuple.of(agency, key))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return Optional.empty();
                    }
                    Row row = it.next();
                    return Optional.of(new Stored(row.getUUID("id"), row.getString("body_hash")));
                });
    }

    /** The receipt's columns of a referral known to exist. */
    Uni<Row> receiptRow(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT child_id, created_at, language_flags FROM referral WHERE id = $1")
                .execute(Tuple.of(id))
                .map(rows -> rows.iterator().next());
    }

    /** The referral, or 404. */
    Uni<Row> load(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT id, child_id, requester_agency, home_council, created_at, body, language_flags FROM referral WHERE id = $1")
                .execute(Tuple.of(id))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        throw ApiException.notFound();
                    }
                    return it.next();
                });
    }

    /** The agency's inbox rows, soonest deadline first; {@code status} null for all. */
    Uni<RowSet<Row>> inbox(SqlClient client, String agency, String status) {
        return client.preparedQuery("""
                        SELECT r.id, r.child_id, r.requester_agency, r.created_at, r.risk_level,
                            r.body -> 'concernCategories' AS concerns, rr.status, rr.ack_due_at, rr.categories
                        FROM referral_recipient rr JOIN referral r ON r.id = rr.referral_id
                        WHERE rr.agency_id = $1 AND ($2::text IS NULL OR rr.status = $2)
                        ORDER BY rr.ack_due_at, r.created_at LIMIT 200
                        """)
                .execute(Tuple.of(agency, status));
    }

    /** The child's referrals in the period, newest first; {@code from} inclusive, {@code to} exclusive. */
    Uni<RowSet<Row>> aboutChild(SqlClient client, UUID childId, Instant from, Instant to) {
        return client.preparedQuery("""
                        SELECT id, child_id, requester_agency, created_at, body, language_flags FROM referral
                        WHERE child_id = $1 AND ($2::timestamptz IS NULL OR created_at >= $2)
                            AND ($3::timestamptz IS NULL OR created_at < $3)
                        ORDER BY created_at DESC LIMIT 100
                        """)
                .execute(Tuple.of(childId, ReferralService.utc(from), ReferralService.utc(to)));
    }

    Uni<Void> insertAttachments(SqlClient tx, UUID id, List<Attachment> attachments) {
        List<Tuple> rows = new ArrayList<>();
        for (int i = 0; i < attachments.size(); i++) {
            Attachment a = attachments.get(i);
            rows.add(Tuple.of(id, i, a.resourceType(), a.category(), new JsonObject(a.resource())));
        }
        return tx.preparedQuery("INSERT INTO referral_attachment (referral_id, position, resource_type, category, resource) "
                + "VALUES ($1, $2, $3, $4, $5)").executeBatch(rows).replaceWithVoid();
    }

    Uni<List<Attachment>> attachments(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT resource_type, category, resource FROM referral_attachment "
                        + "WHERE referral_id = $1 ORDER BY position")
                .execute(Tuple.of(id))
                .map(rows -> {
                    List<Attachment> result = new ArrayList<>();
                    for (Row row : rows) {
                        result.add(new Attachment(row.getString("resource_type"), row.getString("category"),
                                row.getJsonObject("resource").getMap()));
                    }
                    return result;
                });
    }

    /** The recipient's row of this referral, locked; no row when the agency is not a recipient. */
    Uni<RowSet<Row>> lockRecipient(SqlClient tx, UUID id, String agency) {
        return tx.preparedQuery(
                        "SELECT status FROM referral_recipient WHERE referral_id = $1 AND agency_id = $2 FOR UPDATE")
                .execute(Tuple.of(id, agency));
    }

    /** Moves the recipient to the response's status; 409 when its current status does not allow it. */
    Uni<RowSet<Row>> respond(SqlClient tx, UUID id, String agency, String action, String current, String reason) {
        return tx.preparedQuery(transition(action, current)).execute(Tuple.of(id, agency, reason));
    }

    private static String transition(String action, String current) {
        boolean decided = current.equals("ACCEPTED") || current.equals("DECLINED");
        switch (action) {
            case "acknowledge":
                if (!current.equals("PENDING")) {
                    throw new ApiException(409, "ALREADY_ACKNOWLEDGED", "This referral was already acknowledged ("
                            + current + ").", List.of());
                }
                return "UPDATE referral_recipient SET status = 'ACKNOWLEDGED', acknowledged_at = now(), "
                        + "response_reason = $3::text WHERE referral_id = $1 AND agency_id = $2";
            case "accept":
            case "decline":
                if (decided) {
                    throw new ApiException(409, "ALREADY_DECIDED", "This referral was already " + current.toLowerCase()
                            + ".", List.of());
                }
                String status = action.equals("accept") ? "ACCEPTED" : "DECLINED";
                return "UPDATE referral_recipient SET status = '" + status + "', decided_at = now(), "
                        + "acknowledged_at = coalesce(acknowledged_at, now()), response_reason = $3::text "
                        + "WHERE referral_id = $1 AND agency_id = $2";
            default:
                throw new IllegalArgumentException(action);
        }
    }

    Uni<List<ReferralViews.Recipient>> recipients(SqlClient client, UUID id) {
        return client.preparedQuery("""
                        SELECT agency_id, case_role, relationship, duty_ref, categories, status, ack_due_at,
                            acknowledged_at, decided_at, response_reason
                        FROM referral_recipient WHERE referral_id = $1 ORDER BY ack_due_at, agency_id
                        """)
                .execute(Tuple.of(id))
                .map(rows -> {
                    List<ReferralViews.Recipient> result = new ArrayList<>();
                    for (Row row : rows) {
                        result.add(new ReferralViews.Recipient(row.getString("agency_id"), row.getString("case_role"),
                                row.getString("relationship"), row.getString("duty_ref"),
                                ReferralService.strings(row.getJsonArray("categories")), row.getString("status"),
                                row.getOffsetDateTime("ack_due_at"), row.getOffsetDateTime("acknowledged_at"),
                                row.getOffsetDateTime("decided_at"), row.getString("response_reason")));
                    }
                    return result;
                });
    }
}
