package uk.safeguarding.gateway.policy;

import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.child.Relationships;
import uk.safeguarding.gateway.child.Standing;
import uk.safeguarding.gateway.consent.ChildConsents;
import uk.safeguarding.gateway.consent.ConsentConfig;
import uk.safeguarding.gateway.consent.ConsentStore;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.gateway.security.SignatoryRegistry;
import uk.safeguarding.protocol.engine.Decision;
import uk.safeguarding.protocol.engine.DecisionRequest;
import uk.safeguarding.protocol.engine.PolicyEngine;
import uk.safeguarding.protocol.load.ProtocolLoader;
import uk.safeguarding.protocol.load.ProtocolSet;
import uk.safeguarding.protocol.model.Signatory;

/**
 * The gateway's only door to the protocol engine, which alone decides. Protocols are loaded and
 * linted at start-up; a lint error stops the gateway with the linter's message (file, line, rule),
 * because executing a wrong protocol would share wrongly.
 */
@Startup
@ApplicationScoped
public class PolicyService implements SignatoryRegistry {

    private static final Logger LOG = Logger.getLogger(PolicyService.class);

    private final ProtocolSet shipped;
    private final int minJustificationLength;
    /** Rebuilt (never changed) when the signatory registry's membership changes; see {@link #applyMembers}. */
    private volatile PolicyEngine engine;
    private final Relationships relationships;
    private final RequestContext context;
    private final Clock clock;
    private final ConsentStore consents;
    private final uk.safeguarding.gateway.operations.Tracing tracing;

    PolicyService(PolicyConfig config, ConsentConfig consentConfig, Relationships relationships, RequestContext context,
            ConsentStore consents, uk.safeguarding.gateway.operations.Tracing tracing) {
        this.tracing = tracing;
        this.relationships = relationships;
        this.context = context;
        this.consents = consents;
        this.clock = Clock.systemUTC();
        ProtocolSet protocols = config.directory()
                .map(dir -> ProtocolLoader.loadDirectory(Path.of(dir)))
                .orElseGet(ProtocolLoader::loadShipped);
        // The shipped protocols are held to their emitters by EmittersTest; an external folder is
        // checked here, because a duty on an event the gateway never raises would silently never be met.
        config.directory().ifPresent(dir -> Emitters.shipped().requireNoGaps(protocols, dir));
        protocols.warnings().forEach(w -> LOG.warnf("Protocol lint warning: %s", w));
        this.shipped = protocols;
        this.minJustificationLength = consentConfig.minJustificationLength();
        this.engine = new PolicyEngine(protocols, minJustificationLength);
        LOG.infof("Loaded %d protocols: %s", protocols.protocols().size(),
                protocols.protocols().stream().map(p -> p.ref()).toList());
    }

    @Override
    public boolean isActiveSignatory(String agencyId) {
        return engine.isSignatory(agencyId, clock.instant());
    }

    public PolicyEngine engine() {
        return engine;
    }

    /** The protocols as loaded from YAML, before any agency joined through the signatory registry. */
    public ProtocolSet shippedProtocols() {
        return shipped;
    }

    /**
     * Swaps in an engine whose protocols carry the registry's members and membership version labels
     * (see ProtocolSet#withMembers). Decisions already running keep the engine they started with.
     */
    public void applyMembers(Map<String, List<Signatory>> added, Map<String, String> versions,
            Map<String, String> agencyNames) {
        this.engine = new PolicyEngine(shipped.withMembers(added, versions, agencyNames), minJustificationLength);
        LOG.infof("Protocol membership applied: %s", versions);
    }

    /** A request to the engine for this actor, action and purpose, at the current time. */
    public DecisionRequest.Builder request(Actor actor, String action, PurposeOfUse purpose) {
        return DecisionRequest.builder(engineActor(actor)).action(action).purpose(purpose.code()).at(clock.instant());
    }

    public Decision decide(DecisionRequest request) {
        requireSource(request.action(), request.counterparty());
        io.opentelemetry.api.trace.Span span = tracing.startDecision(request.action());
        try {
            Decision decision = engine.decide(request);
            span.setAttribute("gateway.policy.effect", decision.effect().name());
            if (decision.denialCode() != null) {
                span.setAttribute("gateway.policy.denial_code", decision.denialCode().name());
            }
            return decision;
        } finally {
            span.end();
        }
    }

    /** A decision and the caller's standing with the child it was taken on. */
    public record Authorised(Decision decision, Standing standing) {
    }

    /**
     * Object-level authorisation for a child's record: loads the caller agency's standing with the child
     * and takes the relationship kinds that count for this record (an unconfirmed claim counts only for
     * records created after it), the consent that applies to each requested category (and the actor's
     * own active overrides), and asks the engine, naming the data's source. The decision is kept for the
     * audit record, with the source as the owner of what was released. No relationship counting for the
     * record means 404, exactly as for a record that does not exist; any other denial is a 403 with the
     * stable code and the deciding rule.
     */
    public Uni<Decision> authorise(SqlClient client, Target target, String action, List<String> categories,
            UnaryOperator<DecisionRequest.Builder> refine) {
        return authorised(client, target, action, categories, refine).map(Authorised::decision);
    }

