package uk.safeguarding.gateway.placement;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import uk.safeguarding.gateway.problem.ApiException;

/**
 * The placement feature's statements run by its resources (placements, case events, missing episodes, return
 * interviews, Philomena profiles, trigger plans). Each takes the caller's client, so the resource still decides
 * what commits together.
 */
@ApplicationScoped
public class PlacementRepository {

    private final Pool pool;

    PlacementRepository(Pool pool) {
        this.pool = pool;
    }

    Uni<RowSet<Row>> insertPlacement(SqlClient tx, UUID placementId, UUID childId, String placingAuthority,
            PlacementResource.NewPlacement body, boolean emergency) {
        return tx.preparedQuery("""
                        INSERT INTO placement (id, child_id, placing_authority, provider, host_council, host_police,
                            host_health, home_police, home_health, gp, school, rhi_service, start_date, emergency,
                            status, identity)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'PLANNED', $15)
                        """)
                .execute(Tuple.from(new Object[] {placementId, childId, placingAuthority, body.provider(),
                        body.hostCouncil(), body.hostPolice(), body.hostHealth(), body.homePolice(),
                        body.homeHealth(), body.gp(), body.school(), body.rhiService(), body.startDate(),
                        emergency, new JsonObject(body.identity() == null ? Map.of() : body.identity())}));
    }

    Uni<RowSet<Row>> updatePlacementStatus(SqlClient tx, UUID id, String status) {
        return tx.preparedQuery("UPDATE placement SET status = $2, updated_at = now() WHERE id = $1")
                .execute(Tuple.of(id, status));
    }

    /** The host-area relationships a placement created; the placing council's and the home area's stay. */
    Uni<Void> endHostRelationships(SqlClient tx, UUID placementId) {
        return tx.preparedQuery("UPDATE relationship SET ended_at = now() WHERE source_type = 'placement' "
                        + "AND source_id = $1 AND ended_at IS NULL AND kind IN ('host-council', 'host-police', 'host-health', 'provider', 'gp', 'school')")
                .execute(Tuple.of(placementId)).replaceWithVoid();
    }

    Uni<Row> missingSummary(SqlClient tx, UUID childId) {
        return tx.preparedQuery("""
                        SELECT count(*) AS episodes, max(missing_since) AS last_missing,
                            count(*) FILTER (WHERE found_at IS NOT NULL AND rhi_completed_at IS NULL) AS interviews_outstanding
                        FROM missing_episode WHERE child_id = $1
                        """).execute(Tuple.of(childId))
                .map(rows -> rows.iterator().next());
    }

    /**
     * The provider's current placements (planned or started), each with the newest name the provider's own alerts
     * carried and whether the child is missing now.
     */
    public Uni<RowSet<Row>> providerPlacements(String agency) {
        return pool.preparedQuery("""
                        SELECT p.id, p.child_id, p.start_date, p.status,
                            (SELECT a.payload -> 'identity' ->> 'name' FROM alert a WHERE a.recipient_agency = $1
                                AND a.child_id = p.child_id ORDER BY a.created_at DESC LIMIT 1) AS name,
                            EXISTS (SELECT 1 FROM missing_episode m WHERE m.child_id = p.child_id AND m.found_at IS NULL) AS missing
                        FROM placement p WHERE p.provider = $1 AND p.status IN ('PLANNED', 'STARTED')
                        ORDER BY p.start_date, p.id""")
                .execute(Tuple.of(agency));
    }

    /** The child's open missing episode (id and since), unlocked; no row when there is none. */
    public Uni<RowSet<Row>> openEpisodeSummary(UUID childId) {
        return pool.preparedQuery("SELECT id, missing_since FROM missing_episode WHERE child_id = $1 AND found_at IS NULL")
                .execute(Tuple.of(childId));
    }

    Uni<RowSet<Row>> caseEvent(SqlClient tx, UUID id) {
        return tx.preparedQuery("SELECT * FROM case_event WHERE id = $1").execute(Tuple.of(id));
    }

