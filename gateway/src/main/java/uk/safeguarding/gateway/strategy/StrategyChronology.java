package uk.safeguarding.gateway.strategy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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

/**
 * Strategy discussions and their actions in a child's chronology: convened, decided, each action added
 * (with its current status and due date) and each action that went overdue. Released as the discussion
 * read releases them ({@link StrategyResource}): only to the convener and the invited agencies; the
 * summary and the action's description are free text and never shown here.
 */
@ApplicationScoped
public class StrategyChronology implements ChronologySource {

    @Override
    public Set<String> kinds() {
        return Set.of("strategy-discussion", "strategy-decision", "strategy-action", "strategy-action-overdue");
    }

    @Override
    public String sql() {
        // The child's discussions with their invitees once (a CTE read four times is materialised, so the
        // invitee aggregate runs once per discussion instead of once per row that names it).
        return """
                WITH d AS (
                    SELECT d.id, d.held_at, d.decided_at, d.decision, d.next_review_on, d.convener_agency,
                        (SELECT coalesce(jsonb_agg(i.agency_id), '[]') FROM strategy_invitee i
                            WHERE i.discussion_id = d.id) AS invitees
                    FROM strategy_discussion d WHERE d.child_id = $1)
                SELECT d.held_at AS at, 'strategy-discussion'::text AS kind, d.id::text AS entry_key, d.id AS record_id,
                    d.convener_agency AS owner, d.convener_agency AS agency, NULL::text AS other_agency, 'CONVENED'::text AS code,
                    jsonb_build_object('invitees', d.invitees, 'discussion', d.id) AS facts
                FROM d
                UNION ALL
                SELECT d.decided_at, 'strategy-decision', d.id::text, d.id, d.convener_agency, d.convener_agency, NULL, d.decision,
                    jsonb_build_object('invitees', d.invitees, 'discussion', d.id, 'nextReviewOn', d.next_review_on)
                FROM d WHERE d.decided_at IS NOT NULL
                UNION ALL
                SELECT a.created_at, 'strategy-action', a.id::text, a.id, d.convener_agency, a.owner_agency, d.convener_agency, a.status,
                    jsonb_build_object('invitees', d.invitees, 'discussion', d.id, 'dueOn', a.due_on)
                FROM strategy_action a JOIN d ON d.id = a.discussion_id WHERE a.child_id = $1
                UNION ALL
                SELECT a.overdue_at, 'strategy-action-overdue', a.id::text, a.id, d.convener_agency, a.owner_agency, d.convener_agency,
                    'OVERDUE', jsonb_build_object('invitees', d.invitees, 'discussion', d.id, 'dueOn', a.due_on)
                FROM strategy_action a JOIN d ON d.id = a.discussion_id
                WHERE a.child_id = $1 AND a.overdue_at IS NOT NULL
                """;

    }

    @Override
    public Optional<ChronologyEntry> release(Row row, Releaser releaser) {
        JsonObject facts = row.getJsonObject("facts");
        String reader = releaser.reader().agencyId();
        String convener = row.getString("owner");
        JsonArray invitees = facts.getJsonArray("invitees");
        if (!reader.equals(convener) && (invitees == null || !invitees.contains(reader))) {
            return Optional.empty();
        }
        if (!releaser.decideAs(Set.of(StrategyClauses.PARTICIPANT), convener, "read", List.of(StrategyClauses.CATEGORY))
                .isPermit()) {
            return Optional.empty();
        }
        releaser.released(convener);
        UUID discussion = UUID.fromString(facts.getString("discussion"));
        String kind = row.getString("kind");
        Map<String, Object> details = facts.getString("dueOn") != null ? Map.of("dueOn", facts.getString("dueOn"))
                : facts.getString("nextReviewOn") != null ? Map.of("nextReviewOn", facts.getString("nextReviewOn")) : null;
        String other = row.getString("other_agency");
        return Optional.of(new ChronologyEntry(kind, row.getOffsetDateTime("at").toInstant(), row.getString("code"),
                new ChronologyEntry.Agency(row.getString("agency"), null), other == null ? null : new ChronologyEntry.Agency(other, null),
                "strategy-discussion", discussion, "/api/v1/strategy-discussions/" + discussion, details));
    }
}
