package uk.safeguarding.gateway.child;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The legitimate relationships agencies have with children, and where each came from. Every
 * object-level check asks {@link #standing} for the caller's agency and turns it into the kinds that
 * count for the record in hand ({@link Standing#kindsFor}); the answer feeds the policy engine, never a
 * hand-written condition. Rows are created only by {@link Standings}, under a protocol clause.
 */
@ApplicationScoped
public class Relationships {

    public static final String CONFIRMED = "confirmed";
    public static final String ASSERTED = "asserted";
    public static final String REFUSED = "refused";
    public static final String SCOPE_CHILD = "child";
    public static final String SCOPE_OWN_RECORD = "own-record";

    /** A relationship kind held by an agency, without any content: for "who else is involved". */
    public record Involvement(String agencyId, String kind, String standing, String contact, OffsetDateTime since) {
    }

    /** Where a relationship came from: the event, the clause that allowed it, on whose act, and how it stands. */
    public record Provenance(String event, String rule, String assertedBy, String assertedBySubject, String standing,
            UUID claimId, String scope) {
    }

    /** One relationship for {@link #addAll}: what it is, where it came from and how it stands. */
    record New(UUID childId, String agencyId, String kind, String sourceType, UUID sourceId, String contact,
            Provenance p) {
    }

    /**
     * Records relationships created by an event, in order, in one statement (one round trip, however many):
     * recording the same one twice (already stored, or earlier in the list) changes nothing.
     */
    Uni<Void> addAll(SqlClient tx, List<New> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = rows.size();
        UUID[] child = new UUID[n];
        UUID[] source = new UUID[n];
        UUID[] claim = new UUID[n];
        String[][] text = new String[10][n];
        for (int i = 0; i < n; i++) {
            New r = rows.get(i);
            child[i] = r.childId();
            source[i] = r.sourceId();
            claim[i] = r.p().claimId();
            String[] values = {r.agencyId(), r.kind(), r.sourceType(), r.contact(), r.p().standing(), r.p().event(),
                    r.p().assertedBy(), r.p().assertedBySubject(), r.p().rule(), r.p().scope()};
            for (int c = 0; c < values.length; c++) {
                text[c][i] = values[c];
            }
        }
        return tx.preparedQuery("""
                        INSERT INTO relationship (child_id, agency_id, kind, source_type, source_id, contact, standing, event,
                            asserted_by, asserted_by_subject, rule, claim_id, scope)
                        SELECT c, a, k, st, s, co, sd, e, ab, abs, ru, cl, sc
                        FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[],
                            $8::text[], $9::text[], $10::text[], $11::text[], $12::uuid[], $13::text[])
                            WITH ORDINALITY AS u(c, a, k, st, s, co, sd, e, ab, abs, ru, cl, sc, n)
                        ORDER BY n ON CONFLICT DO NOTHING
                        """)
                .execute(Tuple.from(new Object[] {child, text[0], text[1], text[2], source, text[3], text[4], text[5],
                        text[6], text[7], text[8], claim, text[9]}))
                .replaceWithVoid();
    }

    /**
     * What {@code agencyId} holds with the child: its live relationships with their standing, when the
     * gateway first knew the child, and whether {@code subject} (the requester) holds an active standing
     * override of scope {@code relationship} for it. Empty when the agency holds nothing. A relationship
     * held by one person (the allocated worker: {@code holder_subject}) counts only for that subject.
     * A merged child resolves to both linked rows ({@link ChildLinks}) for reading: what the agency holds
     * confirmed with either counts, under the same rules per row (own-record stays own-record), and the
     * child is known since the earlier of the two. An asserted claim and a standing override count for
     * their own row only: nobody on the linked row was asked to confirm them.
     */
    public Uni<Standing> standing(SqlClient client, String agencyId, String subject, UUID childId) {
        return standing(client, agencyId, subject, childId, true);
    }

    /**
     * What {@code agencyId} holds with this row alone, ignoring any merge: what writes are authorised
     * on and what decides their provenance, so nothing written through a link outlives an unmerge.
     */
    public Uni<Standing> directStanding(SqlClient client, String agencyId, String subject, UUID childId) {
        return standing(client, agencyId, subject, childId, false);
    }

    private Uni<Standing> standing(SqlClient client, String agencyId, String subject, UUID childId, boolean throughLink) {
        return client.preparedQuery("WITH linked AS (" + (throughLink ? ChildLinks.linkedIds("$1") : "SELECT $1::uuid") + """
                        )
                        SELECT (SELECT min(k.created_at) FROM child k WHERE k.id IN (SELECT * FROM linked)) AS known_since,
                            r.kind, r.standing, r.since, r.source_type, r.source_id, r.scope,
                            EXISTS (SELECT 1 FROM standing_override o WHERE o.child_id = $1
                                AND o.agency_id = $2
                                AND o.requester_subject = $3 AND o.scope = 'relationship' AND o.status = 'ACTIVE'
                                AND o.expires_at > now()) AS overridden
                        FROM child c LEFT JOIN relationship r ON r.child_id IN (SELECT * FROM linked) AND r.agency_id = $2
                            AND r.ended_at IS NULL AND r.standing <> 'refused'
                            AND (r.holder_subject IS NULL OR r.holder_subject = $3)
                            AND (r.child_id = $1 OR r.standing = 'confirmed')
                        WHERE c.id = $1
                        """)
                .execute(Tuple.of(childId, agencyId, subject == null ? "" : subject))
                .map(rows -> {
                    Instant knownSince = null;
                    boolean overridden = false;
                    List<Standing.Held> held = new ArrayList<>();
                    for (Row row : rows) {
                        knownSince = row.getOffsetDateTime("known_since").toInstant();
                        overridden = row.getBoolean("overridden");
                        if (row.getString("kind") != null) {
                            held.add(new Standing.Held(row.getString("kind"), row.getString("standing"),
                                    row.getOffsetDateTime("since").toInstant(), row.getString("source_type"),
                                    row.getUUID("source_id"), SCOPE_OWN_RECORD.equals(row.getString("scope"))));
                        }
                    }
                    return new Standing(agencyId, childId, knownSince, held, overridden);
                });
    }

    /**
     * Every agency involved with the child, earliest first, one row per agency, kind and standing
     * (asserted claims show as such, so those who may confirm them see them; a referrer shows as one,
     * though its relationship stands for its own referral only).
     */
    public Uni<List<Involvement>> involved(SqlClient client, UUID childId) {
        return involvements(client, childId, "standing <> 'refused'", false);
    }

    /** As {@link #involved}, across the child and the child merged with it (the "who else is involved" read). */
    public Uni<List<Involvement>> involvedWithLinked(SqlClient client, UUID childId) {
        return involvements(client, childId, "standing <> 'refused'", true);
    }

    /** Agencies holding a confirmed, live, child-wide relationship with the child, with the kinds they hold. */
    public Uni<List<Involvement>> confirmed(SqlClient client, UUID childId) {
        return involvements(client, childId, "standing = 'confirmed' AND scope = 'child'", false);
    }

    private Uni<List<Involvement>> involvements(SqlClient client, UUID childId, String which, boolean linked) {
        return client.preparedQuery("SELECT agency_id, kind, standing, min(contact) AS contact, min(since) AS since "
                        + "FROM relationship WHERE child_id " + (linked ? "IN (" + ChildLinks.linkedIds("$1") + ")" : "= $1")
                        + " AND ended_at IS NULL AND " + which
                        + " GROUP BY agency_id, kind, standing ORDER BY since, agency_id, kind")
                .execute(Tuple.of(childId))
                .map(rows -> {
                    List<Involvement> result = new ArrayList<>();
                    for (Row row : rows) {
                        result.add(new Involvement(row.getString("agency_id"), row.getString("kind"),
                                row.getString("standing"), row.getString("contact"), row.getOffsetDateTime("since")));
                    }
                    return result;
                });
    }
}
