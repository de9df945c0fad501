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
        long eventsPerSecond,
        /* Only with witnesses (bin/audit-verify --witness): what they hold and what they do not yet cover. */
        Witnessed witnessed) {

    public VerificationReport(boolean intact, long entriesChecked, long lastSeq, String lastHash, int checkpointsChecked,
            CheckpointSummary lastCheckpoint, long unsignedEntries, long pendingEvents, long problemCount,
            Finding firstProblem, List<Finding> problems, long elapsedMillis, long eventsPerSecond) {
        this(intact, entriesChecked, lastSeq, lastHash, checkpointsChecked, lastCheckpoint, unsignedEntries, pendingEvents,
                problemCount, firstProblem, problems, elapsedMillis, eventsPerSecond, null);
    }

    /**
     * The witnesses' view: per witness its newest checkpoint; then the unwitnessed window, the chain
     * entries after the newest witnessed checkpoint (a database superuser can still change or delete
     * those undetected), with the recording times of their first and last events.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Witnessed(List<Witness> witnesses, long newestWitnessedSeq, Instant newestWitnessedSignedAt,
            long unwitnessedEntries, Long unwitnessedFromSeq, Instant unwitnessedFrom, Instant unwitnessedTo) {
    }

    /** One witness copy: where it was read, how many checkpoints it holds, its newest, its conflicts. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Witness(String source, int checkpoints, Long newestSeq, Instant newestSignedAt, int conflicts) {
    }

    /** The latest checkpoint, as signed. */
    public record CheckpointSummary(long firstSeq, long lastSeq, String root, Instant signedAt, String keyId) {
    }
}
