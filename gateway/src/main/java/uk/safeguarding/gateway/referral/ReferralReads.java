package uk.safeguarding.gateway.referral;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.child.ChildIndex;
import uk.safeguarding.gateway.child.Relationships;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.protocol.engine.Decision;

/** Need-to-know reads of referrals: one referral, the recipients' inbox, the referrals about a child. */
@ApplicationScoped
public class ReferralReads {

    private final Pool pool;
    private final PolicyService policy;
    private final ChildIndex children;
    private final Relationships relationships;
    private final RequestContext context;
    private final ObjectMapper mapper;
    private final ReferralAttachments attachments;
    private final ReferralRepository repository;

    ReferralReads(Pool pool, PolicyService policy, ChildIndex children, Relationships relationships,
            RequestContext context, ObjectMapper mapper, ReferralAttachments attachments, ReferralRepository repository) {
        this.pool = pool;
        this.policy = policy;
        this.children = children;
        this.relationships = relationships;
        this.context = context;
        this.mapper = mapper;
        this.attachments = attachments;
        this.repository = repository;
    }

    /** A referral redacted for the caller by a fresh decision; no relationship with the child is a 404. */
    Uni<ReferralViews.Read> read(UUID id) {
        context.describe("referral.read", ReferralService.RESOURCE_TYPE, id.toString(), null);
        return repository.load(pool, id).chain(row -> {
            UUID childId = row.getUUID("child_id");
            context.describe("referral.read", ReferralService.RESOURCE_TYPE, id.toString(), childId);
            Referral referral = fromJson(row.getJsonObject("body"));
            return attachments.of(pool, id).chain(supporting -> policy.authorise(pool, ReferralService.target(row), "read",
                            ReferralAttachments.present(referral, supporting), b -> b)
                    .chain(decision -> repository.recipients(pool, id)
                            .map(recipients -> view(row, referral, supporting, decision, recipients))));
        });
    }

    /** The caller agency's inbox, soonest deadline first. */
    Uni<List<ReferralViews.InboxEntry>> inbox(String status) {
        Actor actor = context.requireActor();
        context.describe("referral.inbox", ReferralService.RESOURCE_TYPE, null, null);
        return repository.inbox(pool, actor.agencyId(), status)
                .map(rows -> {
                    List<ReferralViews.InboxEntry> entries = new ArrayList<>();
                    for (Row row : rows) {
                        List<String> categories = ReferralService.strings(row.getJsonArray("categories"));
                        boolean risk = categories.contains(Referral.RISK);
                        Object concerns = row.getValue("concerns");
                        entries.add(new ReferralViews.InboxEntry(row.getUUID("id"), row.getUUID("child_id"),
                                row.getString("requester_agency"), row.getOffsetDateTime("created_at"),
                                row.getString("status"), row.getOffsetDateTime("ack_due_at"), categories,
                                risk ? row.getString("risk_level") : null,
                                risk && concerns instanceof JsonArray a ? ReferralService.strings(a) : null,
                                "/api/v1/referrals/" + row.getUUID("id")));
                    }
                    return entries;
                });
    }

    /** See {@link ReferralService#search}. */
    Uni<List<ReferralViews.Read>> search(String system, String value, Instant from, Instant to) {
        Actor actor = context.requireActor();
        PurposeOfUse purpose = context.purpose().orElseThrow(() -> new IllegalStateException("no purpose"));
        context.describe("referral.search", ReferralService.RESOURCE_TYPE, null, null);
        return children.find(pool, system, value).chain(child -> {
            if (child.isEmpty()) {
                return Uni.createFrom().item(List.<ReferralViews.Read>of());
            }
            UUID childId = child.get();
            context.describe("referral.search", ReferralService.RESOURCE_TYPE, null, childId);
            return relationships.standing(pool, actor.agencyId(), actor.subject(), childId).chain(standing -> {
                if (standing.isEmpty()) {
                    return Uni.createFrom().item(List.<ReferralViews.Read>of());
                }
                return policy.consents(pool, childId, actor, purpose).chain(consents -> repository.aboutChild(pool,
                                childId, from, to)
                        .chain(rows -> {
                            Uni<List<ReferralViews.Read>> result = Uni.createFrom().item(new ArrayList<>());
                            for (Row row : rows) {
                                // Each referral is its own record: a referrer's relationship counts for its own
                                // referral only, an unconfirmed claim for referrals made after it.
                                Set<String> kinds = standing.kindsFor(ReferralService.target(row).record());
                                if (kinds.isEmpty()) {
                                    continue;
                                }
                                Referral referral = fromJson(row.getJsonObject("body"));
                                result = result.chain(list -> attachments.of(pool, row.getUUID("id")).chain(supporting -> {
                                    var consented = policy.decide(actor, "read", purpose, kinds,
                                            ReferralAttachments.present(referral, supporting),
                                            consents, b -> b.counterparty(row.getString("requester_agency")));
                                    Decision decision = consented.decision();
                                    if (!decision.isPermit()) {
                                        return Uni.createFrom().item(list);
                                    }
                                    context.decided(consented.audited());
                                    policy.disclosed(row.getString("requester_agency"), actor);
                                    return repository.recipients(pool, row.getUUID("id")).map(recipients -> {
                                        list.add(view(row, referral, supporting, decision, recipients));
                                        return list;
                                    });
                                }));
                            }
                            return result;
                        }));
            });
        });
    }

    private static ReferralViews.Read view(Row row, Referral referral, List<Attachment> supporting,
            Decision decision, List<ReferralViews.Recipient> recipients) {
        Set<String> permitted = new LinkedHashSet<>(decision.permittedCategories());
        List<String> redacted = ReferralAttachments.present(referral, supporting).stream()
                .filter(c -> !permitted.contains(c)).toList();
        return new ReferralViews.Read(row.getUUID("id"), row.getUUID("child_id"), row.getOffsetDateTime("created_at"),
                referral.redactedTo(permitted), List.copyOf(permitted), redacted,
                ReferralService.warnings(row.getJsonArray("language_flags"), permitted), recipients,
                supporting.stream().filter(a -> permitted.contains(a.category())).toList());
    }

    private Referral fromJson(JsonObject body) {
        try {
            return mapper.readValue(body.encode(), Referral.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
