package uk.safeguarding.gateway.referral;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.alert.AlertRequest;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.alert.Outbox;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.child.ChildIndex;
import uk.safeguarding.gateway.child.Relationships;
import uk.safeguarding.gateway.child.Standings;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.consent.ChildConsents;
import uk.safeguarding.gateway.identity.IdentityIntake;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem.FieldError;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.protocol.engine.CaseContext;
import uk.safeguarding.protocol.engine.Decision;
import uk.safeguarding.protocol.engine.DutyNotice;

/**
 * Referral intake, routing, the recipients' inbox and need-to-know reads. Every decision comes from
 * {@link PolicyService}; every change is one reactive transaction with its audit record and alerts.
 */
@ApplicationScoped
public class ReferralService {

    private static final Logger LOG = Logger.getLogger(ReferralService.class);

    public static final String EVENT = "referral-received";
    public static final String RESOURCE_TYPE = "Referral";
    static final String SOURCE_TYPE = "referral";
    static final String KIND_REFERRER = "referrer";
    static final String KIND_RECIPIENT = "referral-recipient";
    static final String KIND_MASH_PARTNER = "mash-partner";

    /** More to store in the referral's transaction once the child is known (a FHIR transaction's Consent entry). */
    @FunctionalInterface
    public interface AlsoStore {
        Uni<Void> store(SqlClient tx, UUID childId, UUID referralId);
    }

    /** The result of a create: the receipt, and whether it repeats an earlier request with the same key. */
    public record Created(ReferralViews.Receipt receipt, boolean replay) {
    }

    /** One planned recipient: the duty that names it, the relationship it gets and what it may see. */
    record Route(String agency, String caseRole, String relationship, DutyNotice duty, List<String> categories,
            List<String> alertCategories, String contact) {
    }

    private record Stored(UUID id, String hash) {
    }

    private final Pool pool;
    private final PolicyService policy;
    private final ChildIndex children;
    private final Relationships relationships;
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
    private final IdentityIntake identity;

    ReferralService(Pool pool, PolicyService policy, ChildIndex children, Relationships relationships,
            AuditTrail audit, Outbox outbox, RequestContext context, PartnershipDirectory directory,
            ReferralConfig config, ObjectMapper mapper, ReferralAlerts alerts, GatewayClock clock, Standings standings,
            LanguageCheck language, IdentityIntake identity) {
        this.identity = identity;
        this.standings = standings;
        this.alerts = alerts;
        this.clock = clock;
        this.pool = pool;
        this.policy = policy;
        this.children = children;
        this.relationships = relationships;
        this.audit = audit;
        this.outbox = outbox;
        this.context = context;
        this.directory = directory;
        this.config = config;
        this.language = language;
        this.mapper = mapper;
    }

    // ---------------------------------------------------------------------------------------- create

    /**
     * Checks, decides, routes and stores a referral. Nothing is written unless every step succeeds:
     * referral, recipients, relationships, alerts and the audit record share one transaction.
     */
    public Uni<Created> create(Referral referral, String idempotencyKey, String sourceFormat) {
        return create(referral, List.of(), idempotencyKey, sourceFormat, null);
    }

    /**
     * As {@link #create(Referral, String, String)}, with supporting records: their categories count as
     * content of the referral (the sender must be allowed to refer them; each reader sees only those
     * of its released categories), and they are stored in the same transaction.
     */
    public Uni<Created> create(Referral referral, List<Attachment> attachments, String idempotencyKey,
            String sourceFormat) {
        return create(referral, attachments, idempotencyKey, sourceFormat, null);
    }

