package uk.safeguarding.gateway.consent;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.child.RecordRef;
import uk.safeguarding.gateway.child.Relationships;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem.FieldError;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.protocol.engine.Approver;
import uk.safeguarding.protocol.engine.ConsentState;
import uk.safeguarding.protocol.engine.Decision;
import uk.safeguarding.protocol.engine.Obligation;
import uk.safeguarding.protocol.model.DenialCode;
import uk.safeguarding.protocol.model.Vocabulary;

/**
 * Overrides: "share without consent" (consent not sought) and "share despite refusal" (refused or
 * withdrawn). The requester states the categories, a written justification and a lawful basis for the
 * purpose of the request; the engine, with the consent that applies now, says per category whether
 * the override releases it, needs a supervisor's approval, or cannot help (a rule that requires
 * consent). A refusal is overridden only when a supervisor of the same agency, not the requester,
 * approves with their own request, exactly as a risk downgrade is approved. The requester then uses
 * it on ordinary reads until it expires; every request, approval and use is audited with the
 * justification, so each appears in the DPO's anomaly queue, the override review list and the
 * child's disclosure report.
 */
@ApplicationScoped
public class OverrideService {

    public static final String RESOURCE_TYPE = "ConsentOverride";
    static final String PENDING = "PENDING_APPROVAL";
    static final String ACTIVE = "ACTIVE";

    /** What the requester asks for. */
    public record OverrideRequest(List<String> categories, String justification, String lawfulBasis) {
    }

