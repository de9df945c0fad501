package uk.safeguarding.gateway.audit.verify;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** The verifier's answer: is the trail intact, how far it was checked, and the first thing wrong. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VerificationReport(
        boolean intact,
        long entriesChecked,
        long lastSeq,
        String lastHash,
        int checkpointsChecked,
        CheckpointSummary lastCheckpoint,
        /* Entries after the last checkpoint: protected by the chain only, not yet by a signature. */
        long unsignedEntries,
        long pendingEvents,
        long problemCount,
        Finding firstProblem,
        List<Finding> problems,
        long elapsedMillis,
        long eventsPerSecond) {

    /** The latest checkpoint, as signed. */
    public record CheckpointSummary(long firstSeq, long lastSeq, String root, Instant signedAt, String keyId) {
    }
}
