package uk.safeguarding.gateway.placement;

import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.chronology.ChronologyEntry;
import uk.safeguarding.gateway.chronology.ChronologySource;
import uk.safeguarding.gateway.chronology.Releaser;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.protocol.engine.Decision;

/**
 * Return home interviews (offered, declined, completed) in a child's chronology, released by the
 * decision of the interview read ({@link ReturnInterviewResource#read}): the episode as the record,
 * the service that recorded findings (else the reporter) as the source, categories missing and the
 * findings'. The outcome and who recorded it are shown; findings never are (they stay behind the link).
 */
@ApplicationScoped
public class ReturnInterviewChronology implements ChronologySource {

    @Override
    public Set<String> kinds() {
        return Set.of("return-interview");
    }

    @Override
    public String sql() {
        return """
                SELECT ri.at AS at, 'return-interview'::text AS kind, ri.id::text AS entry_key, e.id AS record_id,
                    coalesce((SELECT f.recorded_by FROM return_interview f WHERE f.episode_id = e.id AND f.findings IS NOT NULL
                        ORDER BY f.at, f.id LIMIT 1), e.reported_by) AS owner,
                    ri.recorded_by AS agency, NULL::text AS other_agency, ri.outcome AS code,
                    jsonb_build_object('recordedAt', e.recorded_at) AS facts
                FROM return_interview ri JOIN missing_episode e ON e.id = ri.episode_id WHERE ri.child_id = $1
                """;
    }

    @Override
    public Optional<ChronologyEntry> release(Row row, Releaser releaser) {
        UUID episode = row.getUUID("record_id");
        String owner = row.getString("owner");
        Target target = Target.record(releaser.childId(), owner,
                OffsetDateTime.parse(row.getJsonObject("facts").getString("recordedAt")).toInstant(), "missing-episode",
                episode);
        Decision decision = releaser.decide(target, "read", List.of("missing", ReturnInterviewResource.FINDINGS),
                "return-interview", b -> b);
        if (!decision.isPermit()) {
            return Optional.empty();
        }
        releaser.released(owner);
        return Optional.of(new ChronologyEntry("return-interview", row.getOffsetDateTime("at").toInstant(),
                row.getString("code"), new ChronologyEntry.Agency(row.getString("agency"), null), null, "missing-episode",
                episode, "/api/v1/missing-episodes/" + episode + "/return-interview", null));
    }
}
