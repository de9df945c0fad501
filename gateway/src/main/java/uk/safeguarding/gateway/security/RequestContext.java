package uk.safeguarding.gateway.security;

import jakarta.enterprise.context.RequestScoped;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Built once per request by {@link RequestContextFilter}: the request id, the verified actor, the
 * purpose of use and the caller's address; and, at the end, whether the request's audit record
 * was already written in its transaction or failed with which status.
 */
@RequestScoped
public class RequestContext {

    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    private static final Pattern SAFE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{8,64}");

    private String requestId;
    private Actor actor;
    private PurposeOfUse purpose;
    private String sourceAddress;
    private boolean audited;
    private boolean writes;
    private String failureCode;
    private String action;
    private String resourceType;
    private String resourceId;
    private UUID childId;
    private AuditedDecision decision;
    private UUID auditEventId;
    private final Set<String> dataOwners = new TreeSet<>();

    /** What the policy decided for this request, as the audit record keeps it. */
    public record AuditedDecision(String effect, List<String> categories, List<String> reasons, String denialCode,
            String lawfulBasis, String overrideJustification, String overrideApprover) {
    }

    void begin(String offeredRequestId, String sourceAddress) {
        // A caller's id is echoed only if it cannot smuggle CR/LF or markup into logs and headers.
        this.requestId = offeredRequestId != null && SAFE_REQUEST_ID.matcher(offeredRequestId).matches()
                ? offeredRequestId : UUID.randomUUID().toString();
        this.sourceAddress = sourceAddress;
    }

    /**
     * Adopts the verified identity when the request was refused before {@link RequestContextFilter}
     * ran (a role check), so the refusal is still audited with its actor.
     */
    public void adoptIdentity(io.quarkus.security.identity.SecurityIdentity identity) {
        if (actor == null && !identity.isAnonymous()
                && identity.getPrincipal() instanceof org.eclipse.microprofile.jwt.JsonWebToken token) {
            actor = RequestContextFilter.actorFrom(token, identity.getRoles());
        }
    }

    /** Starts the context late, for a request refused before {@link RequestContextFilter} ran. */
    public void beginIfNotBegun(String offeredRequestId, String sourceAddress) {
        if (requestId == null) {
            begin(offeredRequestId, sourceAddress);
        }
    }

    void actor(Actor actor) {
        this.actor = actor;
    }

    void purpose(PurposeOfUse purpose) {
        this.purpose = purpose;
    }

    /**
     * For the web console, where a person cannot send a header: the page they use implies the
     * purpose (the DPO pages DPO-REVIEW, the provider's alert pages SAFEGUARDING), and it is
     * audited like a declared one.
     */
    public void purposeOfPage(PurposeOfUse purpose) {
        this.purpose = purpose;
    }

    public String requestId() {
        if (requestId == null) {
            requestId = UUID.randomUUID().toString();
        }
        return requestId;
    }

    public Optional<Actor> actor() {
        return Optional.ofNullable(actor);
    }

    /** The authenticated actor; only call on routes that require authentication. */
    public Actor requireActor() {
        if (actor == null) {
            throw new IllegalStateException("No authenticated actor on this route");
        }
        return actor;
    }

    public Optional<PurposeOfUse> purpose() {
        return Optional.ofNullable(purpose);
    }

    /**
     * True for a request that may change state (any method but GET, HEAD, OPTIONS): such a request is
     * authorised on the row's own standing, never through a merge (docs/IDENTITY.md).
     */
    public boolean writes() {
        return writes;
    }

    void writes(String method) {
        this.writes = !("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method));
    }

    public String sourceAddress() {
        return sourceAddress;
    }

    /** Names what the request does and to which record, for its audit record. */
    public void describe(String action, String resourceType, String resourceId, UUID childId) {
        this.action = action;
        this.resourceType = resourceType;
        this.resourceId = resourceId;
        this.childId = childId;
    }

    public void decided(AuditedDecision decision) {
        this.decision = decision;
    }

    /**
     * The id this request's audit record will carry, known before it is written, so a flag raised in
     * the same transaction (an anomaly for the DPO) can point at it.
     */
    public UUID auditEventId() {
        if (auditEventId == null) {
            auditEventId = UUID.randomUUID();
        }
        return auditEventId;
    }

    /**
     * Names an agency whose information this request released (a record's owner, the raiser of an
     * event), so the DPOs of that agency see the disclosure (docs/SECURITY.md, DPO scope).
     */
    public void disclosedInformationOf(String agencyId) {
        if (agencyId != null && !agencyId.isBlank()) {
            dataOwners.add(agencyId);
        }
    }

    /** The agencies whose information this request released, sorted. */
    public List<String> dataOwners() {
        return List.copyOf(dataOwners);
    }

    public Optional<String> action() {
        return Optional.ofNullable(action);
    }

    public String resourceType() {
        return resourceType;
    }

    public String resourceId() {
        return resourceId;
    }

    public UUID childId() {
        return childId;
    }

    public Optional<AuditedDecision> decision() {
        return Optional.ofNullable(decision);
    }

    /** Marks that this request's audit record was written inside its own transaction. */
    public void markAudited() {
        this.audited = true;
    }

    public boolean audited() {
        return audited;
    }

    /** Remembers why the request failed, so the audit safety net records the stable code. */
    public void failed(int status, String code) {
        this.failureCode = code;
    }

    public String failureCode() {
        return failureCode;
    }
}
