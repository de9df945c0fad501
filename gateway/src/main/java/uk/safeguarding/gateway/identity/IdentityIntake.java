package uk.safeguarding.gateway.identity;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import uk.safeguarding.gateway.alert.AlertRequest;
import uk.safeguarding.gateway.alert.Outbox;
import uk.safeguarding.gateway.referral.Referral;

/**
 * Matching on intake, inside the referral's own transaction (the Vert.x client: the intake path's one
 * client): the child's keyed matching keys are stored, and a child the referral has just created that
 * shares its postcode key and a family-name key with an existing child becomes a proposal the agencies holding
 * confirmed standing on the existing child are asked to confirm or refuse. Nothing merges here.
 */
@ApplicationScoped
public class IdentityIntake {

    static final String PROPOSED_EVENT = "identity-match-proposed";
    /**
     * Two independent pieces of evidence beside the date of birth: the family name (exact or by sound)
     * and the postcode district, each with the given name's initial. Name and date of birth alone are
     * shared by too many children to be put to agencies as a likely match; a record without a postcode
     * is matched only by an agency's own proposal.
     */
    static final int KINDS_TO_PROPOSE = 2;
    static final int MAX_CANDIDATES = 5;

    private final MatchKeys keys;
    private final Outbox outbox;

    IdentityIntake(IdentityConfig config, Outbox outbox) {
        this.keys = new MatchKeys(config.matchKey());
        if (config.matchKey().filter(k -> !k.isBlank()).isEmpty()) {
            // Production refuses to start like this (ProductionSecretsCheck); elsewhere it is said once.
            org.jboss.logging.Logger.getLogger(IdentityIntake.class).warn("gateway.identity.match-key is not set: matching "
                    + "keys are unkeyed SHA-256 (dev and test only)");
        }
        this.outbox = outbox;
    }

    /** Stores the keys; if the child is new, proposes its matches (the submitter is never asked). */
    public Uni<Void> received(SqlClient tx, UUID childId, boolean created, Referral.Child child, String submitter) {
        Map<String, byte[]> found = keys.of(child);
        if (found.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String[] kinds = found.keySet().toArray(String[]::new);
        String[] hashes = found.values().stream().map(IdentityIntake::hexOf).toArray(String[]::new);
        Uni<Void> stored = tx.preparedQuery("""
                        INSERT INTO child_match_key (child_id, kind, key_hash)
                        SELECT $1, k, h::bytea FROM unnest($2::text[], $3::text[]) AS u(k, h) ON CONFLICT DO NOTHING
                        """)
                .execute(Tuple.of(childId, kinds, hashes)).replaceWithVoid();
        // The search proposes only a candidate sharing the postcode key: without one it cannot find any, and it
        // starts from the children sharing it, not from every earlier child of the same name and birth date.
        if (!created || !found.containsKey(MatchKeys.DOB_OUTWARD_INITIAL)) {
            return stored;
        }
        // Sent with the insert, not after it (one round trip): the search never looks at this child's own keys.
        Uni<io.vertx.mutiny.sqlclient.RowSet<Row>> candidates = tx.preparedQuery("""
                        SELECT k.child_id, array_agg(DISTINCT k.kind ORDER BY k.kind) AS kinds
                        FROM child_match_key k JOIN unnest($2::text[], $3::text[]) AS u(kind, h)
                            ON k.kind = u.kind AND k.key_hash = u.h::bytea
                        WHERE k.child_id <> $1 AND k.child_id IN (SELECT p.child_id FROM child_match_key p
                            WHERE p.kind = $6 AND p.key_hash = $7)
                        GROUP BY k.child_id HAVING count(DISTINCT k.kind) >= $4 AND bool_or(k.kind = $6)
                        ORDER BY count(DISTINCT k.kind) DESC, k.child_id LIMIT $5
                        """)
                .execute(Tuple.from(new Object[] {childId, kinds, hashes, KINDS_TO_PROPOSE, MAX_CANDIDATES,
                        MatchKeys.DOB_OUTWARD_INITIAL, io.vertx.core.buffer.Buffer.buffer(found.get(MatchKeys.DOB_OUTWARD_INITIAL))}));
        return Uni.combine().all().unis(stored, candidates).with(results -> candidates(results.get(1)))
                .chain(rows -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Row row : rows) {
                        UUID candidate = row.getUUID("child_id");
                        List<String> reasons = Arrays.asList(row.getArrayOfStrings("kinds"));
                        chain = chain.chain(() -> propose(tx, childId, candidate, reasons, submitter));
                    }
                    return chain;
                });
    }

    /** A bytea parameter as hex text: the client has no binding for an array of buffers. */
    private static String hexOf(byte[] hash) {
        return "\\x" + java.util.HexFormat.of().formatHex(hash);
    }

    @SuppressWarnings("unchecked")
    private static io.vertx.mutiny.sqlclient.RowSet<Row> candidates(Object rows) {
        return (io.vertx.mutiny.sqlclient.RowSet<Row>) rows;
    }

    private Uni<Void> propose(SqlClient tx, UUID newChild, UUID candidate, List<String> reasons, String submitter) {
        UUID id = UUID.randomUUID();
        return tx.preparedQuery("""
                        INSERT INTO identity_match (id, new_child_id, candidate_child_id, reason_keys, origin, status, created_at)
                        VALUES ($1, $2, $3, $4, 'intake', 'PROPOSED', $5) ON CONFLICT DO NOTHING RETURNING id
                        """)
                .execute(Tuple.of(id, newChild, candidate, String.join(",", reasons), Instant.now().atOffset(ZoneOffset.UTC)))
                .chain(inserted -> !inserted.iterator().hasNext() ? Uni.createFrom().voidItem()
                        : tx.preparedQuery("SELECT DISTINCT agency_id FROM relationship WHERE child_id = $1 AND ended_at IS NULL "
                                        + "AND standing = 'confirmed' AND scope = 'child' AND agency_id <> $2 ORDER BY agency_id")
                                .execute(Tuple.of(candidate, submitter))
                                .chain(agencies -> {
                                    // One after another: a transaction's statements run in order on its connection.
                                    Uni<Void> sends = Uni.createFrom().voidItem();
                                    for (Row a : agencies) {
                                        String agency = a.getString(0);
                                        sends = sends.chain(() -> outbox.enqueue(tx, alert(agency, id, candidate, reasons)))
                                                .replaceWithVoid();
                                    }
                                    return sends;
                                }));
    }

    /** Ids, key kinds and a link: never a name, a date of birth or a postcode. */
    static AlertRequest alert(String agency, UUID matchId, UUID child, List<String> reasons) {
        return new AlertRequest(agency, PROPOSED_EVENT, child, "identity-match", matchId.toString(),
                Map.of("matchId", matchId.toString(), "reasonKeys", reasons, "link", "/api/v1/identity-matches"),
                List.of(), null, null, null);
    }
}
