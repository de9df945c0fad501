package uk.safeguarding.gateway.child;

import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import uk.safeguarding.gateway.chronology.ChronologyEntry;
import uk.safeguarding.gateway.chronology.ChronologySource;
import uk.safeguarding.gateway.chronology.Releaser;

/**
 * Standing overrides (the emergency path of an agency whose standing is asserted but not confirmed) in a
 * child's chronology: requested and approved. Released as the override's read releases it
 * ({@link StandingOverrideResource}): to the requesting agency only. The scope is shown; the
 * justification is free text and stays behind the link.
 */
@ApplicationScoped
public class StandingOverrideChronology implements ChronologySource {

    @Override
    public Set<String> kinds() {
        return Set.of("standing-override");
    }

    @Override
    public String sql() {
        return """
                SELECT o.requested_at AS at, 'standing-override'::text AS kind, o.id::text || ' REQUESTED' AS entry_key,
                    o.id AS record_id, o.agency_id AS owner, o.agency_id AS agency, NULL::text AS other_agency,
                    'REQUESTED'::text AS code, jsonb_build_object('scope', o.scope) AS facts
                FROM standing_override o WHERE o.child_id = $1
                UNION ALL
                SELECT o.approved_at, 'standing-override', o.id::text || ' APPROVED', o.id, o.agency_id, o.agency_id, NULL,
                    'APPROVED', jsonb_build_object('scope', o.scope)
                FROM standing_override o WHERE o.child_id = $1 AND o.approved_at IS NOT NULL
                """;
    }

    @Override
    public Optional<ChronologyEntry> release(Row row, Releaser releaser) {
        JsonObject facts = row.getJsonObject("facts");
        return releaser.ownAgencyOnly(row, "/api/v1/standing-overrides/" + row.getUUID("record_id"), Map.of("scope", facts.getString("scope")));
    }
}
