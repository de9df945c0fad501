package uk.safeguarding.gateway.risk;

import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
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
 * Each agency's risk assessments in a child's chronology, released as the risk history releases them
 * ({@link RiskResource#history}): the history must be open to the reader at all (the gateway's own
 * record, categories risk and risk-history), then each assessing agency's assessments by their own
 * decision, shown when "risk" is released. The level and the previous one are shown; the rationale,
 * indicators and people are not (the history read shows them under risk-history).
 */
@ApplicationScoped
public class RiskChronology implements ChronologySource {

    @Override
    public Set<String> kinds() {
        return Set.of("risk-assessment");
    }

    @Override
    public String sql() {
        return """
                SELECT a.recorded_at AS at, 'risk-assessment'::text AS kind, a.id::text AS entry_key, a.id AS record_id,
                    a.assessed_by_agency AS owner, a.assessed_by_agency AS agency, NULL::text AS other_agency, a.level AS code,
                    jsonb_build_object('previousLevel', a.previous_level, 'downgrade', a.downgrade) AS facts
                FROM risk_assessment a WHERE a.child_id = $1
                """;
    }

    @Override
    public Optional<ChronologyEntry> release(Row row, Releaser releaser) {
        if (!releaser.decideWholeChild(Target.GATEWAY, "read", RiskResource.HISTORY_CATEGORIES).isPermit()) {
            return Optional.empty();
        }
        String owner = row.getString("owner");
        Decision decision = releaser.decideWholeChild(owner, "read", RiskResource.HISTORY_CATEGORIES);
        if (!decision.isPermit() || !decision.permittedCategories().contains("risk")) {
            return Optional.empty();
        }
        releaser.released(owner);
        JsonObject facts = row.getJsonObject("facts");
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("level", row.getString("code"));
        if (facts.getString("previousLevel") != null) {
            details.put("previousLevel", facts.getString("previousLevel"));
        }
        details.put("downgrade", facts.getBoolean("downgrade"));
        UUID id = row.getUUID("record_id");
        return Optional.of(new ChronologyEntry("risk-assessment", row.getOffsetDateTime("at").toInstant(),
                row.getString("code"), new ChronologyEntry.Agency(owner, null), null, "risk-assessment", id,
                "/api/v1/children/" + releaser.childId() + "/risk-assessments", details));
    }
}
