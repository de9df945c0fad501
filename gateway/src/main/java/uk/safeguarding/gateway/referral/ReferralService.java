package uk.safeguarding.gateway.referral;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.problem.Problem.FieldError;
import uk.safeguarding.protocol.engine.DutyNotice;

/**
 * The referral feature's entry point for the JSON and FHIR resources: intake and routing ({@link ReferralRouting}),
 * reads ({@link ReferralReads}) and responses ({@link ReferralResponses}). Every decision comes from the policy
 * service; every change is one reactive transaction with its audit record and alerts.
 */
@ApplicationScoped
public class ReferralService {

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

    /** One planned recipient: the duty that names it, the relationship it gets and what it may see (null until the child's consent is known). */
    record Route(String agency, String caseRole, String relationship, DutyNotice duty, List<String> categories,
            List<String> alertCategories, String contact) {
    }

    private final ReferralRouting routing;
    private final ReferralReads reads;
    private final ReferralResponses responses;

    ReferralService(ReferralRouting routing, ReferralReads reads, ReferralResponses responses) {
        this.routing = routing;
        this.reads = reads;
        this.responses = responses;
    }

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
        return routing.create(referral, attachments, idempotencyKey, sourceFormat, alsoStore);
    }

    /**
     * Every check of {@link #create} that needs no database (content, routing directory, the sender's
     * right to refer), and the language warnings, without storing anything: FHIR's $validate.
     */
    public List<FieldError> check(Referral referral, List<Attachment> attachments) {
        return routing.check(referral, attachments);
    }

    /** A referral redacted for the caller by a fresh decision; no relationship with the child is a 404. */
    public Uni<ReferralViews.Read> read(UUID id) {
        return reads.read(id);
    }

    /** The caller agency's inbox, soonest deadline first. */
    public Uni<List<ReferralViews.InboxEntry>> inbox(String status) {
        return reads.inbox(status);
    }

    /**
     * Referrals about the child with this identifier that the caller may read, newest first, each
     * redacted by its own decision. An unknown child and a child the caller has no relationship with
     * give the same empty result. {@code from} inclusive, {@code to} exclusive, either may be null.
     */
    public Uni<List<ReferralViews.Read>> search(String system, String value, Instant from, Instant to) {
        return reads.search(system, value, from, to);
    }

    /** A recipient's response. Only the recipient agency itself may respond; others get 404. */
    public Uni<ReferralViews.Recipient> respond(UUID id, String action, String reason) {
        return responses.respond(id, action, reason);
    }

    /** A stored referral as the record a decision is about: its child, its author, its age and id. */
    static Target target(Row row) {
        return Target.record(row.getUUID("child_id"), row.getString("requester_agency"),
                row.getOffsetDateTime("created_at").toInstant(), SOURCE_TYPE, row.getUUID("id"));
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

    static List<String> strings(JsonArray array) {
        List<String> result = new ArrayList<>();
        if (array != null) {
            for (int i = 0; i < array.size(); i++) {
                result.add(array.getString(i));
            }
        }
        return result;
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
