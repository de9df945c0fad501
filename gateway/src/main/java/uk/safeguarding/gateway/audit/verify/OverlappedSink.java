package uk.safeguarding.gateway.audit.verify;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Decodes and verifies on a second thread while the calling thread reads. Read through a cursor on
 * one thread, PostgreSQL produced a batch while the verifier waited, then the verifier decoded and
 * hashed it while PostgreSQL waited: the wall clock was the sum of the two. Here the calling thread
 * only fetches (the connection never leaves it) and hands undecoded rows over a bounded queue.
 *
 * <p>Either side failing fails the whole read: a read error stops the worker and is rethrown, so a
 * verification cut short can never finish (and report) on the rows that did arrive; a worker error
 * (a malformed row, a verifier bug) stops the reading and is rethrown on the calling thread.
 */
final class OverlappedSink implements MergedChainReader.RawSink {

    /** Rows per hand-over (one queue operation each), and hand-overs the reader may run ahead by. */
    private static final int BATCH = 512;
    private static final int QUEUED_BATCHES = 8;
    private static final Object[] END = new Object[0];
    private static final Object[] ABORT = new Object[0];

    /** What a source does with the sink: the read, on the calling thread. */
    interface Read {
        void into(MergedChainReader.RawSink sink) throws SQLException;
    }

    private record SealedAgain(UUID eventId, long seq) {
    }

    private record Unsealed(MergedChainReader.RawEvent event) {
    }

    private final MergedChainReader.Sink sink;
    private final BlockingQueue<Object[]> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
    private volatile Throwable workerFailure;
    private volatile boolean workerStopped;
    private Object[] batch = new Object[BATCH];
    private int size;

    private OverlappedSink(MergedChainReader.Sink sink) {
        this.sink = sink;
    }

    /**
     * Runs {@code read} on this thread and passes what it reads, decoded, to {@code sink} on a worker
     * thread, in order; returns once the sink has seen everything, or throws what either side threw.
     */
    static void run(MergedChainReader.Sink sink, Read read) throws SQLException {
        OverlappedSink overlapped = new OverlappedSink(sink);
        Thread worker = new Thread(overlapped::work, "audit-verify-worker");
        worker.setDaemon(true);
        worker.start();
        boolean completed = false;
        try {
            read.into(overlapped);
            overlapped.flush();
            overlapped.put(END);
            completed = true;
        } catch (WorkerFailed stopped) {
            // the worker's own failure is rethrown below
        } finally {
            if (!completed) {
                // Nothing more will come: drop what is queued (only this thread adds, so there is room).
                overlapped.queue.clear();
                overlapped.queue.offer(ABORT);
            }
            joinUninterruptibly(worker);
        }
        Throwable failure = overlapped.workerFailure;
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("audit verification failed", failure);
        }
    }

    @Override
    public void row(MergedChainReader.RawRow row) {
        add(row);
    }

    @Override
    public void sealedAgain(UUID eventId, long seq) {
        add(new SealedAgain(eventId, seq));
    }

    @Override
    public void unsealed(MergedChainReader.RawEvent event) {
        add(new Unsealed(event));
    }

    private void add(Object item) {
        batch[size++] = item;
        if (size == BATCH) {
            flush();
        }
    }

    private void flush() {
        if (size == 0) {
            return;
        }
        Object[] full = size == BATCH ? batch : Arrays.copyOf(batch, size);
        batch = new Object[BATCH];
        size = 0;
        put(full);
    }

    private void put(Object[] items) {
        Throwable failure = workerFailure;
        if (failure != null) {
            throw new WorkerFailed(failure);
        }
        try {
            // Not put(): a worker that stopped (interrupted, or an Error) takes nothing more, and a full queue
            // would then hold this thread for ever.
            while (!queue.offer(items, 100, TimeUnit.MILLISECONDS)) {
                if (workerFailure != null || workerStopped) {
                    throw new WorkerFailed(workerFailure != null ? workerFailure
                            : new IllegalStateException("audit verification worker stopped"));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("audit verification interrupted", e);
        }
    }

    /** The worker: decodes and verifies each batch; after a failure it only drains until the end. */
    private void work() {
        try {
            drain();
        } finally {
            workerStopped = true;
        }
    }

    private void drain() {
        while (true) {
            Object[] items;
            try {
                items = queue.take();
            } catch (InterruptedException e) {
                workerFailure = e;
                return;
            }
            if (items == END || items == ABORT) {
                return;
            }
            if (workerFailure != null) {
                continue;
            }
            try {
                for (Object item : items) {
                    if (item instanceof MergedChainReader.RawRow row) {
                        sink.row(row.decode());
                    } else if (item instanceof SealedAgain again) {
                        sink.sealedAgain(again.eventId(), again.seq());
                    } else {
                        sink.unsealed(((Unsealed) item).event().decode());
                    }
                }
            } catch (Throwable t) {
                workerFailure = t;
            }
        }
    }

    /** Stops the read once the worker has failed; {@link #run} rethrows the worker's own failure. */
    private static final class WorkerFailed extends RuntimeException {
        WorkerFailed(Throwable cause) {
            super(cause);
        }
    }

    private static void joinUninterruptibly(Thread worker) {
        boolean interrupted = false;
        while (true) {
            try {
                worker.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
