package uk.safeguarding.gateway.disagreement;

import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.chronology.ChronologyEntry;
import uk.safeguarding.gateway.chronology.ChronologySource;
import uk.safeguarding.gateway.chronology.Releaser;
import uk.safeguarding.protocol.engine.Decision;

/**
 * Professional disagreements in a child's chronology, one entry per step (raised, responded, escalated
 * to a level, resolved). Released as the challenge read releases them ({@link ChallengeResource#get}):
 * only to the two agencies (and the partnership once the challenge reached it), and only when the engine
 * lets the reader challenge the decided record (category disagreement). The step, its level and the two
 * sides are shown; the grounds and replies are not.
 */
@ApplicationScoped
public class DisagreementChronology implements ChronologySource {

    private final Challenges challenges;

    DisagreementChronology(Challenges challenges) {
        this.challenges = challenges;
    }

    @Override
    public Set<String> kinds() {
        return Set.of("disagreement");
    }

    /** The decided record is found as {@link Challenges#DECISIONS} finds it, for each type. */
    @Override
    public String sql() {
        return """
                SELECT s.at AS at, 'disagreement'::text AS kind, s.id::text AS entry_key, c.id AS record_id,
                    coalesce(ra.assessed_by_agency, dr.agency) AS owner, s.by_agency AS agency,
                    CASE WHEN s.by_agency = c.challenged_agency THEN c.challenging_agency ELSE c.challenged_agency END AS other_agency,
                    s.step AS code,
                    jsonb_build_object('level', s.level, 'challenged', c.challenged_agency, 'challenging', c.challenging_agency,
                        'currentLevel', c.level, 'decisionType', c.decision_type, 'decisionId', c.decision_id,
                        'decidedAt', coalesce(ra.recorded_at, dr.at)) AS facts
                FROM challenge_step s JOIN challenge c ON c.id = s.challenge_id
                LEFT JOIN risk_assessment ra ON c.decision_type = 'risk-assessment' AND ra.id = c.decision_id
                LEFT JOIN LATERAL (SELECT rr.agency_id AS agency, coalesce(rr.decided_at, r.created_at) AS at
                    FROM referral r JOIN referral_recipient rr ON rr.referral_id = r.id
                    WHERE c.decision_type = 'referral-decline' AND r.id = c.decision_id AND rr.status = 'DECLINED'
                    ORDER BY rr.decided_at LIMIT 1) dr ON true
                WHERE c.child_id = $1
                """;
    }

    @Override
    public Optional<ChronologyEntry> release(Row row, Releaser releaser) {
        JsonObject f = row.getJsonObject("facts");
        String reader = releaser.reader().agencyId();
        String owner = row.getString("owner");
        if (owner == null || f.getString("decidedAt") == null
                || !challenges.party(f.getString("challenged"), f.getString("challenging"), f.getString("currentLevel"), reader)) {
            return Optional.empty();
        }
        Challenges.Decision decided = new Challenges.Decision(f.getString("decisionType"),
                UUID.fromString(f.getString("decisionId")), releaser.childId(), owner,
                OffsetDateTime.parse(f.getString("decidedAt")).toInstant());
        Decision decision = releaser.decide(decided.target(), "challenge", List.of("disagreement"), "challenge", b -> b);
        if (!decision.isPermit()) {
            return Optional.empty();
        }
        releaser.released(owner);
        UUID id = row.getUUID("record_id");
        return Optional.of(new ChronologyEntry("disagreement", row.getOffsetDateTime("at").toInstant(), row.getString("code"),
                new ChronologyEntry.Agency(row.getString("agency"), null),
                new ChronologyEntry.Agency(row.getString("other_agency"), null), "challenge", id, "/api/v1/challenges/" + id,
                Map.of("level", f.getString("level"))));
    }
}
