package uk.safeguarding.gateway.placement;

import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.chronology.ChronologyEntry;
import uk.safeguarding.gateway.chronology.ChronologySource;
import uk.safeguarding.gateway.chronology.Releaser;
import uk.safeguarding.gateway.child.RecordRef;
import uk.safeguarding.protocol.engine.Decision;

/**
 * Trigger plan versions in a child's chronology, released as the plan's history read releases them
 * ({@link TriggerPlanResource#history}): the child as a whole, the newest version's recorder as the
 * source, category trigger-plan, and only to an agency holding placing-authority or provider standing.
 * The review date is shown; the plan itself stays behind the link (the police read the current plan
 * while the child is missing, through its own read).
 */
@ApplicationScoped
public class TriggerPlanChronology implements ChronologySource {

    @Override
    public Set<String> kinds() {
        return Set.of("trigger-plan");
    }

    @Override
    public String sql() {
        return """
                SELECT p.recorded_at AS at, 'trigger-plan'::text AS kind, p.id::text AS entry_key, p.id AS record_id,
                    (SELECT n.recorded_by FROM trigger_plan n WHERE n.child_id = p.child_id ORDER BY n.recorded_at DESC, n.id
                        LIMIT 1) AS owner, p.recorded_by AS agency, NULL::text AS other_agency,
                    CASE WHEN p.supersedes IS NULL THEN 'AGREED' ELSE 'REVISED' END AS code,
                    jsonb_build_object('reviewDate', p.review_date) AS facts
                FROM trigger_plan p WHERE p.child_id = $1
                """;
    }

    @Override
    public Optional<ChronologyEntry> release(Row row, Releaser releaser) {
        String owner = row.getString("owner");
        if (releaser.standing().kindsFor(RecordRef.wholeChild()).stream().noneMatch(PhilomenaResource.KEEPERS::contains)) {
            return Optional.empty();
        }
        Decision decision = releaser.decideWholeChild(owner, "read", TriggerPlanResource.CATEGORIES);
        if (!decision.isPermit()) {
            return Optional.empty();
        }
        releaser.released(owner);
        UUID id = row.getUUID("record_id");
        return Optional.of(new ChronologyEntry("trigger-plan", row.getOffsetDateTime("at").toInstant(), row.getString("code"),
                new ChronologyEntry.Agency(row.getString("agency"), null), null, "trigger-plan", id,
                "/api/v1/children/" + releaser.childId() + "/trigger-plan/versions",
                Map.of("reviewDate", row.getJsonObject("facts").getString("reviewDate"))));
    }
}
