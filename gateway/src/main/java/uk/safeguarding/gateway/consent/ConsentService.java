package uk.safeguarding.gateway.consent;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.child.ChildIndex;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.protocol.engine.Decision;

/**
 * Recording, reading, searching and withdrawing consent. Only an agency the protocols let read the
 * child's identity may do any of it (404 without a relationship, as for every record); each change is
 * one transaction with its audit record.
 */
@ApplicationScoped
public class ConsentService {

    public static final String RESOURCE_TYPE = "Consent";
    private static final List<String> IDENTITY = List.of("identity");

    /** A disclosure already made in reliance on a consent: what went where, found in the audit trail. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PriorDisclosure(Instant when, String agency, List<String> categories, String purpose, String action,
            String lawfulBasis, UUID auditReference) {
    }

    /** The withdrawn consent and what was shared under it before, for the DPO to act on. */
    public record Withdrawn(ConsentRecord consent, List<PriorDisclosure> priorDisclosures, boolean truncated) {
    }

    private final Pool pool;
    private final ConsentStore store;
    private final ChildIndex children;
    private final PolicyService policy;
    private final AuditTrail audit;
    private final RequestContext context;
    private final ConsentConfig config;
    private final ConsentNotices notices;

    ConsentService(Pool pool, ConsentStore store, ChildIndex children, PolicyService policy, AuditTrail audit,
            RequestContext context, ConsentConfig config, ConsentNotices notices) {
        this.notices = notices;
        this.pool = pool;
        this.store = store;
        this.children = children;
        this.policy = policy;
        this.audit = audit;
        this.context = context;
        this.config = config;
    }

    public Uni<ConsentRecord> create(ConsentRecord.NewConsent body) {
        context.describe("consent.create", RESOURCE_TYPE, null, null);
        ConsentValidator.validate(body, policy.engine().vocabulary());
        return pool.withTransaction(tx -> children.find(tx, body.child().system(), body.child().value())
                        .chain(child -> create(tx, child.orElseThrow(ApiException::notFound), body)))
                .invoke(context::markAudited);
    }

    /** Stores a consent for a known child inside the caller's transaction and writes its audit record there. */
    public Uni<ConsentRecord> create(SqlClient tx, UUID childId, ConsentRecord.NewConsent body) {
        return store(tx, Target.wholeChild(childId, null), UUID.randomUUID(), body)
                .chain(stored -> audit.record(tx, audit.entryFor(context, "consent.create", 201)).replaceWith(stored));
    }

    /**
     * The consent checked and stored, without an audit record of its own (the FHIR referral transaction
     * writes one for the whole transaction). {@code target} is what the recorder's standing must reach:
     * the child as a whole, or the referral the consent arrives with (whose referrer may record it).
     * The protocols say who may record ({@code record-consent}); a record that would loosen another
     * agency's refusal or withdrawal waits for that agency's supervisor ({@link ConsentProvenance}); one
     * that tightens another agency's consent takes effect at once and that agency is told; both DPOs see
     * either in their queue.
     */
    public Uni<ConsentRecord> store(SqlClient tx, Target target, UUID id, ConsentRecord.NewConsent body) {
        Actor actor = context.requireActor();
        UUID childId = target.childId();
        Instant now = Instant.now();
        context.describe("consent.create", RESOURCE_TYPE, id.toString(), childId);
        return policy.authorise(tx, target, "record-consent", categories(body.provisions()), b -> b)
                .chain(decision -> store.forChild(tx, childId).chain(existing -> {
                    notADisclosure(decision, "consent:recorded");
                    var vocabulary = policy.engine().vocabulary();
                    ConsentProvenance.Effect effect = ConsentProvenance.of(existing, body.provisions(), actor.agencyId(),
                            vocabulary.agencyTypes().keySet(), vocabulary.purposes().keySet(), now);
                    ConsentRecord c = new ConsentRecord(id, childId, body.child(),
                            effect.loosensAnother() ? ConsentRecord.PENDING_APPROVAL : ConsentRecord.ACTIVE,
                            body.consentedBy(), body.provisions(), body.period(),
                            new ConsentRecord.Recorded(actor.agencyId(), actor.subject(), now), null,
                            List.copyOf(effect.loosens()));
                    return store.insert(tx, c)
                            .chain(() -> notices.recorded(tx, c, effect, now))
                            .replaceWith(c);
                }));
    }

