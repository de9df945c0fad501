package uk.safeguarding.gateway.audit.dpo;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import uk.safeguarding.gateway.audit.chain.AuditSealer;
import uk.safeguarding.gateway.audit.chain.CheckpointSigner;
import uk.safeguarding.gateway.audit.verify.JdbcAuditSource;
import uk.safeguarding.gateway.audit.verify.VerificationReport;

/**
 * Verifies the whole audit trail now: chain links, event hashes, checkpoint roots and signatures,
 * and that no event sits outside chain and queue. Runs on a worker thread over the JDBC datasource
 * with the same verifier as bin/audit-verify.
 */
@Tag(name = "Audit", description = "The DPO's API: audit search and export, verification, disclosure reports, anomaly flags; within the DPO's scope, decided by the dpo-oversight protocol.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@APIResponse(responseCode = "400", ref = "Problem")
@Path("/api/v1/audit/verify")
@RolesAllowed("dpo")
public class AuditVerifyResource {

    private final DataSource dataSource;
    private final AuditSealer sealer;
    private final CheckpointSigner signer;
    private final DpoAccess dpo;

    AuditVerifyResource(DataSource dataSource, AuditSealer sealer, CheckpointSigner signer, DpoAccess dpo) {
        this.dataSource = dataSource;
        this.sealer = sealer;
        this.signer = signer;
        this.dpo = dpo;
    }

    /** 200 with {@code intact} true or false; the first bad position is {@code firstProblem.seq}. */
    @Operation(summary = "Verify the whole audit trail now",
        description = "Chain links, event hashes, checkpoint roots and signatures, and that no event sits outside chain and queue; the same verifier as bin/audit-verify. intact false names the first bad position.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The verification report (intact true or false).",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = VerificationReport.class)))
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public VerificationReport verify() throws SQLException {
        // Access is the engine's; no scope applies: the report names positions and kinds of problem in
        // the one chain every agency shares, never an event's content.
        dpo.decide(DpoAccess.SEARCH, "audit.verify", "AuditChain", null, null, null);
        // Seal what is queued first, so the report covers events up to this request.
        sealer.sealAvailable(true).await().atMost(Duration.ofSeconds(30));
        try (Connection connection = dataSource.getConnection()) {
            return JdbcAuditSource.verify(connection, signer.trustedKeys());
        }
    }
}
