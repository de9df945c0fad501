package uk.safeguarding.gateway.identity;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Who may act on identity proposals, read through the Vert.x client before a session opens (access
 * before state, docs/ARCHITECTURE.md). Standing here is DIRECT and CONFIRMED: a live, child-wide,
 * confirmed relationship with that very child row, never one reached through a merge, an asserted
 * claim, an override or a referrer's own-record standing. That is what makes a merge need the word of
 * an agency that already knew each side.
 */
@ApplicationScoped
public class IdentityAccess {

    private static final String CONFIRMED = """
            r.agency_id = $1 AND r.ended_at IS NULL AND r.standing = 'confirmed' AND r.scope = 'child'
              AND (r.holder_subject IS NULL OR r.holder_subject = $2)""";

    /** A proposal's two children, and those of them the caller's agency holds direct confirmed standing on. */
    public record Sides(UUID newChild, UUID candidate, Set<UUID> mine) {
    }

    /** The proposal's sides if the caller holds confirmed standing on one of them; empty as for no such id. */
    public Uni<java.util.Optional<Sides>> sides(SqlClient client, String agency, String subject, UUID matchId) {
        return client.preparedQuery("SELECT m.new_child_id, m.candidate_child_id, ARRAY(SELECT DISTINCT r.child_id "
                        + "FROM relationship r WHERE r.child_id IN (m.new_child_id, m.candidate_child_id) AND " + CONFIRMED
                        + ") AS mine FROM identity_match m WHERE m.id = $3")
                .execute(Tuple.of(agency, subject == null ? "" : subject, matchId))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return java.util.Optional.<Sides>empty();
                    }
                    Row r = it.next();
                    Set<UUID> mine = new LinkedHashSet<>(List.of(r.getArrayOfUUIDs("mine")));
                    return mine.isEmpty() ? java.util.Optional.<Sides>empty()
                            : java.util.Optional.of(new Sides(r.getUUID("new_child_id"), r.getUUID("candidate_child_id"), mine));
                });
    }

    /** Of {@code children}, those the agency holds direct confirmed child-wide standing on. */
    public Uni<Set<UUID>> confirmedAmong(SqlClient client, String agency, String subject, List<UUID> children) {
        return client.preparedQuery("SELECT DISTINCT r.child_id FROM relationship r WHERE r.child_id = ANY($3) AND "
                        + CONFIRMED)
                .execute(Tuple.of(agency, subject == null ? "" : subject, children.toArray(UUID[]::new)))
                .map(rows -> {
                    Set<UUID> out = new LinkedHashSet<>();
                    rows.forEach(r -> out.add(r.getUUID(0)));
                    return out;
                });
    }

    /**
     * The proposals about a child the agency holds direct confirmed standing on, newest first, and for
     * every child they name the systems (never the values) of the identifiers it is known by.
     */
    public Uni<List<UUID>> visibleMatches(SqlClient client, String agency, String subject, String status) {
        return client.preparedQuery("SELECT m.id FROM identity_match m WHERE ($3::text IS NULL OR m.status = $3) AND EXISTS ("
                        + "SELECT 1 FROM relationship r WHERE r.child_id IN (m.new_child_id, m.candidate_child_id) AND "
                        + CONFIRMED + ") ORDER BY m.created_at DESC, m.id LIMIT 200")
                .execute(Tuple.of(agency, subject == null ? "" : subject, status))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getUUID(0)));
                    return ids;
                });
    }

    /** The identifier systems each child is known by (sorted), never the values. */
    public Uni<Map<UUID, List<String>>> identifierSystems(SqlClient client, List<UUID> children) {
        return client.preparedQuery("SELECT child_id, array_agg(DISTINCT system ORDER BY system) AS systems "
                        + "FROM child_identifier WHERE child_id = ANY($1) GROUP BY child_id")
                .execute(Tuple.of(children.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, List<String>> out = new LinkedHashMap<>();
                    for (Row r : rows) {
                        out.put(r.getUUID("child_id"), List.of(r.getArrayOfStrings("systems")));
                    }
                    return out;
                });
    }

    /** Agencies holding confirmed child-wide standing on either child (those told of, and whose DPOs see, a step). */
    public Uni<List<String>> agenciesConfirmedOn(SqlClient client, UUID one, UUID other) {
        return client.preparedQuery("SELECT DISTINCT agency_id FROM relationship WHERE child_id IN ($1, $2) "
                        + "AND ended_at IS NULL AND standing = 'confirmed' AND scope = 'child' ORDER BY agency_id")
                .execute(Tuple.of(one, other))
                .map(rows -> {
                    List<String> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }

    /** The kinds of matching key the two children share (never the keys), sorted; empty when none. */
    public Uni<List<String>> sharedKeyKinds(SqlClient client, UUID one, UUID other) {
        return client.preparedQuery("SELECT DISTINCT a.kind FROM child_match_key a JOIN child_match_key b "
                        + "ON b.kind = a.kind AND b.key_hash = a.key_hash WHERE a.child_id = $1 AND b.child_id = $2 ORDER BY a.kind")
                .execute(Tuple.of(one, other))
                .map(rows -> {
                    List<String> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }

    /** True when a proposal about this pair (either way round) was refused in the last {@code days} days. */
    public Uni<Boolean> refusedWithin(SqlClient client, UUID one, UUID other, int days) {
        return client.preparedQuery("SELECT EXISTS (SELECT 1 FROM identity_match WHERE status = 'REFUSED' "
                        + "AND ((new_child_id = $1 AND candidate_child_id = $2) OR (new_child_id = $2 AND candidate_child_id = $1)) "
                        + "AND closed_at > now() - make_interval(days => $3))")
                .execute(Tuple.of(one, other, days))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }
}