    /**
     * As {@link #create(Referral, List, String, String)}, with {@code alsoStore} run in the same transaction
     * once the child is known and the referrer's relationship recorded (a FHIR transaction's Consent entry).
     */
    public Uni<Created> create(Referral referral, List<Attachment> attachments, String idempotencyKey,
            String sourceFormat, AlsoStore alsoStore) {
        Actor actor = context.requireActor();
        PurposeOfUse purpose = context.purpose().orElseThrow(() -> new IllegalStateException("no purpose"));
        context.describe("referral.create", RESOURCE_TYPE, null, null);
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw ApiException.badRequest("Idempotency-Key", "IDEMPOTENCY_KEY_INVALID", "Use 1 to 200 characters.");
        }
        PartnershipDirectory.Mash mash = checked(referral, attachments, actor, purpose);
        List<String> present = present(referral, attachments);
        List<LanguageCheck.Flag> flags = language.check(referral.freeText());
        Instant now = clock.instant();
        List<Route> routes = plan(referral, mash, actor.agencyId(), present, now);
        String hash = hash(referral, attachments);
        UUID id = UUID.randomUUID();
        // The receipt is read inside the transaction: read after the commit, a database that failed in
        // between turned a stored referral into a 503, and the client was told to retry what had been
        // kept (found by reliability/run pg-outage). Once committed, nothing here touches the database.
        return pool.withTransaction(tx -> findByKey(tx, actor.agencyId(), idempotencyKey).chain(found -> {
                    if (found.isPresent()) {
                        return Uni.createFrom().item(replay(found.get(), hash));
                    }
                    return store(tx, id, referral, attachments, idempotencyKey, hash, sourceFormat, flags, routes, actor, alsoStore)
                            .chain(() -> storeAttachments(tx, id, attachments))
                            .replaceWith(new Stored(id, null));
                }).chain(stored -> receipt(tx, stored.id()).map(r -> new Created(r, stored.hash() != null))))
                .onFailure(ReferralService::isIdempotencyRace)
                .recoverWithUni(() -> findByKey(pool, actor.agencyId(), idempotencyKey)
                        .chain(found -> receipt(pool, replay(found.orElseThrow(), hash).id()).map(r -> new Created(r, true))))
                .invoke(created -> {
                    if (!created.replay()) {
                        context.markAudited();
                    }
                });
    }

    /**
     * Every check of {@link #create} that needs no database (content, routing directory, the sender's
     * right to refer), and the language warnings, without storing anything: FHIR's $validate.
     */
    public List<FieldError> check(Referral referral, List<Attachment> attachments) {
        Actor actor = context.requireActor();
        PurposeOfUse purpose = context.purpose().orElseThrow(() -> new IllegalStateException("no purpose"));
        context.describe("referral.validate", RESOURCE_TYPE, null, null);
        checked(referral, attachments, actor, purpose);
        return warnings(flagsJson(language.check(referral.freeText())), null);
    }

    private PartnershipDirectory.Mash checked(Referral referral, List<Attachment> attachments, Actor actor,
            PurposeOfUse purpose) {
        ReferralValidator.validate(referral, actor.agencyId(), config.maxTextLength());
        PartnershipDirectory.Mash mash = directory.forCouncil(referral.homeCouncil()).orElseThrow(() ->
                ApiException.badRequest("/homeCouncil", "UNKNOWN_HOME_COUNCIL",
                        "No MASH partnership is known for this home council, so the referral cannot be routed."));
        Decision refer = policy.decide(policy.request(actor, "refer", purpose).categories(present(referral, attachments))
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

    /** Recipients from the protocol's referral-received duties, each with what the engine lets it see. */
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
        for (DutyNotice duty : policy.engine().duties(EVENT, built, now, sender)) {
            // Empty because the sender holds the role itself is fine; empty because nobody does is a finding.
            if (duty.unresolved() && !built.agencies().containsKey(duty.recipientRole())) {
                LOG.warnf("Duty %s names case role %s, which no agency holds for %s: nobody can be told",
                        duty.clause(), duty.recipientRole(), mash.council());
            }
            for (String agency : duty.agencies()) {
                String kind = "home-council".equals(duty.recipientRole()) ? KIND_RECIPIENT : KIND_MASH_PARTNER;
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
                routes.put(agency, new Route(agency, duty.recipientRole(), kind, duty,
                        permittedFor(agency, kind, present, sender, ChildConsents.NONE),
                        alert.isPermit() ? alert.permittedCategories() : null, mash.contactOf(agency)));
            }
        }
        return List.copyOf(routes.values());
    }

    /**
     * What a practitioner of the recipient agency may read, by the engine, for the relationship it will
     * hold, with the consent the child's records give a recipient of that agency type for safeguarding.
     */
    private List<String> permittedFor(String agency, String kind, List<String> present, String sender,
            ChildConsents consents) {
        Actor reader = new Actor("routing", null, Actor.Kind.USER, agency, Set.of("practitioner"));
        Decision decision = policy.decide(reader, "read", PurposeOfUse.SAFEGUARDING, Set.of(kind), present, consents,
                b -> b.counterparty(sender)).decision();
        return decision.isPermit() ? decision.permittedCategories() : List.of();
    }

    /** The routes again, now that the child (and so its consent records) is known. */
    private Uni<List<Route>> withConsent(SqlClient tx, UUID childId, List<Route> routes, List<String> present,
            String sender) {
        return policy.consents(tx, childId, null, PurposeOfUse.SAFEGUARDING).map(consents -> routes.stream()
                .map(r -> new Route(r.agency(), r.caseRole(), r.relationship(), r.duty(),
                        permittedFor(r.agency(), r.relationship(), present, sender, consents), r.alertCategories(), r.contact()))
                .toList());
    }

    private Uni<Void> store(SqlClient tx, UUID id, Referral referral, List<Attachment> attachments, String key,
            String hash, String format,
            List<LanguageCheck.Flag> flags, List<Route> planned, Actor actor,
            AlsoStore alsoStore) {
        Referral.Child child = referral.child();
        String system = child.nhsNumber() != null ? ChildIndex.NHS_NUMBER : child.localIdentifier().system();
        String value = child.nhsNumber() != null ? child.nhsNumber() : child.localIdentifier().value();
        return children.resolve(tx, system, value).chain(resolved -> withConsent(tx, resolved.id(), planned,
                present(referral, attachments), actor.agencyId()).chain(routes -> {
            UUID childId = resolved.id();
            context.describe("referral.create", RESOURCE_TYPE, id.toString(), childId);
            Uni<Void> steps = tx.preparedQuery("""
                            INSERT INTO referral (id, child_id, requester_agency, requester_subject, home_council,
                                risk_level, body, language_flags, source_format, idempotency_key, body_hash)
                            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                            """)
                    .execute(Tuple.from(new Object[] {id, childId, actor.agencyId(), actor.subject(),
                            referral.homeCouncil(), referral.riskLevel(), toJson(referral.withoutMatchingData()), flagsJson(flags), format,
                            key, hash}))
                    .replaceWithVoid()
                    // The referrer follows its own referral; the MASH and its partners are chosen by the
                    // protocol's duties, never by the referrer (Standings records both with their clauses).
                    .chain(() -> standings.establish(tx, new Standings.Establish(childId, resolved.created(), EVENT,
                            SOURCE_TYPE, id, List.of(KIND_REFERRER), referral.requesterContact(), List.of(), routes.stream()
                                    .map(r -> new Standings.Named(r.agency(), r.relationship(), r.contact())).toList())))
                    // Matching keys, and proposals for a new child that looks like a known one (never a merge).
                    .chain(() -> identity.received(tx, childId, resolved.created(), child, actor.agencyId()))
                    .chain(() -> alsoStore == null ? Uni.createFrom().voidItem() : alsoStore.store(tx, childId, id));
            for (Route route : routes) {
                Uni<UUID> alert = route.alertCategories() == null ? Uni.createFrom().nullItem()
                        : outbox.enqueue(tx, alertFor(id, childId, referral, route, actor.agencyId()));
                steps = steps.chain(() -> alert)
                        .chain(alertId -> tx.preparedQuery("""
                                        INSERT INTO referral_recipient (referral_id, agency_id, case_role, relationship,
                                            duty_ref, categories, ack_due_at, alert_id)
                                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                                        """)
                                .execute(Tuple.from(new Object[] {id, route.agency(), route.caseRole(),
                                        route.relationship(), route.duty().clause(), new JsonArray(route.categories()),
                                        route.duty().deadline().atOffset(ZoneOffset.UTC), alertId}))
                                .replaceWithVoid());
            }
            return steps.chain(() -> audit.record(tx, audit.entryFor(context, "referral.create", 201)));
        }));
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
        return new AlertRequest(route.agency(), EVENT, childId, RESOURCE_TYPE, id.toString(), payload,
                route.alertCategories(), route.duty().clause(), route.duty().deadline(), escalation);
    }

    private Uni<Optional<Stored>> findByKey(SqlClient client, String agency, String key) {
        if (key == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return client.preparedQuery("SELECT id, body_hash FROM referral WHERE requester_agency = $1 AND idempotency_key = $2")
                .execute(Tuple.of(agency, key))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return Optional.empty();
                    }
                    Row row = it.next();
                    return Optional.of(new Stored(row.getUUID("id"), row.getString("body_hash")));
                });
    }

    private Uni<ReferralViews.Receipt> receipt(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT child_id, created_at, language_flags FROM referral WHERE id = $1")
                .execute(Tuple.of(id))
                .chain(rows -> {
                    Row row = rows.iterator().next();
                    return recipients(client, id).map(recipients -> new ReferralViews.Receipt(id,
                            row.getUUID("child_id"), row.getOffsetDateTime("created_at"), recipients,
                            warnings(row.getJsonArray("language_flags"), null)));
                });
    }

    // ----------------------------------------------------------------------------------------- reads

    /** A referral redacted for the caller by a fresh decision; no relationship with the child is a 404. */
    public Uni<ReferralViews.Read> read(UUID id) {
        context.describe("referral.read", RESOURCE_TYPE, id.toString(), null);
        return load(pool, id).chain(row -> {
            UUID childId = row.getUUID("child_id");
            context.describe("referral.read", RESOURCE_TYPE, id.toString(), childId);
            Referral referral = fromJson(row.getJsonObject("body"));
            return attachments(pool, id).chain(attachments -> policy.authorise(pool, target(row), "read",
                            present(referral, attachments), b -> b)
                    .chain(decision -> recipients(pool, id)
                            .map(recipients -> view(row, referral, attachments, decision, recipients))));
        });
    }

    /** The caller agency's inbox, soonest deadline first. */
    public Uni<List<ReferralViews.InboxEntry>> inbox(String status) {
        Actor actor = context.requireActor();
        context.describe("referral.inbox", RESOURCE_TYPE, null, null);
        return pool.preparedQuery("""
                        SELECT r.id, r.child_id, r.requester_agency, r.created_at, r.risk_level,
                            r.body -> 'concernCategories' AS concerns, rr.status, rr.ack_due_at, rr.categories
                        FROM referral_recipient rr JOIN referral r ON r.id = rr.referral_id
                        WHERE rr.agency_id = $1 AND ($2::text IS NULL OR rr.status = $2)
                        ORDER BY rr.ack_due_at, r.created_at LIMIT 200
                        """)
                .execute(Tuple.of(actor.agencyId(), status))
                .map(rows -> {
                    List<ReferralViews.InboxEntry> entries = new ArrayList<>();
                    for (Row row : rows) {
                        List<String> categories = strings(row.getJsonArray("categories"));
                        boolean risk = categories.contains(Referral.RISK);
                        Object concerns = row.getValue("concerns");
                        entries.add(new ReferralViews.InboxEntry(row.getUUID("id"), row.getUUID("child_id"),
                                row.getString("requester_agency"), row.getOffsetDateTime("created_at"),
                                row.getString("status"), row.getOffsetDateTime("ack_due_at"), categories,
                                risk ? row.getString("risk_level") : null,
                                risk && concerns instanceof JsonArray a ? strings(a) : null,
                                "/api/v1/referrals/" + row.getUUID("id")));
                    }
                    return entries;
                });
    }

    /**
     * Referrals about the child with this identifier that the caller may read, newest first, each
     * redacted by its own decision. An unknown child and a child the caller has no relationship with
     * give the same empty result. {@code from} inclusive, {@code to} exclusive, either may be null.
     */
    public Uni<List<ReferralViews.Read>> search(String system, String value, Instant from, Instant to) {
        Actor actor = context.requireActor();
        PurposeOfUse purpose = context.purpose().orElseThrow(() -> new IllegalStateException("no purpose"));
        context.describe("referral.search", RESOURCE_TYPE, null, null);
        return children.find(pool, system, value).chain(child -> {
            if (child.isEmpty()) {
                return Uni.createFrom().item(List.<ReferralViews.Read>of());
            }
            UUID childId = child.get();
            context.describe("referral.search", RESOURCE_TYPE, null, childId);
            return relationships.standing(pool, actor.agencyId(), actor.subject(), childId).chain(standing -> {
                if (standing.isEmpty()) {
                    return Uni.createFrom().item(List.<ReferralViews.Read>of());
                }
                return policy.consents(pool, childId, actor, purpose).chain(consents -> pool.preparedQuery("""
                                SELECT id, child_id, requester_agency, created_at, body, language_flags FROM referral
                                WHERE child_id = $1 AND ($2::timestamptz IS NULL OR created_at >= $2)
                                    AND ($3::timestamptz IS NULL OR created_at < $3)
                                ORDER BY created_at DESC LIMIT 100
                                """)
                        .execute(Tuple.of(childId, utc(from), utc(to)))
                        .chain(rows -> {
                            Uni<List<ReferralViews.Read>> result = Uni.createFrom().item(new ArrayList<>());
                            for (Row row : rows) {
                                // Each referral is its own record: a referrer's relationship counts for its own
                                // referral only, an unconfirmed claim for referrals made after it.
                                Set<String> kinds = standing.kindsFor(target(row).record());
                                if (kinds.isEmpty()) {
                                    continue;
                                }
                                Referral referral = fromJson(row.getJsonObject("body"));
                                result = result.chain(list -> attachments(pool, row.getUUID("id")).chain(attachments -> {
                                    var consented = policy.decide(actor, "read", purpose, kinds, present(referral, attachments),
                                            consents, b -> b.counterparty(row.getString("requester_agency")));
                                    Decision decision = consented.decision();
                                    if (!decision.isPermit()) {
                                        return Uni.createFrom().item(list);
                                    }
                                    context.decided(consented.audited());
                                    policy.disclosed(row.getString("requester_agency"), actor);
                                    return recipients(pool, row.getUUID("id")).map(recipients -> {
                                        list.add(view(row, referral, attachments, decision, recipients));
                                        return list;
                                    });
                                }));
                            }
                            return result;
                        }));
            });
        });
    }

    private static ReferralViews.Read view(Row row, Referral referral, List<Attachment> attachments,
            Decision decision, List<ReferralViews.Recipient> recipients) {
        Set<String> permitted = new LinkedHashSet<>(decision.permittedCategories());
        List<String> redacted = present(referral, attachments).stream().filter(c -> !permitted.contains(c)).toList();
        return new ReferralViews.Read(row.getUUID("id"), row.getUUID("child_id"), row.getOffsetDateTime("created_at"),
                referral.redactedTo(permitted), List.copyOf(permitted), redacted,
                warnings(row.getJsonArray("language_flags"), permitted), recipients,
                attachments.stream().filter(a -> permitted.contains(a.category())).toList());
    }

    /** The categories a referral carries content for: its own fields' and its supporting records'. */
    static List<String> present(Referral referral, List<Attachment> attachments) {
        Set<String> present = new LinkedHashSet<>(referral.presentCategories());
        attachments.forEach(a -> present.add(a.category()));
        return List.copyOf(present);
    }

    private static Uni<Void> storeAttachments(SqlClient tx, UUID id, List<Attachment> attachments) {
        if (attachments.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>();
        for (int i = 0; i < attachments.size(); i++) {
            Attachment a = attachments.get(i);
            rows.add(Tuple.of(id, i, a.resourceType(), a.category(), new JsonObject(a.resource())));
        }
        return tx.preparedQuery("INSERT INTO referral_attachment (referral_id, position, resource_type, category, resource) "
                + "VALUES ($1, $2, $3, $4, $5)").executeBatch(rows).replaceWithVoid();
    }

    private static Uni<List<Attachment>> attachments(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT resource_type, category, resource FROM referral_attachment "
                        + "WHERE referral_id = $1 ORDER BY position")
                .execute(Tuple.of(id))
                .map(rows -> {
                    List<Attachment> result = new ArrayList<>();
                    for (Row row : rows) {
                        result.add(new Attachment(row.getString("resource_type"), row.getString("category"),
                                row.getJsonObject("resource").getMap()));
                    }
                    return result;
                });
    }

    // ------------------------------------------------------------------------------------ lifecycle

    /** A recipient's response. Only the recipient agency itself may respond; others get 404. */
    public Uni<ReferralViews.Recipient> respond(UUID id, String action, String reason) {
        Actor actor = context.requireActor();
        String auditAction = "referral." + action;
        context.describe(auditAction, RESOURCE_TYPE, id.toString(), null);
        if ("decline".equals(action) && (reason == null || reason.isBlank())) {
            throw ApiException.badRequest("/reason", "REASON_REQUIRED",
                    "A decline needs a reason: the referrer must be told why no action follows.");
        }
        Instant now = clock.instant();
        return pool.withTransaction(tx -> load(tx, id).chain(row -> {
                    UUID childId = row.getUUID("child_id");
                    context.describe(auditAction, RESOURCE_TYPE, id.toString(), childId);
                    // The protocol's acknowledge/accept/decline action, with the caller's live relationships.
                    return policy.authorise(tx, target(row), action, List.of(Referral.IDENTITY), b -> b)
                            .chain(decision -> tx.preparedQuery(
                                            "SELECT status FROM referral_recipient WHERE referral_id = $1 AND agency_id = $2 FOR UPDATE")
                                    .execute(Tuple.of(id, actor.agencyId())))
                            .chain(rows -> {
                                if (!rows.iterator().hasNext()) {
                                    throw ApiException.notFound();
                                }
                                String current = rows.iterator().next().getString("status");
                                String decided = switch (action) {
                                    case "accept" -> "ACCEPTED";
                                    case "decline" -> "DECLINED";
                                    default -> null;
                                };
                                Uni<List<UUID>> feedback = decided == null ? Uni.createFrom().item(List.of())
                                        : alerts.outcome(tx, id, childId, row.getString("requester_agency"),
                                                row.getString("home_council"), actor.agencyId(), decided, reason, now);
                                return tx.preparedQuery(transition(action, current))
                                        .execute(Tuple.of(id, actor.agencyId(), reason))
                                        .chain(() -> ReferralAlerts.acknowledgeAlert(tx, id, actor.agencyId(), now))
                                        .chain(() -> feedback)
                                        .chain(() -> audit.record(tx, audit.entryFor(context, auditAction, 200)))
                                        .chain(() -> recipients(tx, id));
                            });
                }))
                .invoke(() -> context.markAudited())
                .map(recipients -> recipients.stream().filter(r -> r.agency().equals(actor.agencyId())).findFirst()
                        .orElseThrow());
    }

    private static String transition(String action, String current) {
        boolean decided = current.equals("ACCEPTED") || current.equals("DECLINED");
        switch (action) {
            case "acknowledge":
                if (!current.equals("PENDING")) {
                    throw new ApiException(409, "ALREADY_ACKNOWLEDGED", "This referral was already acknowledged ("
                            + current + ").", List.of());
                }
                return "UPDATE referral_recipient SET status = 'ACKNOWLEDGED', acknowledged_at = now(), "
                        + "response_reason = $3::text WHERE referral_id = $1 AND agency_id = $2";
            case "accept":
            case "decline":
                if (decided) {
                    throw new ApiException(409, "ALREADY_DECIDED", "This referral was already " + current.toLowerCase()
                            + ".", List.of());
                }
                String status = action.equals("accept") ? "ACCEPTED" : "DECLINED";
                return "UPDATE referral_recipient SET status = '" + status + "', decided_at = now(), "
                        + "acknowledged_at = coalesce(acknowledged_at, now()), response_reason = $3::text "
                        + "WHERE referral_id = $1 AND agency_id = $2";
            default:
                throw new IllegalArgumentException(action);
        }
    }

    // -------------------------------------------------------------------------------------- helpers

    /** A stored referral as the record a decision is about: its child, its author, its age and id. */
    static Target target(Row row) {
        return Target.record(row.getUUID("child_id"), row.getString("requester_agency"),
                row.getOffsetDateTime("created_at").toInstant(), SOURCE_TYPE, row.getUUID("id"));
    }

    private Uni<Row> load(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT id, child_id, requester_agency, home_council, created_at, body, language_flags FROM referral WHERE id = $1")
                .execute(Tuple.of(id))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        throw ApiException.notFound();
                    }
                    return it.next();
                });
    }

    private static Uni<List<ReferralViews.Recipient>> recipients(SqlClient client, UUID id) {
        return client.preparedQuery("""
                        SELECT agency_id, case_role, relationship, duty_ref, categories, status, ack_due_at,
                            acknowledged_at, decided_at, response_reason
                        FROM referral_recipient WHERE referral_id = $1 ORDER BY ack_due_at, agency_id
                        """)
                .execute(Tuple.of(id))
                .map(rows -> {
                    List<ReferralViews.Recipient> result = new ArrayList<>();
                    for (Row row : rows) {
                        result.add(new ReferralViews.Recipient(row.getString("agency_id"), row.getString("case_role"),
                                row.getString("relationship"), row.getString("duty_ref"),
                                strings(row.getJsonArray("categories")), row.getString("status"),
                                row.getOffsetDateTime("ack_due_at"), row.getOffsetDateTime("acknowledged_at"),
                                row.getOffsetDateTime("decided_at"), row.getString("response_reason")));
                    }
                    return result;
                });
    }

    /** Stored flags as warnings; with {@code visible} given, only flags on fields of those categories. */
    public static List<FieldError> warnings(JsonArray flags, Set<String> visible) {
        List<FieldError> warnings = new ArrayList<>();
        if (flags == null) {
            return warnings;
        }
        for (int i = 0; i < flags.size(); i++) {
            JsonObject flag = flags.getJsonObject(i);
            String field = flag.getString("field");
            if (visible == null || visible.contains(Referral.categoryOf(field))) {
                warnings.add(new FieldError(field, LanguageCheck.RULE, flag.getString("message")));
            }
        }
        return warnings;
    }

    public static JsonArray flagsJson(List<LanguageCheck.Flag> flags) {
        JsonArray array = new JsonArray();
        for (LanguageCheck.Flag f : flags) {
            array.add(new JsonObject().put("field", f.field()).put("entry", f.entry()).put("matched", f.matched())
                    .put("start", f.start()).put("end", f.end()).put("message", f.message()));
        }
        return array;
    }

    private static List<String> strings(JsonArray array) {
        List<String> result = new ArrayList<>();
        if (array != null) {
            for (int i = 0; i < array.size(); i++) {
                result.add(array.getString(i));
            }
        }
        return result;
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

    private Referral fromJson(JsonObject body) {
        try {
            return mapper.readValue(body.encode(), Referral.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The canonical form's hash: the same referral sent as JSON or as FHIR hashes alike. */
    String hash(Referral referral) {
        return hash(referral, List.of());
    }

    /** With supporting records, they are part of the body an Idempotency-Key is bound to. */
    String hash(Referral referral, List<Attachment> attachments) {
        try {
            String canonical = mapper.writeValueAsString(referral)
                    + (attachments.isEmpty() ? "" : mapper.writeValueAsString(attachments));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
