package uk.safeguarding.gateway.audit.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditEntry;

/**
 * The reader/verifier hand-over: everything arrives in order, and a failure on either side fails the
 * whole read instead of letting a verification finish on the rows that did arrive.
 */
class OverlappedSinkTest {

    private static final int ROWS = 20_000;

    /** Records what reached it, and on which thread. */
    private static class Recording implements MergedChainReader.Sink {
        final List<String> seen = new ArrayList<>();
        volatile Thread thread;

        @Override
        public void row(ChainVerifier.ChainRow row) {
            thread = Thread.currentThread();
            seen.add("row " + row.seq());
        }

        @Override
        public void sealedAgain(UUID eventId, long seq) {
            seen.add("again " + seq);
        }

        @Override
        public void unsealed(AuditEntry event) {
            seen.add("unsealed");
        }
    }

    private static MergedChainReader.RawRow row(long seq) {
        return new MergedChainReader.RawRow(seq, new UUID(0, seq), new byte[32], new byte[32], null, null);
    }

    @Test
    void everythingArrivesInOrderOnTheWorker() throws SQLException {
        Recording sink = new Recording();
        List<String> expected = new ArrayList<>();
        OverlappedSink.run(sink, rows -> {
            for (long seq = 1; seq <= ROWS; seq++) {
                rows.row(row(seq));
                expected.add("row " + seq);
                if (seq % 997 == 0) {
                    rows.sealedAgain(new UUID(0, seq), seq);
                    expected.add("again " + seq);
                }
            }
        });
        assertEquals(expected, sink.seen);
        assertNotEquals(Thread.currentThread(), sink.thread);
    }

    @Test
    void aReadErrorMidStreamFailsTheRead() {
        Recording sink = new Recording();
        SQLException broken = new SQLException("connection lost");
        SQLException thrown = assertThrows(SQLException.class, () -> OverlappedSink.run(sink, rows -> {
            for (long seq = 1; seq <= ROWS; seq++) {
                rows.row(row(seq));
                if (seq == ROWS / 2) {
                    throw broken;
                }
            }
        }));
        assertSame(broken, thrown);
        assertTrue(sink.seen.size() <= ROWS / 2, "nothing read after the error reaches the verifier");
    }

    @Test
    void aVerifierErrorStopsTheReadAndIsRethrown() {
        IllegalArgumentException malformed = new IllegalArgumentException("Malformed JSON array");
        AtomicLong read = new AtomicLong();
        MergedChainReader.Sink failing = new Recording() {
            @Override
            public void row(ChainVerifier.ChainRow row) {
                if (row.seq() == 100) {
                    throw malformed;
                }
            }
        };
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> OverlappedSink.run(failing, rows -> {
            for (long seq = 1; seq <= 10_000_000; seq++) {
                rows.row(row(seq));
                read.incrementAndGet();
            }
        }));
        assertSame(malformed, thrown);
        assertTrue(read.get() < 10_000_000, "the reader stopped early, after " + read.get() + " rows");
    }

    @Test
    void anInterruptedReaderFailsAndLeavesNoWorkerBehind() {
        Recording slow = new Recording() {
            @Override
            public void row(ChainVerifier.ChainRow row) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        assertThrows(IllegalStateException.class, () -> OverlappedSink.run(slow, rows -> {
            for (long seq = 1; seq <= ROWS; seq++) {
                if (seq == 2_000) {
                    Thread.currentThread().interrupt();
                }
                rows.row(row(seq));
            }
        }));
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("audit-verify-worker") && t.isAlive()));
    }

    @Test
    void anInterruptedWorkerFailsTheReadInsteadOfHoldingItForEver() {
        Recording interrupted = new Recording() {
            @Override
            public void row(ChainVerifier.ChainRow row) {
                if (row.seq() == 100) {
                    // The worker's next wait for a batch is interrupted: it stops taking from the queue.
                    Thread.currentThread().interrupt();
                }
            }
        };
        IllegalStateException thrown = assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> assertThrows(IllegalStateException.class, () -> OverlappedSink.run(interrupted, rows -> {
                    for (long seq = 1; seq <= 10_000_000; seq++) {
                        rows.row(row(seq));
                    }
                })));
        assertTrue(thrown.getCause() instanceof InterruptedException, String.valueOf(thrown.getCause()));
    }
}
