package uk.safeguarding.gateway.referral;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
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
 * Referrals and their recipients' responses in a child's chronology. Each is released by the decision
 * of the referral's own read ({@link ReferralService#read}): the referral as the record, action
 * {@code read}, the categories it carries content for; that read shows the recipients and their
 * responses, so a response is released with its referral. No content is shown, only who, when, status.
 */
@ApplicationScoped
public class ReferralChronology implements ChronologySource {

    private static final String FACTS = """
            jsonb_build_object('createdAt', r.created_at, 'body', r.body, 'attachments',
                coalesce((SELECT jsonb_agg(a.category) FROM referral_attachment a WHERE a.referral_id = r.id), '[]'::jsonb))""";

    private final ObjectMapper mapper;

    ReferralChronology(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public Set<String> kinds() {
        return Set.of("referral", "referral-response");
    }

    @Override
    public String sql() {
        return """
                SELECT r.created_at AS at, 'referral'::text AS kind, r.id::text AS entry_key, r.id AS record_id,
                    r.requester_agency AS owner, r.requester_agency AS agency, r.home_council AS other_agency,
                    'SENT'::text AS code, %1$s AS facts
                FROM referral r WHERE r.child_id = $1
                UNION ALL
                SELECT rr.acknowledged_at, 'referral-response', r.id::text || ' ' || rr.agency_id || ' ACKNOWLEDGED', r.id,
                    r.requester_agency, rr.agency_id, r.requester_agency, 'ACKNOWLEDGED', %1$s
                FROM referral r JOIN referral_recipient rr ON rr.referral_id = r.id
                WHERE r.child_id = $1 AND rr.acknowledged_at IS NOT NULL
                UNION ALL
                SELECT rr.decided_at, 'referral-response', r.id::text || ' ' || rr.agency_id || ' ' || rr.status, r.id,
                    r.requester_agency, rr.agency_id, r.requester_agency, rr.status, %1$s
                FROM referral r JOIN referral_recipient rr ON rr.referral_id = r.id
                WHERE r.child_id = $1 AND rr.decided_at IS NOT NULL
                """.formatted(FACTS);
    }

    @Override
    public Optional<ChronologyEntry> release(Row row, Releaser releaser) {
        JsonObject facts = row.getJsonObject("facts");
        UUID id = row.getUUID("record_id");
        String owner = row.getString("owner");
        Target target = Target.record(releaser.childId(), owner,
                OffsetDateTime.parse(facts.getString("createdAt")).toInstant(), ReferralService.SOURCE_TYPE, id);
        Decision decision = releaser.decide(target, "read", present(facts), "referral", b -> b);
        if (!decision.isPermit()) {
            return Optional.empty();
        }
        releaser.released(owner);
        return Optional.of(new ChronologyEntry(row.getString("kind"), row.getOffsetDateTime("at").toInstant(),
                row.getString("code"), new ChronologyEntry.Agency(row.getString("agency"), null),
                new ChronologyEntry.Agency(row.getString("other_agency"), null), ReferralService.SOURCE_TYPE, id,
                "/api/v1/referrals/" + id, null));
    }

    /** The categories the referral carries content for, as its read asks the engine about them. */
    private List<String> present(JsonObject facts) {
        Referral referral;
        try {
            referral = mapper.readValue(facts.getJsonObject("body").encode(), Referral.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Set<String> present = new LinkedHashSet<>(referral.presentCategories());
        JsonArray attachments = facts.getJsonArray("attachments");
        attachments.forEach(c -> present.add((String) c));
        return List.copyOf(present);
    }
}