    /**
     * A supervisor of an agency whose refusal or withdrawal a pending record would loosen approves it;
     * once every such agency has, the record is in effect. Access comes first: an agency with no
     * standing over the record gets the 404 a random id gets.
     */
    public Uni<ConsentRecord> approve(UUID id) {
        Actor approver = context.requireActor();
        context.describe("consent.approve", RESOURCE_TYPE, id.toString(), null);
        return pool.withTransaction(tx -> store.find(tx, id, true).chain(found -> {
            ConsentRecord c = found.orElseThrow(ApiException::notFound);
            context.describe("consent.approve", RESOURCE_TYPE, id.toString(), c.childId());
            return policy.authorise(tx, target(c), "read", IDENTITY, b -> b).chain(decision -> {
                notADisclosure(decision, "consent:approved");
                if (!c.pending()) {
                    throw new ApiException(409, "NOTHING_TO_APPROVE", "This consent record is not waiting for approval ("
                            + c.status() + ").", List.of());
                }
                if (!c.awaitingApprovalFrom().contains(approver.agencyId())) {
                    throw ApiException.forbidden("CONSENT_APPROVER_OTHER_AGENCY", "Only a supervisor of "
                            + c.awaitingApprovalFrom() + ", whose refusal or withdrawal this record would loosen, approves it.");
                }
                if (!approver.hasRole("supervisor")) {
                    throw ApiException.forbidden("CONSENT_APPROVER_NOT_SUPERVISOR", "Approving is for a supervisor.");
                }
                if (approver.subject().equals(c.recorded().by())) {
                    throw ApiException.forbidden("CONSENT_SELF_APPROVAL", "The person who recorded it cannot approve it.");
                }
                return store.approve(tx, id, approver, Instant.now())
                        .chain(() -> store.find(tx, id, false))
                        .call(() -> audit.record(tx, audit.entryFor(context, "consent.approve", 200)))
                        .map(after -> after.orElseThrow());
            });
        })).invoke(context::markAudited);
    }

    /** The categories a consent's provisions are about: what its recorder must be allowed to record. */
    static List<String> categories(List<ConsentRecord.Provision> provisions) {
        Set<String> categories = new LinkedHashSet<>();
        provisions.forEach(p -> categories.addAll(p.categories()));
        return List.copyOf(categories);
    }

    /** A stored consent as the record a decision is about. */
    static Target target(ConsentRecord c) {
        return Target.record(c.childId(), c.recorded().agency(), c.recorded().at(), "consent", c.id());
    }

    public Uni<ConsentRecord> read(UUID id) {
        context.describe("consent.read", RESOURCE_TYPE, id.toString(), null);
        return store.find(pool, id, false).chain(found -> {
            ConsentRecord c = found.orElseThrow(ApiException::notFound);
            context.describe("consent.read", RESOURCE_TYPE, id.toString(), c.childId());
            return policy.authorise(pool, target(c), "read", IDENTITY, b -> b).replaceWith(c);
        });
    }

    /** The child's consents, newest first; an unknown child and one the caller may not see look alike (empty). */
    public Uni<List<ConsentRecord>> search(String system, String value) {
        context.describe("consent.search", RESOURCE_TYPE, null, null);
        return children.find(pool, system, value).chain(child -> {
            if (child.isEmpty()) {
                return Uni.createFrom().item(List.<ConsentRecord>of());
            }
            context.describe("consent.search", RESOURCE_TYPE, null, child.get());
            return policy.authorise(pool, Target.wholeChild(child.get(), Target.GATEWAY), "read", IDENTITY, b -> b)
                    .chain(() -> store.forChild(pool, child.get()))
                    .onFailure(ApiException.class).recoverWithItem(List.of());
        });
    }

