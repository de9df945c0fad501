package uk.safeguarding.gateway.audit.dpo;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import uk.safeguarding.gateway.audit.AuditConfig;
import uk.safeguarding.gateway.audit.chain.AuditSealer;
import uk.safeguarding.gateway.audit.verify.VerificationJob;
import uk.safeguarding.gateway.audit.verify.VerificationReport;
import uk.safeguarding.gateway.audit.verify.VerificationStatus;
import uk.safeguarding.gateway.problem.ApiException;

/**
 * The audit trail's verification. GET answers from the scheduled verifier's state (how far the chain is
 * verified, the lag, the problems open), reading no chain entry; POST runs a full pass now, with the
 * same verifier as bin/audit-verify, at most once per configured interval across the partnership.
 */
@Tag(name = "Audit", description = "The DPO's API: audit search and export, verification, disclosure reports, anomaly flags; within the DPO's scope, decided by the dpo-oversight protocol.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@APIResponse(responseCode = "400", ref = "Problem")
@Path("/api/v1/audit/verify")
@RolesAllowed("dpo")
public class AuditVerifyResource {

    private final AuditSealer sealer;
    private final VerificationJob job;
    private final AuditConfig config;
    private final DpoAccess dpo;

    AuditVerifyResource(AuditSealer sealer, VerificationJob job, AuditConfig config, DpoAccess dpo) {
        this.sealer = sealer;
        this.job = job;
        this.config = config;
        this.dpo = dpo;
    }

    /** 200 with the verified position, the lag behind the chain and the problems open. */
    @Operation(summary = "Where verification of the audit trail stands",
        description = "Answers from the scheduled verifier's state, without verifying: the last verified chain position and when, how many sealed entries are not yet verified (lag), and the problems found since the last full pass. intact false names the first bad position. Changes to entries already verified are found by a full pass (POST).")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The verification state (intact true or false).",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = VerificationStatus.class)))
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public VerificationStatus status() throws SQLException {
        // Access is the engine's; no scope applies: the answer names positions and kinds of problem in
        // the one chain every agency shares, never an event's content.
        dpo.decide(DpoAccess.SEARCH, "audit.verify", "AuditChain", null, null, null);
        return job.status();
    }

    /** 200 with the full report; 429 with Retry-After within the configured interval of the last full pass. */
    @Operation(summary = "Verify the whole audit trail now",
        description = "Chain links, event hashes, element types, checkpoint roots and signatures, and that no event sits outside chain and queue; the same verifier as bin/audit-verify. Its findings become the open ones the GET reports. At most one full pass per configured interval across all replicas; sooner is refused with 429 and Retry-After.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The verification report (intact true or false).",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = VerificationReport.class)))
    @APIResponse(responseCode = "429", ref = "Problem")
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public VerificationReport fullPass() throws SQLException {
        dpo.decide(DpoAccess.SEARCH, "audit.verify.full", "AuditChain", null, null, null);
        Duration interval = config.verification().fullPassMinInterval();
        try {
            return job.fullPass(interval, () -> sealer.sealAvailable(true).await().atMost(Duration.ofSeconds(30)));
        } catch (VerificationJob.TooSoon e) {
            throw ApiException.retryLater(429, "FULL_PASS_TOO_SOON", "A full verification runs at most once every "
                    + interval.toSeconds() + " s across the partnership; retry after " + e.retryAfterSeconds()
                    + " s, or read the scheduled verifier's state with GET.", e.retryAfterSeconds());
        }
    }
}
