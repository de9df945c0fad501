package uk.safeguarding.gateway.consent;

import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.chronology.ChronologyEntry;
import uk.safeguarding.gateway.chronology.ChronologySource;
import uk.safeguarding.gateway.chronology.Releaser;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.protocol.engine.Decision;

/**
 * Consent recorded and withdrawn in a child's chronology, released by the decision of the consent read
 * ({@link ConsentService#read}): the consent record as the record, its recording agency as the source,
 * category identity. The grantor (child or parental responsibility) is shown; the provisions and the
 * description stay behind the link.
 */
@ApplicationScoped
public class ConsentChronology implements ChronologySource {

    @Override
    public Set<String> kinds() {
        return Set.of("consent");
    }

    @Override
    public String sql() {
        return """
                SELECT c.recorded_at AS at, 'consent'::text AS kind, c.id::text || ' RECORDED' AS entry_key, c.id AS record_id,
                    c.recorded_by_agency AS owner, c.recorded_by_agency AS agency, NULL::text AS other_agency,
                    'RECORDED'::text AS code, jsonb_build_object('recordedAt', c.recorded_at, 'grantor', c.grantor) AS facts
                FROM consent c WHERE c.child_id = $1
                UNION ALL
                SELECT c.withdrawn_at, 'consent', c.id::text || ' WITHDRAWN', c.id, c.recorded_by_agency,
                    coalesce(c.withdrawn_by_agency, c.recorded_by_agency), NULL, 'WITHDRAWN',
                    jsonb_build_object('recordedAt', c.recorded_at, 'grantor', c.grantor)
                FROM consent c WHERE c.child_id = $1 AND c.withdrawn_at IS NOT NULL
                """;
    }

    @Override
    public Optional<ChronologyEntry> release(Row row, Releaser releaser) {
        UUID id = row.getUUID("record_id");
        String owner = row.getString("owner");
        var facts = row.getJsonObject("facts");
        Target target = Target.record(releaser.childId(), owner,
                java.time.OffsetDateTime.parse(facts.getString("recordedAt")).toInstant(), "consent", id);
        Decision decision = releaser.decide(target, "read", List.of("identity"), "consent", b -> b);
        if (!decision.isPermit()) {
            return Optional.empty();
        }
        releaser.released(owner);
        return Optional.of(new ChronologyEntry("consent", row.getOffsetDateTime("at").toInstant(), row.getString("code"),
                new ChronologyEntry.Agency(row.getString("agency"), null), null, "consent", id, "/api/v1/consents/" + id,
                Map.of("grantor", facts.getString("grantor"))));
    }
}
