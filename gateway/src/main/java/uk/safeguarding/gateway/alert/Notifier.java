package uk.safeguarding.gateway.alert;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.child.RecordRef;
import uk.safeguarding.gateway.child.Relationships;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.protocol.engine.Actor;
import uk.safeguarding.protocol.engine.CaseContext;
import uk.safeguarding.protocol.engine.Decision;
import uk.safeguarding.protocol.engine.DecisionRequest;
import uk.safeguarding.protocol.engine.DutyNotice;

/**
 * Turns a case event into alerts, inside the event's transaction: the protocol engine names the
 * duties (recipients by case role, absolute deadlines, escalation targets); for each recipient
 * agency the engine decides {@code receive-alert} with that agency's own relationships, and the
 * alert carries only the categories released to it, plus a link to fetch more under its own token.
 * One alert per agency per event, with the earliest of its deadlines.
 */
@ApplicationScoped
public class Notifier {

    private final PolicyService policy;
    private final Relationships relationships;
    private final Outbox outbox;
    private final AlertConfig config;

    Notifier(PolicyService policy, Relationships relationships, Outbox outbox, AlertConfig config) {
        this.policy = policy;
        this.relationships = relationships;
        this.outbox = outbox;
        this.config = config;
    }

    /** What the notifier was asked to send. {@code details} maps each data category to its fields. */
    public record CaseEvent(UUID eventId, String type, UUID childId, String raisedBy, Instant occurredAt,
            String purpose, boolean childMissing, Map<String, Object> details) {
    }

    /** One recipient's alert: which categories it got, which were withheld, and by when. */
    public record Sent(String agency, UUID alertId, List<String> roles, List<String> released, List<String> withheld,
            Instant deadline, String dutyRef) {
    }

    /** The outcome: alerts queued, recipients the policy refused, roles nobody holds in the case. */
    public record Outcome(List<Sent> sent, List<String> refused, List<String> unresolvedRoles) {

        /** Both outcomes, in order. */
        public Outcome plus(Outcome other) {
            List<Sent> s = new ArrayList<>(sent);
            s.addAll(other.sent);
            List<String> r = new ArrayList<>(refused);
            r.addAll(other.refused);
            List<String> u = new ArrayList<>(unresolvedRoles);
            other.unresolvedRoles.stream().filter(x -> !u.contains(x)).forEach(u::add);
            return new Outcome(List.copyOf(s), List.copyOf(r), List.copyOf(u));
        }
    }

    private static final class Recipient {
        final List<String> roles = new ArrayList<>();
        DutyNotice first;
    }

    public Uni<Outcome> notify(SqlClient tx, CaseEvent event, CaseContext caseContext) {
        List<DutyNotice> duties = policy.engine().duties(event.type(), caseContext, event.occurredAt(), event.raisedBy());
        Map<String, Recipient> recipients = new LinkedHashMap<>();
        List<String> unresolved = new ArrayList<>();
        for (DutyNotice duty : duties) {
            // A role nobody holds in the case is a finding; one held only by the raising agency is not.
            if (duty.unresolved() && !caseContext.agencies().containsKey(duty.recipientRole())
                    && !"all-involved".equals(duty.recipientRole())) {
                unresolved.add(duty.recipientRole());
            }
            for (String agency : duty.agencies()) {
                Recipient r = recipients.computeIfAbsent(agency, a -> new Recipient());
                r.roles.add(duty.recipientRole());
                if (r.first == null || duty.deadline().isBefore(r.first.deadline())) {
                    r.first = duty;
                }
            }
        }
        Uni<List<Sent>> chain = Uni.createFrom().item(new ArrayList<>());
        List<String> refused = new ArrayList<>();
        for (Map.Entry<String, Recipient> entry : recipients.entrySet()) {
            String agency = entry.getKey();
            Recipient recipient = entry.getValue();
            // The alert is a record created now: every live relationship of the recipient counts for it,
            // but an own-record one (a referrer) does not (it follows its referral, not the child).
            chain = chain.chain(sent -> relationships.standing(tx, agency, null, event.childId())
                    .map(standing -> standing.kindsFor(RecordRef.created()))
                    .chain(kinds -> {
                        Decision decision = decide(agency, kinds, event);
                        if (!decision.isPermit()) {
                            refused.add(agency + " (" + decision.denialCode() + ")");
                            return Uni.createFrom().item(sent);
                        }
                        return enqueue(tx, event, agency, recipient, decision).map(s -> {
                            sent.add(s);
                            return sent;
                        });
                    }));
        }
        return chain.map(sent -> new Outcome(List.copyOf(sent), List.copyOf(refused), List.copyOf(unresolved)));
    }

    public static final String ACCESS_EVENT = "record-accessed";