    Uni<RowSet<Row>> insertPhilomena(SqlClient tx, UUID version, UUID childId, Instant recordedAt, String recordedBy,
            Map<String, Object> profile) {
        return tx.preparedQuery("INSERT INTO philomena_profile (id, child_id, recorded_at, recorded_by, profile) VALUES ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(version, childId, recordedAt.atOffset(ZoneOffset.UTC), recordedBy,
                        new JsonObject(profile)));
    }

    /** The newest Philomena profile, or null. */
    Uni<Row> newestPhilomena(SqlClient tx, UUID childId) {
        return tx.preparedQuery(
                        "SELECT * FROM philomena_profile WHERE child_id = $1 ORDER BY recorded_at DESC, id LIMIT 1")
                .execute(Tuple.of(childId))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next() : null);
    }

    Uni<Boolean> philomenaExists(SqlClient tx, UUID childId) {
        return tx.preparedQuery("SELECT 1 FROM philomena_profile WHERE child_id = $1 LIMIT 1").execute(Tuple.of(childId))
                .map(rows -> rows.iterator().hasNext());
    }

    /** Inserts the episode unless the child already has an open one (then no row). */
    Uni<RowSet<Row>> insertEpisode(SqlClient tx, UUID episodeId, UUID childId, UUID placementId, String reportedBy,
            Instant since, Instant confirmedAt, String confirmedBy) {
        return tx.preparedQuery("""
                        INSERT INTO missing_episode (id, child_id, placement_id, reported_by, missing_since,
                            confirmed_at, confirmed_by)
                        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING
                        """)
                .execute(Tuple.from(new Object[] {episodeId, childId, placementId, reportedBy,
                        since.atOffset(ZoneOffset.UTC), confirmedAt == null ? null : confirmedAt.atOffset(ZoneOffset.UTC),
                        confirmedBy}));
    }

    Uni<Void> insertEpisodeFromHome(SqlClient tx, UUID episodeId, UUID childId, String reportedBy, Instant since,
            Instant confirmedAt, String confirmedBy, MissingCases.EpisodeRoles roles) {
        return tx.preparedQuery("""
                        INSERT INTO missing_episode (id, child_id, reported_by, missing_since, confirmed_at,
                            confirmed_by, home_council, home_police, school, gp)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                        """)
                .execute(Tuple.from(new Object[] {episodeId, childId, reportedBy,
                        since.atOffset(ZoneOffset.UTC), confirmedAt == null ? null : confirmedAt.atOffset(ZoneOffset.UTC),
                        confirmedBy, roles.homeCouncil(), roles.homePolice(), roles.school(), roles.gp()}))
                .replaceWithVoid();
    }

    /** The child's open episode, locked, or null. */
    Uni<Row> openEpisode(SqlClient tx, UUID childId) {
        return tx.preparedQuery("SELECT * FROM missing_episode WHERE child_id = $1 AND found_at IS NULL FOR UPDATE")
                .execute(Tuple.of(childId)).map(rows -> rows.iterator().hasNext() ? rows.iterator().next() : null);
    }

    /** The episode, locked; 404 when there is none. */
    Uni<Row> episode(SqlClient tx, UUID id) {
        return tx.preparedQuery("SELECT * FROM missing_episode WHERE id = $1 FOR UPDATE").execute(Tuple.of(id))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw ApiException.notFound();
                    }
                    return rows.iterator().next();
                });
    }

    Uni<RowSet<Row>> markFound(SqlClient tx, UUID id, Instant foundAt, String foundBy, Instant rhiDue, String rhiService) {
        return tx.preparedQuery("""
                        UPDATE missing_episode SET found_at = $2, found_reported_by = $3, rhi_due_at = $4,
                            rhi_service = $5
                        WHERE id = $1 AND found_at IS NULL
                        """)
                .execute(Tuple.of(id, foundAt.atOffset(ZoneOffset.UTC), foundBy, rhiDue.atOffset(ZoneOffset.UTC),
                        rhiService));
    }

    Uni<RowSet<Row>> confirmEpisode(SqlClient tx, UUID id, Instant now, String agencyId) {
        return tx.preparedQuery("""
                        UPDATE missing_episode SET confirmed_at = coalesce(confirmed_at, $2),
                            confirmed_by = coalesce(confirmed_by, $3) WHERE id = $1 RETURNING *
                        """)
                .execute(Tuple.of(id, now.atOffset(ZoneOffset.UTC), agencyId));
    }

    Uni<RowSet<Row>> insertReturnInterview(SqlClient tx, UUID recordId, UUID episodeId, UUID childId, String outcome,
            Instant at, String recordedBy, String recordedBySubject, Object findings) {
        return tx.preparedQuery("""
                        INSERT INTO return_interview (id, episode_id, child_id, outcome, at, recorded_by,
                            recorded_by_subject, findings) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                        """)
                .execute(Tuple.from(new Object[] {recordId, episodeId, childId, outcome, at.atOffset(ZoneOffset.UTC),
                        recordedBy, recordedBySubject, findings == null ? null : JsonObject.mapFrom(findings)}));
    }

    Uni<RowSet<Row>> recordInterviewOnEpisode(SqlClient tx, UUID episodeId, Instant at, String outcome, String recordedBy) {
        return tx.preparedQuery("""
                        UPDATE missing_episode SET rhi_offered_at = coalesce(rhi_offered_at, $2),
                            rhi_declined_at = CASE WHEN $3 = 'DECLINED' THEN $2 ELSE rhi_declined_at END,
                            rhi_completed_at = CASE WHEN $3 = 'COMPLETED' THEN $2 ELSE rhi_completed_at END,
                            rhi_recorded_by = $4
                        WHERE id = $1 RETURNING *
                        """)
                .execute(Tuple.of(episodeId, at.atOffset(ZoneOffset.UTC), outcome, recordedBy));
    }

    Uni<RowSet<Row>> returnInterviews(SqlClient tx, UUID episodeId) {
        return tx.preparedQuery("SELECT * FROM return_interview WHERE episode_id = $1 ORDER BY at, id")
                .execute(Tuple.of(episodeId));
    }

    /** One writer per child at a time; an advisory lock, as the runtime role may not lock child rows. */
    Uni<RowSet<Row>> lockTriggerPlan(SqlClient tx, UUID childId) {
        return tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtext('trigger-plan:' || $1))")
                .execute(Tuple.of(childId.toString()));
    }

    Uni<RowSet<Row>> insertTriggerPlan(SqlClient tx, UUID version, UUID childId, Instant now, String recordedBy,
            String recordedBySubject, UUID supersedes, LocalDate reviewDate, Instant reviewDue, Map<String, Object> plan,
            JsonArray flags) {
        return tx.preparedQuery("""
                        INSERT INTO trigger_plan (id, child_id, recorded_at, recorded_by, recorded_by_subject,
                            supersedes, review_date, review_due_at, plan, language_flags)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *
                        """)
                .execute(Tuple.from(new Object[] {version, childId, now.atOffset(ZoneOffset.UTC),
                        recordedBy, recordedBySubject, supersedes, reviewDate,
                        reviewDue.atOffset(ZoneOffset.UTC), new JsonObject(plan), flags}));
    }

    Uni<RowSet<Row>> triggerPlans(SqlClient tx, UUID childId) {
        return tx.preparedQuery("SELECT * FROM trigger_plan WHERE child_id = $1 ORDER BY recorded_at DESC, id")
                .execute(Tuple.of(childId));
    }

    /** The current trigger plan, or null. */
    Uni<Row> newestTriggerPlan(SqlClient tx, UUID childId) {
        return tx.preparedQuery("SELECT * FROM trigger_plan WHERE child_id = $1 ORDER BY recorded_at DESC, id LIMIT 1")
                .execute(Tuple.of(childId)).map(rows -> rows.iterator().hasNext() ? rows.iterator().next() : null);
    }
}
