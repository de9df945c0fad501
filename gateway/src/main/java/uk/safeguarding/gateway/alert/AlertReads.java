package uk.safeguarding.gateway.alert;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.child.RecordRef;
import uk.safeguarding.gateway.child.Relationships;
import uk.safeguarding.gateway.child.Standing;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.protocol.engine.Decision;
import uk.safeguarding.protocol.engine.DecisionRequest;

/**
 * An alert read through the pull inbox is decided again, for the person or system reading it now: the
 * push was decided for the agency's receiving system when the alert was queued, but a read is a
 * disclosure to whoever reads, with the roles they hold and the agency's relationships as they stand
 * today. Roles the protocols do not let receive alerts (a DPO, an administrator) are refused before
 * anything is read; an alert whose categories are no longer released to the reader is not shown.
 */
@ApplicationScoped
public class AlertReads {

    private static final String ACTION = "receive-alert";
    /** Fields of referral alerts that belong to the risk category. */
    private static final List<String> RISK_FIELDS = List.of("riskLevel", "concernCategories", "reason");

    private final PolicyService policy;
    private final Relationships relationships;

    AlertReads(PolicyService policy, Relationships relationships) {
        this.policy = policy;
        this.relationships = relationships;
    }

    /** 403 ROLE_NOT_PERMITTED unless one of the actor's roles may receive alerts under some protocol. */
    public void requireRole(Actor actor) {
        Optional<Set<String>> allowed = policy.engine().actorRoles(ACTION);
        if (allowed.isPresent() && actor.roles().stream().noneMatch(allowed.get()::contains)) {
            throw ApiException.forbidden("ROLE_NOT_PERMITTED", "The protocols let " + allowed.get().stream().sorted().toList()
                    + " read alerts; your roles are for other work (a DPO reviews the audit trail instead).");
        }
    }

    /** Per-request memory of each child's standing, so an inbox page reads it once per child. */
    public static final class Cache {
        private final Map<UUID, Uni<Standing>> standings = new HashMap<>();
    }

    /** The alert as {@code reader} may see it now, or empty when nothing of it is released to them. */
    public Uni<Optional<AlertResource.AlertView>> decide(SqlClient tx, Actor reader, Row r, Cache cache) {
        AlertResource.AlertView stored = AlertResource.view(r);
        List<String> categories = new ArrayList<>();
        r.getJsonArray("categories").forEach(c -> categories.add((String) c));
        UUID childId = r.getUUID("child_id");
        if (categories.isEmpty() || childId == null) {
            // No child data travels with it (an access notice to a record's owner): the role check suffices.
            return Uni.createFrom().item(Optional.of(stored));
        }
        Uni<Standing> standing = cache.standings.computeIfAbsent(childId,
                id -> relationships.standing(tx, reader.agencyId(), reader.subject(), id).memoize().indefinitely());
        JsonObject payload = (JsonObject) r.getValue("payload");
        RecordRef record = RecordRef.of(r.getOffsetDateTime("created_at").toInstant(), r.getString("resource_type"),
                uuidOrNull(r.getString("resource_id")));
        return standing.map(held -> {
            Decision d = policy.decide(policy.request(reader, ACTION, purposeOf(payload, r.getString("event")))
                    .relationships(held.kindsFor(record)).categories(categories)
                    .missing(payload.getBoolean("childMissing", false))
                    .counterparty(sourceOf(payload)).build());
            if (!d.isPermit()) {
                return Optional.empty();
            }
            policy.disclosed(sourceOf(payload), reader);
            return Optional.of(redacted(stored, d.permittedCategories()));
        });
    }

    /** The stored payload with only what this decision releases. */
    static AlertResource.AlertView redacted(AlertResource.AlertView v, List<String> permitted) {
        Map<String, Object> payload = new LinkedHashMap<>(v.payload());
        if (payload.get("data") instanceof Map<?, ?> data) {
            Map<String, Object> kept = new LinkedHashMap<>();
            List<String> withheld = new ArrayList<>();
            data.forEach((k, value) -> {
                if (permitted.contains(k.toString())) {
                    kept.put(k.toString(), value);
                } else {
                    withheld.add(k.toString());
                }
            });
            payload.put("data", kept);
            if (!withheld.isEmpty()) {
                List<Object> all = new ArrayList<>(payload.get("withheld") instanceof List<?> w ? w : List.of());
                withheld.stream().filter(c -> !all.contains(c)).forEach(all::add);
                payload.put("withheld", all);
            }
        }
        if (!permitted.contains("risk")) {
            RISK_FIELDS.forEach(payload::remove);
        }
        return new AlertResource.AlertView(v.id(), v.event(), v.status(), v.createdAt(), v.ackDueAt(), v.deliveredAt(),
                v.acknowledgedAt(), v.dutyRef(), payload);
    }

    /** The purpose the alert was sent for (older alerts did not say: the missing events were for the missing response). */
    static uk.safeguarding.gateway.security.PurposeOfUse purposeOf(JsonObject payload, String event) {
        String code = payload.getString("purpose");
        if (code == null) {
            code = event != null && event.startsWith("child-") && (event.endsWith("missing") || event.endsWith("found"))
                    ? "MISSING-RESPONSE" : "SAFEGUARDING";
        }
        return uk.safeguarding.gateway.security.PurposeOfUse.fromCode(code)
                .orElse(uk.safeguarding.gateway.security.PurposeOfUse.SAFEGUARDING);
    }

    /** The agency the alert's data came from. */
    static String sourceOf(JsonObject payload) {
        String raisedBy = payload.getString("raisedBy", payload.getString("from"));
        return raisedBy != null && raisedBy.contains(":") ? raisedBy : Target.GATEWAY;
    }

    private static UUID uuidOrNull(String s) {
        try {
            return s == null ? null : UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