    /**
     * Meets a decision's {@code NOTIFY_OWNING_AGENCY} obligation (for example every Philomena release):
     * the agency that owns the record is told, in the reader's transaction, who read which categories,
     * for what purpose and under which clauses. Nothing is queued when the decision carries no such
     * obligation or the reader is the owner.
     */
    public Uni<Void> notifyOwner(SqlClient tx, Decision decision, String owner, UUID childId, String resourceType,
            String resourceId, uk.safeguarding.gateway.security.Actor reader, String purpose, Instant at) {
        if (owner == null || owner.equals(reader.agencyId())
                || !decision.has(uk.safeguarding.protocol.engine.Obligation.Type.NOTIFY_OWNING_AGENCY)) {
            return Uni.createFrom().voidItem();
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("event", ACCESS_EVENT);
        payload.put("childId", childId.toString());
        payload.put("resourceType", resourceType);
        payload.put("resourceId", resourceId);
        payload.put("readerAgency", reader.agencyId());
        payload.put("readerSubject", reader.subject());
        payload.put("purpose", purpose);
        payload.put("categories", decision.permittedCategories());
        payload.put("clauses", decision.reasons());
        payload.put("at", at.toString());
        return outbox.enqueue(tx, new AlertRequest(owner, ACCESS_EVENT, childId, resourceType, resourceId, payload,
                List.of(), decision.rule(), null, null)).replaceWithVoid();
    }

    /**
     * The decision for one recipient agency's system: receive-alert of the event's categories. The push
     * goes to the system the agency's practitioners use, so it is decided as a practitioner of that
     * agency would be; a pull through the inbox is decided afresh for whoever reads it (AlertResource).
     */
    Decision decide(String agency, Set<String> kinds, CaseEvent event) {
        DecisionRequest request = DecisionRequest.builder(Actor.of(agency, SYSTEM_ROLES, "alert-recipient:" + agency))
                .action("receive-alert").purpose(event.purpose()).relationships(kinds)
                .categories(new ArrayList<>(event.details().keySet())).missing(event.childMissing())
                .counterparty(source(event.raisedBy()))
                .at(event.occurredAt()).build();
        return policy.decide(request);
    }

    /** The roles an agency's receiving system acts with. */
    public static final Set<String> SYSTEM_ROLES = Set.of("practitioner");

    /** The agency an event's data comes from, or the gateway itself for events it raises. */
    static String source(String raisedBy) {
        return raisedBy != null && raisedBy.contains(":") ? raisedBy : uk.safeguarding.gateway.policy.Target.GATEWAY;
    }

    private Uni<Sent> enqueue(SqlClient tx, CaseEvent event, String agency, Recipient recipient, Decision decision) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("event", event.type());
        payload.put("eventId", event.eventId().toString());
        payload.put("childId", event.childId().toString());
        payload.put("occurredAt", event.occurredAt().toString());
        payload.put("raisedBy", event.raisedBy());
        payload.put("recipientRoles", List.copyOf(new LinkedHashSet<>(recipient.roles)));
        payload.put("dutyRef", recipient.first.clause());
        payload.put("deadline", recipient.first.deadline().toString());
        payload.put("deadlineRule", recipient.first.deadlineRule());
        payload.put("citation", recipient.first.citation());
        payload.put("sharedUnder", decision.reasons());
        // What a later read through the inbox is decided against again (AlertReads).
        payload.put("purpose", event.purpose());
        payload.put("childMissing", event.childMissing());
        payload.put("lawfulBasis", decision.lawfulBasis());
        // Art 6 basis per released category and, for special categories, the Art 9 condition too.
        payload.put("article6", decision.article6ByCategory());
        payload.put("article9", decision.article9ByCategory());
        Map<String, Object> data = new LinkedHashMap<>();
        for (String category : decision.permittedCategories()) {
            data.put(category, event.details().get(category));
        }
        payload.put("data", data);
        payload.put("withheld", List.copyOf(decision.withheld().keySet()));
        payload.put("link", config.publicBaseUrl() + "/api/v1/case-events/" + event.eventId());
        DutyNotice.Escalation escalation = recipient.first.escalation();
        String escalationTarget = escalation.agencies().isEmpty() ? null : escalation.agencies().get(0);
        AlertRequest request = new AlertRequest(agency, event.type(), event.childId(), "case-event",
                event.eventId().toString(), payload, decision.permittedCategories(), recipient.first.clause(),
                recipient.first.deadline(), escalationTarget);
        return outbox.enqueue(tx, request).map(id -> new Sent(agency, id, List.copyOf(recipient.roles),
                decision.permittedCategories(), List.copyOf(decision.withheld().keySet()), recipient.first.deadline(),
                recipient.first.clause()));
    }
}
