package uk.safeguarding.gateway.audit.verify;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * What the scheduled verifier knows now, without verifying anything (GET /api/v1/audit/verify and the
 * console's chain page): how far the chain is verified, how far behind that is, and the problems found
 * since the last full pass. {@code intact} means no problem is open; entries after {@code verifiedSeq}
 * are not yet checked, and changes to entries at or before it are found only by a full pass.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VerificationStatus(
        boolean intact,
        long verifiedSeq,
        String verifiedHash,
        Instant verifiedAt,
        long chainSeq,
        long lagEvents,
        long failures,
        long problemCount,
        Finding firstProblem,
        List<Finding> problems,
        String lastRunKind,
        Instant lastRunAt,
        long lastRunEntries,
        long lastRunProblems,
        Instant lastFullPassAt,
        long fullPasses) {
}