    /** As {@link #authorise}, also giving the caller's standing (what it may build on). */
    public Uni<Authorised> authorised(SqlClient client, Target target, String action, List<String> categories,
            UnaryOperator<DecisionRequest.Builder> refine) {
        Actor actor = context.requireActor();
        PurposeOfUse purpose = context.purpose().orElseThrow(() -> new IllegalStateException("purpose not established"));
        requireSource(action, target.source());
        UUID childId = target.childId();
        Uni<Standing> standing = childId == null ? Uni.createFrom().item(new Standing(actor.agencyId(), null, null, List.of(), false))
                : standing(client, actor, childId);
        return standing.chain(held -> consents.view(client, childId, actor, purpose, clock.instant()).map(view -> {
            Set<String> kinds = held.kindsFor(target.record());
            ConsentedDecision consented = decide(actor, action, purpose, kinds, categories, view,
                    b -> refine.apply(b.counterparty(target.source())));
            Decision decision = consented.decision();
            context.decided(consented.audited());
            if (decision.isPermit()) {
                disclosed(target.source(), actor);
                return new Authorised(decision, held);
            }
            // Only an agency with no relationship counting for this record must not learn that it exists;
            // one that is involved is told which rule refused it.
            if (kinds.isEmpty()) {
                throw ApiException.notFound();
            }
            throw denied(decision);
        }));
    }

    /**
     * The caller's standing with the child: reads resolve a merge, writes do not (docs/IDENTITY.md), so
     * nothing an agency writes through a link (a consent, a risk level, an allocation) rests on standing
     * the unmerge takes away.
     */
    public Uni<Standing> standing(SqlClient client, Actor actor, UUID childId) {
        return context.writes() ? relationships.directStanding(client, actor.agencyId(), actor.subject(), childId)
                : relationships.standing(client, actor.agencyId(), actor.subject(), childId);
    }

    /**
     * A rule restricted by its source matches only a named source, so every read-side decision must name
     * one: a call site that forgot would turn into a silent denial. Failing loudly here makes the whole
     * test suite a walk over every call site.
     */
    void requireSource(String action, String source) {
        if (source == null && !engine.vocabulary().actorIsSender(action)) {
            throw new IllegalStateException("A '" + action + "' decision must name the data's source (Target.source)");
        }
    }

    /** The released data's owner, for the DPO scope: another agency's information, not the gateway's index. */
    public void disclosed(String source, Actor reader) {
        if (source != null && !source.equals(reader.agencyId()) && !source.startsWith("gateway:")) {
            context.disclosedInformationOf(source);
        }
    }

    /**
     * The decision with consent: each category carries the consent state that applies to it (this child,
     * a recipient of the actor's agency type, this purpose, now) and the actor's override covering it,
     * if any. The engine takes one consent state per request, so categories are grouped by state and
     * override and the answers merged: a category is released only by its own group's decision.
     */
    public ConsentedDecision decide(Actor actor, String action, PurposeOfUse purpose, Set<String> held,
            List<String> categories, ChildConsents view, UnaryOperator<DecisionRequest.Builder> refine) {
        return ConsentedDecision.decide(this::decide, () -> request(actor, action, purpose).relationships(held),
                actor.agencyType(), purpose.code(), categories, view, clock.instant(), refine);
    }

    /** The consent records and the actor's overrides for a child, for {@link #decide(Actor, String, PurposeOfUse, Set, List, ChildConsents, UnaryOperator)}. */
    public Uni<ChildConsents> consents(SqlClient client, UUID childId, Actor actor, PurposeOfUse purpose) {
        return consents.view(client, childId, actor, purpose, clock.instant());
    }

    /** The 403 for a denial: its stable code and the rule that decided, nothing about the data. */
    public static ApiException denied(Decision decision) {
        return ApiException.forbidden(decision.denialCode().name(),
                "Refused by " + decision.rule() + " (" + decision.denialCode().name() + ").");
    }

    /** The decision as the audit record keeps it. */
    public static RequestContext.AuditedDecision audited(Decision decision, String overrideJustification,
            String overrideApprover) {
        return new RequestContext.AuditedDecision(decision.effect().name(), decision.permittedCategories(),
                decision.reasons(), decision.denialCode() == null ? null : decision.denialCode().name(),
                decision.recordedBasis(), overrideJustification, overrideApprover);
    }

    private static uk.safeguarding.protocol.engine.Actor engineActor(Actor actor) {
        return new uk.safeguarding.protocol.engine.Actor(actor.agencyId(), actor.agencyType(), actor.roles(),
                actor.subject(), actor.kind() == Actor.Kind.CLIENT
                        ? uk.safeguarding.protocol.engine.Actor.Kind.CLIENT
                        : uk.safeguarding.protocol.engine.Actor.Kind.USER);
    }
}