    /**
     * Withdraws consent: from this moment no share relies on it (the state becomes WITHDRAWN for every
     * later decision). What was already shared in reliance on it is not recalled; it is listed from the
     * audit trail so the DPO can ask recipients to stop using it.
     */
    public Uni<Withdrawn> withdraw(UUID id, String reason, String onWordOf) {
        Actor actor = context.requireActor();
        context.describe("consent.withdraw", RESOURCE_TYPE, id.toString(), null);
        if (reason != null && reason.length() > config.maxTextLength()) {
            throw ApiException.badRequest("/reason", "TEXT_TOO_LONG", "reason is at most " + config.maxTextLength() + " characters.");
        }
        if (onWordOf != null && !ConsentValidator.BASES.containsKey(onWordOf)) {
            throw ApiException.badRequest("/onWordOf", "ON_WORD_OF", "onWordOf must be child or parental-responsibility.");
        }
        Instant now = Instant.now();
        return pool.withTransaction(tx -> store.find(tx, id, true).chain(found -> {
            ConsentRecord c = found.orElseThrow(ApiException::notFound);
            context.describe("consent.withdraw", RESOURCE_TYPE, id.toString(), c.childId());
            // Withdrawing is recording what the child or a parent said: the protocols' record-consent rule,
            // for the categories the record covers, on the record itself.
            return policy.authorise(tx, target(c), "record-consent", categories(c.provisions()), b -> b).chain(decision -> {
                notADisclosure(decision, "consent:withdrawn");
                if (c.withdrawn()) {
                    throw new ApiException(409, "ALREADY_WITHDRAWN", "This consent was already withdrawn.", List.of());
                }
                boolean another = !c.recorded().agency().equals(actor.agencyId());
                // Withdrawing a refusal loosens sharing: another agency does that with a new record, which
                // waits for the refusing agency's supervisor, never by withdrawing that agency's record.
                if (another && c.provisions().stream().anyMatch(p -> "deny".equals(p.type()))) {
                    throw ApiException.forbidden("WITHDRAWAL_WOULD_LOOSEN", "This record refuses some sharing and was "
                            + "recorded by " + c.recorded().agency() + ": record the child's new consent instead; it takes "
                            + "effect when a supervisor of that agency approves it.");
                }
                if (another && onWordOf == null) {
                    throw ApiException.badRequest("/onWordOf", "ON_WORD_OF_REQUIRED", "Withdrawing another agency's "
                            + "consent record is done on the word of the child or a person with parental responsibility: "
                            + "say which (child or parental-responsibility).");
                }
                return store.withdraw(tx, id, now, actor, reason, onWordOf)
                        .chain(() -> another ? notices.withdrawn(tx, c, now) : Uni.createFrom().voidItem())
                        .chain(() -> priorDisclosures(tx, c, now))
                        .chain(prior -> store.find(tx, id, false).map(after -> new Withdrawn(after.orElseThrow(),
                                prior.size() > config.maxPriorDisclosures()
                                        ? prior.subList(0, config.maxPriorDisclosures()) : prior,
                                prior.size() > config.maxPriorDisclosures())))
                        .call(w -> audit.record(tx, audit.entryFor(context, "consent.withdraw", 200)));
            });
        })).invoke(context::markAudited);
    }

    /**
     * Disclosures of the categories this consent permitted, made to recipients it covered, on the basis
     * of consent, between its recording and {@code until}. Only the permitted categories are listed.
     */
    public Uni<List<PriorDisclosure>> priorDisclosures(SqlClient client, ConsentRecord c, Instant until) {
        return priorDisclosures(client, c, until, params -> "true");
    }

    /**
     * The same, narrowed by a condition on audit_event (alias {@code e}) that {@code scope} writes,
     * appending its parameters to the list it is given: a DPO's view (audit.dpo.DpoScope).
     */
    public Uni<List<PriorDisclosure>> priorDisclosures(SqlClient client, ConsentRecord c, Instant until,
            Function<List<Object>, String> scope) {
        List<Object> params = new ArrayList<>(List.of(c.childId(), ConsentStore.utc(c.recorded().at()), ConsentStore.utc(until),
                config.maxPriorDisclosures() + 1));
        String condition = scope.apply(params);
        return client.preparedQuery("""
                        SELECT id, recorded_at, actor_agency, categories, purpose, action, lawful_basis FROM audit_event e
                        WHERE child_id = $1 AND decision = 'PERMIT' AND recorded_at >= $2 AND recorded_at < $3
                            AND 'consent' = ANY (string_to_array(lawful_basis, ', ')) AND %s
                        ORDER BY recorded_at, id LIMIT $4
                        """.formatted(condition))
                .execute(Tuple.from(params))
                .map(rows -> {
                    List<PriorDisclosure> out = new ArrayList<>();
                    for (Row r : rows) {
                        String agency = r.getString("actor_agency");
                        String type = agency == null ? "" : agency.contains(":") ? agency.substring(0, agency.indexOf(':')) : agency;
                        Set<String> shared = new LinkedHashSet<>();
                        for (String category : ConsentStore.list(r.getJsonArray("categories"))) {
                            boolean covered = c.provisions().stream().anyMatch(p -> "permit".equals(p.type())
                                    && p.covers(category, type, r.getString("purpose")));
                            if (covered) {
                                shared.add(category);
                            }
                        }
                        if (!shared.isEmpty()) {
                            out.add(new PriorDisclosure(r.getOffsetDateTime("recorded_at").toInstant(), agency,
                                    List.copyOf(shared), r.getString("purpose"), r.getString("action"),
                                    r.getString("lawful_basis"), r.getUUID("id")));
                        }
                    }
                    return out;
                });
    }

    /** Recording or withdrawing consent tells the caller nothing new: audited, but not a disclosure of data. */
    private void notADisclosure(Decision decision, String reason) {
        List<String> reasons = new ArrayList<>(decision.reasons());
        reasons.add(reason);
        context.decided(new RequestContext.AuditedDecision("PERMIT", List.of(), reasons, null, null, null, null));
    }
}
