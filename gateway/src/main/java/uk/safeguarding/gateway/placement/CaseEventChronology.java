package uk.safeguarding.gateway.placement;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
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
 * Case events in a child's chronology: placements (planned, started, moved, ended), missing and found,
 * returning home, changes of the shared risk level, and the other events agencies raise. Each is
 * released by the decision of the case-event read ({@link CaseEventResource#read}): the event as the
 * record, its raiser as the source, the categories it holds, whether the event's child (the row it was
 * written for, which over a merge may be the linked row) is missing for the reader. Only the event's
 * type is shown; its details stay behind the link. A disagreement's steps are told by
 * {@link uk.safeguarding.gateway.disagreement.DisagreementChronology} under the challenge
 * read's stricter rule (the parties only), so their case events are not listed again here.
 */
@ApplicationScoped
public class CaseEventChronology implements ChronologySource {

    @Override
    public Set<String> kinds() {
        return Set.of("placement", "missing", "found", "return-home", "shared-risk-change", "case-event");
    }

    @Override
    public String sql() {
        return """
                SELECT e.occurred_at AS at,
                    CASE WHEN e.type LIKE 'placement-%' THEN 'placement' WHEN e.type = 'child-missing' THEN 'missing'
                         WHEN e.type = 'child-found' THEN 'found' WHEN e.type = 'child-returning-home' THEN 'return-home'
                         WHEN e.type = 'risk-changed' THEN 'shared-risk-change' ELSE 'case-event' END AS kind,
                    e.id::text AS entry_key, e.id AS record_id, e.raised_by_agency AS owner, e.raised_by_agency AS agency,
                    NULL::text AS other_agency, e.type AS code,
                    jsonb_build_object('recordedAt', e.recorded_at, 'childId', e.child_id, 'categories',
                        (SELECT coalesce(jsonb_agg(k), '[]'::jsonb) FROM jsonb_object_keys(e.details) k)) AS facts
                FROM case_event e WHERE e.child_id = $1 AND e.type NOT LIKE 'disagreement-%'
                """;
    }

    @Override
    public Optional<ChronologyEntry> release(Row row, Releaser releaser) {
        JsonObject facts = row.getJsonObject("facts");
        UUID id = row.getUUID("record_id");
        String owner = row.getString("owner");
        List<String> categories = new ArrayList<>();
        ((JsonArray) facts.getValue("categories")).forEach(c -> categories.add((String) c));
        Target target = Target.record(releaser.childId(), owner,
                OffsetDateTime.parse(facts.getString("recordedAt")).toInstant(), "case-event", id);
        // The row the event was written for (over a merge, either linked row) decides "missing", as in its own read.
        boolean missing = releaser.missing(UUID.fromString(facts.getString("childId")));
        Decision decision = releaser.decide(target, "read", categories, "missing=" + missing, b -> b.missing(missing));
        if (!decision.isPermit()) {
            return Optional.empty();
        }
        releaser.released(owner);
        return Optional.of(new ChronologyEntry(row.getString("kind"), row.getOffsetDateTime("at").toInstant(),
                row.getString("code"), new ChronologyEntry.Agency(owner, null), null, "case-event", id,
                "/api/v1/case-events/" + id, null));
    }
}
