package uk.safeguarding.gateway.consent;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.alert.Notifier;
import uk.safeguarding.gateway.audit.anomaly.Flags;
import uk.safeguarding.gateway.placement.Cases;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.protocol.engine.CaseContext;

/**
 * Who hears when one agency's consent record changes what another agency's allowed: the other agency
 * (the consent-recording protocol's duties, with a deadline and escalation) and both agencies' DPOs
 * (a flag in their review queue). Written in the recording request's transaction.
 */
@ApplicationScoped
public class ConsentNotices {

    static final String CHANGED = "consent-changed";
    static final String APPROVAL_REQUESTED = "consent-approval-requested";
    static final String RECORDER = "consent-recorder";

    private final Cases cases;
    private final Flags flags;
    private final RequestContext context;

    ConsentNotices(Cases cases, Flags flags, RequestContext context) {
        this.cases = cases;
        this.flags = flags;
        this.context = context;
    }

    /** A new record that loosens (waits for approval) or tightens another agency's record. */
    Uni<Void> recorded(SqlClient tx, ConsentRecord c, ConsentProvenance.Effect effect, Instant now) {
        Actor actor = context.requireActor();
        if (effect.loosensAnother()) {
            return tell(tx, c, APPROVAL_REQUESTED, effect.loosens(), "would loosen", now)
                    .chain(() -> flags.raise(tx, new Flags.Flag("CONSENT_LOOSENED", c.childId(), actor.agencyId()
                            + " recorded consent " + c.id() + " (on the word of " + c.consentedBy().type() + ") that would "
                            + "loosen the refusal or withdrawal recorded by " + effect.loosens()
                            + "; not in effect until a supervisor of each approves", effect.loosens())));
        }
        if (!effect.tightens().isEmpty()) {
            return tell(tx, c, CHANGED, effect.tightens(), "tightens", now)
                    .chain(() -> flags.raise(tx, new Flags.Flag("CONSENT_TIGHTENED", c.childId(), actor.agencyId()
                            + " recorded consent " + c.id() + " (on the word of " + c.consentedBy().type()
                            + ") refusing what the consent recorded by " + effect.tightens() + " allowed; in effect at once",
                            effect.tightens())));
        }
        return Uni.createFrom().voidItem();
    }

    /** Another agency withdrew this agency's record, on the word of the child or a parent. */
    Uni<Void> withdrawn(SqlClient tx, ConsentRecord c, Instant now) {
        Actor actor = context.requireActor();
        Set<String> recorder = Set.of(c.recorded().agency());
        return tell(tx, c, CHANGED, recorder, "withdrew", now)
                .chain(() -> flags.raise(tx, new Flags.Flag("CONSENT_TIGHTENED", c.childId(), actor.agencyId()
                        + " withdrew consent " + c.id() + ", recorded by " + c.recorded().agency()
                        + "; in effect at once", recorder)));
    }

    private Uni<Void> tell(SqlClient tx, ConsentRecord c, String event, Set<String> agencies, String what, Instant now) {
        Actor actor = context.requireActor();
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("childId", c.childId().toString());
        identity.put("consentId", c.id().toString());
        identity.put("change", what);
        identity.put("recordedBy", actor.agencyId());
        identity.put("onWordOf", c.withdrawal() != null && c.withdrawal().onWordOf() != null ? c.withdrawal().onWordOf()
                : c.consentedBy().type());
        identity.put("status", c.status());
        identity.put("link", "/api/v1/consents/" + c.id());
        List<CaseContext> told = agencies.stream().map(a -> CaseContext.builder().role(RECORDER, a).build()).toList();
        return cases.record(tx, new Notifier.CaseEvent(UUID.randomUUID(), event, c.childId(), actor.agencyId(), now,
                "SAFEGUARDING", false, Map.of("identity", identity)), actor.subject(), told).replaceWithVoid();
    }
}
