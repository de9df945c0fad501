package uk.safeguarding.gateway.referral;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.alert.AlertRequest;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.alert.Outbox;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.child.ChildIndex;
import uk.safeguarding.gateway.child.Standings;
import uk.safeguarding.gateway.identity.IdentityIntake;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem.FieldError;
import uk.safeguarding.gateway.referral.ReferralRepository.Stored;
import uk.safeguarding.gateway.referral.ReferralService.AlsoStore;
import uk.safeguarding.gateway.referral.ReferralService.Created;
import uk.safeguarding.gateway.referral.ReferralService.Route;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.protocol.engine.CaseContext;
import uk.safeguarding.protocol.engine.Decision;
import uk.safeguarding.protocol.engine.DutyNotice;

/**
 * Referral intake: the sender's right to refer, the recipients the protocol's duties name, and one
 * transaction storing the referral, its recipients, the relationships (through {@link Standings}), the
 * alerts and the audit record. Idempotent by the sender's key.
 */
@ApplicationScoped
public class ReferralRouting {

    private static final Logger LOG = Logger.getLogger(ReferralRouting.class);

    private final Pool pool;
    private final PolicyService policy;
    private final ChildIndex children;
    private final Standings standings;
    private final AuditTrail audit;
    private final Outbox outbox;
    private final RequestContext context;
    private final PartnershipDirectory directory;
    private final LanguageCheck language;
    private final ReferralConfig config;
    private final ObjectMapper mapper;
    private final ReferralAlerts alerts;
    private final GatewayClock clock;
    private final ReferralConsent consent;
    private final ReferralAttachments attachments;
    private final ReferralRepository repository;
    private final IdentityIntake identity;

    ReferralRouting(Pool pool, PolicyService policy, ChildIndex children, Standings standings, AuditTrail audit,
            Outbox outbox, RequestContext context, PartnershipDirectory directory, LanguageCheck language,
            ReferralConfig config, ObjectMapper mapper, ReferralAlerts alerts, GatewayClock clock,
            ReferralConsent consent, ReferralAttachments attachments, ReferralRepository repository,
            IdentityIntake identity) {
        this.identity = identity;
        this.pool = pool;
        this.policy = policy;
        this.children = children;
        this.standings = standings;
        this.audit = audit;
        this.outbox = outbox;
        this.context = context;
        this.directory = directory;
        this.language = language;
        this.config = config;
        this.mapper = mapper;
        this.alerts = alerts;
        this.clock = clock;
        this.consent = consent;
        this.attachments = attachments;
        this.repository = repository;
    }

