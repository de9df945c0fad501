package uk.safeguarding.gateway.consent;

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
 * Consent overrides ("share without consent", "share despite refusal") in a child's chronology: requested
 * and approved. Released as the override's read releases it ({@link OverrideService#read}): to the
 * requester's agency only (the DPOs review every override on their own list). The purpose and the
 * categories are shown; the justification is free text and stays behind the link.
 */
@ApplicationScoped
public class OverrideChronology implements ChronologySource {

    @Override
    public Set<String> kinds() {
        return Set.of("consent-override");
    }

    @Override
    public String sql() {
        return """
                SELECT o.requested_at AS at, 'consent-override'::text AS kind, o.id::text || ' REQUESTED' AS entry_key,
                    o.id AS record_id, o.requester_agency AS owner, o.requester_agency AS agency, NULL::text AS other_agency,
                    'REQUESTED'::text AS code, jsonb_build_object('purpose', o.purpose, 'categories', o.categories) AS facts
                FROM consent_override o WHERE o.child_id = $1
                UNION ALL
                SELECT o.approved_at, 'consent-override', o.id::text || ' APPROVED', o.id, o.requester_agency,
                    coalesce(o.approver_agency, o.requester_agency), NULL, 'APPROVED',
                    jsonb_build_object('purpose', o.purpose, 'categories', o.categories)
                FROM consent_override o WHERE o.child_id = $1 AND o.approved_at IS NOT NULL
                """;
    }

    @Override
    public Optional<ChronologyEntry> release(Row row, Releaser releaser) {
        JsonObject facts = row.getJsonObject("facts");
        return releaser.ownAgencyOnly(row, "/api/v1/consent-overrides/" + row.getUUID("record_id"),
                Map.of("purpose", facts.getString("purpose"), "categories", facts.getJsonArray("categories").getList()));
    }
}