    /** An override as its requester's agency and the DPO see it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OverrideView(UUID id, UUID childId, String purpose, List<String> categories,
            Map<String, String> consentStates, String justification, String lawfulBasis, String status,
            boolean approvalRequired, String requestedBy, String requestedByAgency, Instant requestedAt,
            String approvedBy, String approvedByAgency, Instant approvedAt, Instant expiresAt, Instant dpoReviewedAt,
            String dpoReviewedBy, String dpoNote) {
    }

    private final Pool pool;
    private final PolicyService policy;
    private final Relationships relationships;
    private final AuditTrail audit;
    private final RequestContext context;
    private final ConsentConfig config;

    OverrideService(Pool pool, PolicyService policy, Relationships relationships, AuditTrail audit,
            RequestContext context, ConsentConfig config) {
        this.pool = pool;
        this.policy = policy;
        this.relationships = relationships;
        this.audit = audit;
        this.context = context;
        this.config = config;
    }

    public Uni<OverrideView> request(UUID childId, OverrideRequest body) {
        Actor actor = context.requireActor();
        PurposeOfUse purpose = context.purpose().orElseThrow();
        UUID id = UUID.randomUUID();
        context.describe("consent.override-request", RESOURCE_TYPE, id.toString(), childId);
        validate(body);
        Instant now = Instant.now();
        return pool.withTransaction(tx -> wholeChildKinds(tx, actor.agencyId(), actor.subject(), childId).chain(held -> {
            if (held.isEmpty()) {
                throw ApiException.notFound();
            }
            return policy.consents(tx, childId, null, purpose).chain(consents -> {
                Map<String, String> states = new LinkedHashMap<>();
                boolean approval = false;
                List<String> outcomes = new ArrayList<>();
                for (String category : new LinkedHashSet<>(body.categories())) {
                    ConsentState state = consents.stateFor(category, actor.agencyType(), purpose.code(), now).state();
                    states.put(category, state.code());
                    Decision d = decideOne(actor, purpose, held, category, consents, body, null);
                    approval |= classify(category, state, d, body.categories().indexOf(category));
                    outcomes.add("consent-override:" + category + "=" + state.code());
                }
                String status = approval ? PENDING : ACTIVE;
                outcomes.add("consent-override:" + id + (approval ? " awaiting supervisor approval" : " active"));
                context.decided(new RequestContext.AuditedDecision("NONE", List.of(), outcomes, null, body.lawfulBasis(),
                        body.justification(), null));
                return tx.preparedQuery("""
                                INSERT INTO consent_override (id, child_id, requester_agency, requester_subject, requester_roles,
                                    purpose, categories, consent_states, justification, lawful_basis, status, requested_at,
                                    expires_at)
                                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                                """)
                        .execute(Tuple.from(new Object[] {id, childId, actor.agencyId(), actor.subject(),
                                new JsonArray(actor.roles().stream().sorted().toList()), purpose.code(),
                                new JsonArray(List.copyOf(new LinkedHashSet<>(body.categories()))), new JsonObject(new LinkedHashMap<>(states)),
                                body.justification(), body.lawfulBasis(), status, ConsentStore.utc(now),
                                approval ? null : ConsentStore.utc(now.plus(config.overrideValidity()))}))
                        .chain(() -> audit.record(tx, audit.entryFor(context, "consent.override-request", 201)))
                        .chain(() -> load(tx, id));
            });
        })).invoke(context::markAudited);
    }

    /**
     * A supervisor of the requester's agency, not the requester, approves an override of a refusal. The
     * engine decides the requester's share with this approver (OVERRIDE_SELF_APPROVAL,
     * OVERRIDE_APPROVER_OTHER_AGENCY, OVERRIDE_APPROVER_NOT_SUPERVISOR otherwise).
     */
    public Uni<OverrideView> approve(UUID id) {
        Actor approver = context.requireActor();
        context.describe("consent.override-approve", RESOURCE_TYPE, id.toString(), null);
        Instant now = Instant.now();
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT * FROM consent_override WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id)).chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw ApiException.notFound();
                    }
                    Row o = rows.iterator().next();
                    UUID childId = o.getUUID("child_id");
                    context.describe("consent.override-approve", RESOURCE_TYPE, id.toString(), childId);
                    return wholeChildKinds(tx, approver.agencyId(), approver.subject(), childId).chain(approverHeld -> {
                        // The approver must be involved with the child too; anyone else cannot know it exists.
                        if (approverHeld.isEmpty()) {
                            throw ApiException.notFound();
                        }
                        if (!PENDING.equals(o.getString("status"))) {
                            throw new ApiException(409, "NOTHING_TO_APPROVE",
                                    "This override is not awaiting approval (" + o.getString("status") + ").", List.of());
                        }
                        return requesterDecision(tx, o, approver).chain(decision -> tx.preparedQuery("""
                                        UPDATE consent_override SET status = 'ACTIVE', approver_agency = $2, approver_subject = $3,
                                            approver_roles = $4, approved_at = $5, expires_at = $6 WHERE id = $1
                                        """)
                                .execute(Tuple.from(new Object[] {id, approver.agencyId(), approver.subject(),
                                        new JsonArray(approver.roles().stream().sorted().toList()), ConsentStore.utc(now),
                                        ConsentStore.utc(now.plus(config.overrideValidity()))}))
                                .chain(() -> audit.record(tx, audit.entryFor(context, "consent.override-approve", 200)))
                                .chain(() -> load(tx, id)));
                    });
                })).invoke(context::markAudited);
    }

    /** The engine's decision on the requester's share with this approver, category by category. */
    private Uni<Decision> requesterDecision(SqlClient tx, Row o, Actor approver) {
        UUID childId = o.getUUID("child_id");
        String agency = o.getString("requester_agency");
        Actor requester = new Actor(o.getString("requester_subject"), null, Actor.Kind.USER, agency,
                ConsentStore.strings(o.getJsonArray("requester_roles")));
        PurposeOfUse purpose = PurposeOfUse.fromCode(o.getString("purpose")).orElseThrow();
        OverrideRequest body = new OverrideRequest(ConsentStore.list(o.getJsonArray("categories")),
                o.getString("justification"), o.getString("lawful_basis"));
        Approver who = new Approver(approver.subject(), approver.agencyId(), approver.roles(),
                approver.subject().equals(requester.subject()));
        return wholeChildKinds(tx, agency, requester.subject(), childId).chain(held -> policy.consents(tx, childId, null, purpose).map(consents -> {
            Decision last = null;
            for (String category : body.categories()) {
                // A second person is needed whatever the state is now: the request was made against a refusal.
                DenialCode problem = approverProblem(requester, who);
                Decision d = decideOne(requester, purpose, held, category, consents, body, who);
                List<String> reasons = new ArrayList<>(d.reasons());
                reasons.add("consent-override:" + o.getUUID("id") + " approval");
                context.decided(new RequestContext.AuditedDecision(problem == null ? d.effect().name() : "DENY", List.of(),
                        reasons, problem != null ? problem.name() : d.denialCode() == null ? null : d.denialCode().name(),
                        body.lawfulBasis(), body.justification(), approver.subject()));
                if (problem != null) {
                    throw ApiException.forbidden(problem.name(), "The approver of an override of a refusal must be a "
                            + "supervisor of the requester's agency who is not the requester (" + problem.name() + ").");
                }
                if (!d.isPermit()) {
                    throw PolicyService.denied(d);
                }
                last = d;
            }
            return last;
        }));
    }

    /** The engine's own order of approver checks, applied even if consent was granted meanwhile. */
    static DenialCode approverProblem(Actor requester, Approver approver) {
        if (approver.requester() || approver.subject().equals(requester.subject())) {
            return DenialCode.OVERRIDE_SELF_APPROVAL;
        }
        if (!approver.agencyId().equals(requester.agencyId())) {
            return DenialCode.OVERRIDE_APPROVER_OTHER_AGENCY;
        }
        if (!approver.roles().contains("supervisor")) {
            return DenialCode.OVERRIDE_APPROVER_NOT_SUPERVISOR;
        }
        return null;
    }

    private Decision decideOne(Actor actor, PurposeOfUse purpose, Set<String> held, String category,
            ChildConsents consents, OverrideRequest body, Approver approver) {
        ChildConsents withThis = new ChildConsents(consents.consents(), List.of(new ChildConsents.ActiveOverride(
                UUID.randomUUID(), List.of(category), body.justification(), body.lawfulBasis(), approver)));
        // An override is about the child's record as a whole, whoever holds each part of it.
        return policy.decide(actor, "read", purpose, held, List.of(category), withThis,
                b -> b.counterparty(Target.GATEWAY)).decision();
    }

    /**
     * The kinds an agency's standing gives it over the child's record as a whole: on the row itself, as
     * for every write (an override asked or approved through a merge would outlive the unmerge).
     */
    private Uni<Set<String>> wholeChildKinds(SqlClient tx, String agency, String subject, UUID childId) {
        return relationships.directStanding(tx, agency, subject, childId).map(s -> s.kindsFor(RecordRef.wholeChild()));
    }

    /** True when the category needs approval; an exception when the override cannot or need not release it. */
    private static boolean classify(String category, ConsentState state, Decision d, int index) {
        String field = "/categories/" + index;
        if (d.isPermit()) {
            if (!d.has(Obligation.Type.FLAG_DPO_REVIEW)) {
                throw new ApiException(422, "OVERRIDE_NOT_NEEDED", "The protocols already let your agency see " + category
                        + " for this purpose (consent " + state.code() + "); no override is needed.",
                        List.of(new FieldError(field, "OVERRIDE_NOT_NEEDED", category + " is released without an override.")));
            }
            return false;
        }
        DenialCode code = d.denialCode();
        if (code == DenialCode.OVERRIDE_APPROVAL_REQUIRED) {
            return true;
        }
        if (code == DenialCode.OVERRIDE_JUSTIFICATION_REQUIRED) {
            throw ApiException.badRequest("/justification", code.name(), "The justification is too short.");
        }
        if (code == DenialCode.OVERRIDE_LAWFUL_BASIS_INVALID) {
            throw ApiException.badRequest("/lawfulBasis", code.name(), "This lawful basis cannot cover " + category + ".");
        }
        // CONSENT_REQUIRED (no override can replace consent), or no rule lets this agency see it at all.
        throw new ApiException(403, code == null ? "EXPLICIT_DENY" : code.name(), "An override cannot release " + category
                + ": refused by " + d.rule() + " (" + (code == null ? "EXPLICIT_DENY" : code.name()) + ").",
                List.of(new FieldError(field, code == null ? "EXPLICIT_DENY" : code.name(), "not releasable by override")));
    }

    private void validate(OverrideRequest body) {
        Vocabulary vocab = policy.engine().vocabulary();
        List<FieldError> errors = new ArrayList<>();
        if (body == null) {
            throw ApiException.badRequest("/", "OVERRIDE_REQUIRED", "Send categories, justification and lawfulBasis.");
        }
        if (body.categories() == null || body.categories().isEmpty()) {
            errors.add(new FieldError("/categories", "CATEGORY_REQUIRED", "Name the data categories to share without consent."));
        } else {
            for (int i = 0; i < body.categories().size(); i++) {
                if (!vocab.categories().containsKey(body.categories().get(i))) {
                    errors.add(new FieldError("/categories/" + i, "UNKNOWN_CATEGORY", "Not a known data category; one of "
                            + vocab.categories().keySet().stream().sorted().toList() + "."));
                }
            }
        }
        int min = config.minJustificationLength();
        if (body.justification() == null || body.justification().strip().length() < min) {
            errors.add(new FieldError("/justification", DenialCode.OVERRIDE_JUSTIFICATION_REQUIRED.name(),
                    "A written justification of at least " + min + " characters is required: why seeking or respecting "
                            + "consent would put the child at risk."));
        } else if (body.justification().length() > config.maxTextLength()) {
            errors.add(new FieldError("/justification", "TEXT_TOO_LONG", "At most " + config.maxTextLength() + " characters."));
        }
        Vocabulary.LawfulBasis basis = body.lawfulBasis() == null ? null : vocab.lawfulBases().get(body.lawfulBasis());
        if (basis == null || basis.consent()) {
            errors.add(new FieldError("/lawfulBasis", DenialCode.OVERRIDE_LAWFUL_BASIS_INVALID.name(),
                    "A lawful basis other than consent is required; one of " + vocab.lawfulBases().entrySet().stream()
                            .filter(e -> !e.getValue().consent()).map(Map.Entry::getKey).sorted().toList() + "."));
        }
        if (!errors.isEmpty()) {
            throw new ApiException(400, "OVERRIDE_INVALID", "The override request is invalid; see errors.", errors);
        }
    }

    /** Only the requester's agency sees an override through this door (the DPO has the review list). */
    public Uni<OverrideView> read(UUID id) {
        Actor actor = context.requireActor();
        context.describe("consent.override-read", RESOURCE_TYPE, id.toString(), null);
        return load(pool, id).map(o -> {
            context.describe("consent.override-read", RESOURCE_TYPE, id.toString(), o.childId());
            if (!o.requestedByAgency().equals(actor.agencyId())) {
                throw ApiException.notFound();
            }
            context.decided(new RequestContext.AuditedDecision("PERMIT", List.of(), List.of("consent-override:" + id
                    + " read by the requester's agency"), null, null, null, null));
            return o;
        });
    }

    Uni<OverrideView> load(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT * FROM consent_override WHERE id = $1").execute(Tuple.of(id)).map(rows -> {
            if (!rows.iterator().hasNext()) {
                throw ApiException.notFound();
            }
            return view(rows.iterator().next());
        });
    }

    static OverrideView view(Row r) {
        Map<String, String> states = new LinkedHashMap<>();
        r.getJsonObject("consent_states").forEach(e -> states.put(e.getKey(), (String) e.getValue()));
        return new OverrideView(r.getUUID("id"), r.getUUID("child_id"), r.getString("purpose"),
                ConsentStore.list(r.getJsonArray("categories")), states, r.getString("justification"),
                r.getString("lawful_basis"), r.getString("status"),
                states.values().stream().anyMatch(s -> ConsentState.fromCode(s).isExplicitNo()),
                r.getString("requester_subject"), r.getString("requester_agency"),
                ConsentStore.instant(r.getOffsetDateTime("requested_at")), r.getString("approver_subject"),
                r.getString("approver_agency"), ConsentStore.instant(r.getOffsetDateTime("approved_at")),
                ConsentStore.instant(r.getOffsetDateTime("expires_at")),
                ConsentStore.instant(r.getOffsetDateTime("dpo_reviewed_at")), r.getString("dpo_reviewed_by"),
                r.getString("dpo_note"));
    }
}