    /** See {@link ReferralService#create(Referral, List, String, String, AlsoStore)}. */
    Uni<Created> create(Referral referral, List<Attachment> supporting, String idempotencyKey, String sourceFormat,
            AlsoStore alsoStore) {
        Actor actor = context.requireActor();
        PurposeOfUse purpose = context.purpose().orElseThrow(() -> new IllegalStateException("no purpose"));
        context.describe("referral.create", ReferralService.RESOURCE_TYPE, null, null);
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw ApiException.badRequest("Idempotency-Key", "IDEMPOTENCY_KEY_INVALID", "Use 1 to 200 characters.");
        }
        PartnershipDirectory.Mash mash = checked(referral, supporting, actor, purpose);
        List<String> present = ReferralAttachments.present(referral, supporting);
        List<LanguageCheck.Flag> flags = language.check(referral.freeText());
        Instant now = clock.instant();
        List<Route> routes = plan(referral, mash, actor.agencyId(), present, now);
        String hash = hash(referral, supporting);
        UUID id = UUID.randomUUID();
        // The receipt is read inside the transaction: read after the commit, a database that failed in
        // between turned a stored referral into a 503, and the client was told to retry what had been
        // kept (found by reliability/run pg-outage). Once committed, nothing here touches the database.
        return pool.withTransaction(tx -> repository.findByKey(tx, actor.agencyId(), idempotencyKey).chain(found -> {
                    if (found.isPresent()) {
                        return receipt(tx, replay(found.get(), hash).id()).map(r -> new Created(r, true));
                    }
                    return store(tx, id, referral, supporting, idempotencyKey, hash, sourceFormat, flags, routes, actor, alsoStore)
                            .map(r -> new Created(r, false));
                }))
                .onFailure(ReferralRouting::isIdempotencyRace)
                .recoverWithUni(() -> repository.findByKey(pool, actor.agencyId(), idempotencyKey)
                        .chain(found -> receipt(pool, replay(found.orElseThrow(), hash).id()).map(r -> new Created(r, true))))
                .invoke(created -> {
                    if (!created.replay()) {
                        context.markAudited();
                    }
                });
    }

    /** See {@link ReferralService#check}. */
    List<FieldError> check(Referral referral, List<Attachment> supporting) {
        Actor actor = context.requireActor();
        PurposeOfUse purpose = context.purpose().orElseThrow(() -> new IllegalStateException("no purpose"));
        context.describe("referral.validate", ReferralService.RESOURCE_TYPE, null, null);
        checked(referral, supporting, actor, purpose);
        return ReferralService.warnings(ReferralService.flagsJson(language.check(referral.freeText())), null);
    }

    private PartnershipDirectory.Mash checked(Referral referral, List<Attachment> supporting, Actor actor,
            PurposeOfUse purpose) {
        ReferralValidator.validate(referral, actor.agencyId(), config.maxTextLength());
        PartnershipDirectory.Mash mash = directory.forCouncil(referral.homeCouncil()).orElseThrow(() ->
                ApiException.badRequest("/homeCouncil", "UNKNOWN_HOME_COUNCIL",
                        "No MASH partnership is known for this home council, so the referral cannot be routed."));
        Decision refer = policy.decide(policy.request(actor, "refer", purpose)
                .categories(ReferralAttachments.present(referral, supporting))
                .counterparty(referral.homeCouncil()).build());
        context.decided(PolicyService.audited(refer, null, null));
        if (!refer.isPermit()) {
            throw PolicyService.denied(refer);
        }
        if (!refer.withheld().isEmpty()) {
            List<FieldError> errors = new ArrayList<>();
            refer.withheld().forEach((category, code) -> errors.add(new FieldError(fieldOf(category), code.name(),
                    "The protocol does not let your agency refer " + category + " data for this purpose.")));
            throw new ApiException(403, "CATEGORY_NOT_REFERABLE", "Refused by the protocol for "
                    + refer.withheld().keySet() + "; remove that content or refer under another purpose.", errors);
        }
        return mash;
    }

    private static Stored replay(Stored found, String hash) {
        if (!found.hash().equals(hash)) {
            throw new ApiException(409, "IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used with a different "
                    + "referral; send a new key for a new referral.",
                    List.of(new FieldError("Idempotency-Key", "IDEMPOTENCY_KEY_REUSED", "different body for the same key")));
        }
        return found;
    }

    private static boolean isIdempotencyRace(Throwable e) {
        return e instanceof PgException pg && "23505".equals(pg.getSqlState())
                && pg.getConstraint() != null && pg.getConstraint().equals("referral_idempotency");
    }

    /** Recipients from the protocol's referral-received duties; what each may read is decided with the child's consent (ReferralConsent). */
    List<Route> plan(Referral referral, PartnershipDirectory.Mash mash, String sender, List<String> present,
            Instant now) {
        CaseContext.Builder caseContext = CaseContext.builder().role("home-council", mash.council());
        if (mash.police() != null) {
            caseContext.role("home-police", mash.police());
        }
        if (mash.health() != null) {
            caseContext.role("home-health", mash.health());
        }
        Map<String, Route> routes = new LinkedHashMap<>();
        CaseContext built = caseContext.build();
        for (DutyNotice duty : policy.engine().duties(ReferralService.EVENT, built, now, sender)) {
            // Empty because the sender holds the role itself is fine; empty because nobody does is a finding.
            if (duty.unresolved() && !built.agencies().containsKey(duty.recipientRole())) {
                LOG.warnf("Duty %s names case role %s, which no agency holds for %s: nobody can be told",
                        duty.clause(), duty.recipientRole(), mash.council());
            }
            for (String agency : duty.agencies()) {
                String kind = "home-council".equals(duty.recipientRole()) ? ReferralService.KIND_RECIPIENT
                        : ReferralService.KIND_MASH_PARTNER;
                if (routes.containsKey(agency)) {
                    continue;
                }
                // The alert is a push to the agency's system: its own receive-alert decision, for the
                // relationship the agency will hold, decides what the alert may carry. Refused, the
                // duty still stands as an inbox entry (with its deadline), but nothing is pushed.
                Decision alert = alerts.receiveAlert(agency, Set.of(kind), present, sender, now);
                if (!alert.isPermit()) {
                    LOG.warnf("Duty %s names %s, but the protocol refuses it the referral alert (%s by %s)",
                            duty.clause(), agency, alert.denialCode(), alert.rule());
                }
                // No categories yet: what the recipient may read depends on the child's consent records,
                // so ReferralConsent.withConsent decides it once the child is known (deciding it here as
                // well cost three engine decisions per referral whose answers were always replaced).
                routes.put(agency, new Route(agency, duty.recipientRole(), kind, duty, null,
                        alert.isPermit() ? alert.permittedCategories() : null, mash.contactOf(agency)));
            }
        }
        return List.copyOf(routes.values());
    }

    /**
     * Writes the referral and returns its receipt. After the child is resolved, statements that do not wait
     * for one another's results are sent together ({@link #pipelined}): one round trip for the referral, the
     * relationships, the matching keys, the alerts, the recipients, the audit record and the receipt's reads.
     */
    private Uni<ReferralViews.Receipt> store(SqlClient tx, UUID id, Referral referral, List<Attachment> supporting,
            String key, String hash, String format, List<LanguageCheck.Flag> flags, List<Route> planned, Actor actor,
            AlsoStore alsoStore) {
        Referral.Child child = referral.child();
        String system = child.nhsNumber() != null ? ChildIndex.NHS_NUMBER : child.localIdentifier().system();
        String value = child.nhsNumber() != null ? child.nhsNumber() : child.localIdentifier().value();
        List<String> present = ReferralAttachments.present(referral, supporting);
        return children.resolve(tx, system, value).chain(resolved -> routesFor(tx, resolved, planned, present,
                actor.agencyId()).chain(routes -> {
            UUID childId = resolved.id();
            context.describe("referral.create", ReferralService.RESOURCE_TYPE, id.toString(), childId);
            List<Outbox.Queued> queued = new ArrayList<>();
            List<UUID> alertIds = new ArrayList<>();
            for (Route route : routes) {
                Outbox.Queued q = route.alertCategories() == null ? null
                        : Outbox.Queued.of(alertFor(id, childId, referral, route, actor.agencyId()));
                if (q != null) {
                    queued.add(q);
                }
                alertIds.add(q == null ? null : q.id());
            }
            List<Uni<?>> first = new ArrayList<>(List.of(
                    repository.insert(tx, id, childId, actor, referral, toJson(referral.withoutMatchingData()),
                            ReferralService.flagsJson(flags), format, key, hash),
                    // The referrer follows its own referral; the MASH and its partners are chosen by the
                    // protocol's duties, never by the referrer (Standings records both with their clauses).
                    standings.establishRows(tx, new Standings.Establish(childId, resolved.created(),
                            ReferralService.EVENT, ReferralService.SOURCE_TYPE, id, List.of(ReferralService.KIND_REFERRER),
                            referral.requesterContact(), List.of(), routes.stream()
                                    .map(r -> new Standings.Named(r.agency(), r.relationship(), r.contact())).toList())),
                    // Matching keys, and proposals for a new child that looks like a known one (never a merge).
                    identity.received(tx, childId, resolved.created(), child, actor.agencyId())));
            // The audit entry is taken when its statement is sent: after alsoStore, which may add to the context.
            List<Uni<?>> rest = List.of(outbox.enqueueAll(tx, queued),
                    repository.insertRecipients(tx, id, routes, alertIds),
                    attachments.store(tx, id, supporting),
                    Uni.createFrom().deferred(() -> audit.record(tx, audit.entryFor(context, "referral.create", 201))),
                    repository.receiptRow(tx, id), repository.recipients(tx, id));
            if (alsoStore == null) {
                first.addAll(rest);
                return pipelined(first).map(results -> receiptOf(id, results));
            }
            // The Bundle's Consent is stored once the child is known and the referrer's relationship recorded.
            return pipelined(first).chain(() -> alsoStore.store(tx, childId, id))
                    .chain(() -> pipelined(rest)).map(results -> receiptOf(id, results));
        }));
    }

    /**
     * The routes with what each recipient may read under the child's consent records. A child this request
     * created has none (its id was made here, in this transaction), so they are decided without a read.
     */
    private Uni<List<Route>> routesFor(SqlClient tx, ChildIndex.Resolved child, List<Route> planned, List<String> present,
            String sender) {
        return child.created() ? Uni.createFrom().item(() -> consent.forNewChild(planned, present, sender))
                : consent.withConsent(tx, child.id(), planned, present, sender);
    }

    /**
     * Subscribes to each in order without waiting: the transaction's connection pipelines the statements,
     * the server runs them in that order. The first failure fails the whole (and the transaction with it).
     */
    private static Uni<List<?>> pipelined(List<Uni<?>> statements) {
        return Uni.combine().all().unis(statements).with(results -> results);
    }

    /** The receipt from the last two results of the pipeline: the referral's row and its recipients. */
    @SuppressWarnings("unchecked")
    private static ReferralViews.Receipt receiptOf(UUID id, List<?> results) {
        io.vertx.mutiny.sqlclient.Row row = (io.vertx.mutiny.sqlclient.Row) results.get(results.size() - 2);
        return new ReferralViews.Receipt(id, row.getUUID("child_id"), row.getOffsetDateTime("created_at"),
                (List<ReferralViews.Recipient>) results.get(results.size() - 1),
                ReferralService.warnings(row.getJsonArray("language_flags"), null));
    }

    /** The alert: the minimum the recipient may see (risk only if released to it) and the link to read more. */
    private static AlertRequest alertFor(UUID id, UUID childId, Referral referral, Route route, String sender) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("referralId", id.toString());
        payload.put("link", "/api/v1/referrals/" + id);
        payload.put("from", sender);
        payload.put("ackDueAt", route.duty().deadline().toString());
        if (route.alertCategories().contains(Referral.RISK)) {
            payload.put("riskLevel", referral.riskLevel());
            payload.put("concernCategories", referral.concernCategories());
        }
        // The escalation target is an agency (the outbox routes by agency); the role it is addressed
        // to (supervisor) travels in the escalation alert itself.
        String escalation = route.duty().escalation() == null || route.duty().escalation().agencies().isEmpty() ? null
                : route.duty().escalation().agencies().get(0);
        return new AlertRequest(route.agency(), ReferralService.EVENT, childId, ReferralService.RESOURCE_TYPE,
                id.toString(), payload, route.alertCategories(), route.duty().clause(), route.duty().deadline(), escalation);
    }

    private Uni<ReferralViews.Receipt> receipt(SqlClient client, UUID id) {
        return repository.receiptRow(client, id)
                .chain(row -> repository.recipients(client, id).map(recipients -> new ReferralViews.Receipt(id,
                        row.getUUID("child_id"), row.getOffsetDateTime("created_at"), recipients,
                        ReferralService.warnings(row.getJsonArray("language_flags"), null))));
    }

    private static String fieldOf(String category) {
        return switch (category) {
            case Referral.IDENTITY -> "/child";
            case Referral.POLICE_INTELLIGENCE -> "/policeIntelligence";
            case Referral.RISK -> "/summary";
            default -> "/" + category;
        };
    }

    private JsonObject toJson(Referral referral) {
        try {
            return new JsonObject(mapper.writeValueAsString(referral));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** With supporting records, they are part of the body an Idempotency-Key is bound to. */
    String hash(Referral referral, List<Attachment> supporting) {
        try {
            String canonical = mapper.writeValueAsString(referral)
                    + (supporting.isEmpty() ? "" : mapper.writeValueAsString(supporting));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
