package uk.safeguarding.gateway.audit.verify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.postgresql.PGStatement;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.chain.CanonicalEncoding;
import uk.safeguarding.gateway.audit.chain.JsonStringArrays;

/**
 * Joins chain entries to their events in Java, from two index-ordered cursors, instead of asking
 * PostgreSQL to hash-join and re-sort the whole trail (measured: the join and its on-disk sort cost
 * more than the verification itself). It works because chain order (seq) and event order
 * (recorded_at, id) almost agree: events are sealed in time order, except the few whose request
 * committed late. Events read ahead of the chain wait in a small map; whatever is left there at the
 * end was never sealed (queued, or inserted behind the gateway's back).
 */
final class MergedChainReader {

    private static final int FETCH_SIZE = 10_000;

    private static final String CHAIN = """
            SELECT seq, event_id, recorded_at, prev_hash, hash, encoding FROM audit_chain WHERE seq BETWEEN ? AND ? ORDER BY seq
            """;
    private static final String COLUMNS = """
            id, recorded_at, request_id, actor_subject, actor_client, actor_kind, actor_agency, actor_roles::text,
            purpose, action, resource_type, resource_id, child_id, categories::text, decision, reasons::text, denial_code,
            lawful_basis, override_justification, override_approver, outcome, source_address, data_owners::text""";
    /**
     * Events from the time of the first entry read to the time of the last; for a full pass ({@code
     * seq >= 1}) every event. Times, not seqs, bound the events: a late-committed event has an earlier
     * time than entries sealed before it, and the range of the entries' times covers it.
     */
    private static final String EVENTS = "SELECT " + COLUMNS + """
             FROM audit_event
            WHERE ? <= 1 OR recorded_at BETWEEN (SELECT min(recorded_at) FROM audit_chain WHERE seq BETWEEN ? AND ?)
                                           AND (SELECT max(recorded_at) FROM audit_chain WHERE seq BETWEEN ? AND ?)
            ORDER BY recorded_at, id""";
    private static final String ONE_EVENT = "SELECT " + COLUMNS + " FROM audit_event WHERE recorded_at = ? AND id = ?";

    /** What the chain pass learnt about events besides the chain rows themselves. */
    interface Sink {
        void row(ChainVerifier.ChainRow row);

        /** A chain entry whose event had already been matched to an earlier entry. */
        void sealedAgain(UUID eventId, long seq);

        /** An event no chain entry refers to. */
        void unsealed(AuditEntry event);
    }

    /** As {@link Sink}, with events still undecoded, so the decoding can be done on another thread. */
    interface RawSink {
        void row(RawRow row);

        void sealedAgain(UUID eventId, long seq);

        void unsealed(RawEvent event);
    }

    /** A chain entry and its event ({@code null} when gone) as read, before the event is decoded. */
    record RawRow(long seq, UUID eventId, byte[] prevHash, byte[] hash, RawEvent event, Short encoding) {

        ChainVerifier.ChainRow decode() {
            return new ChainVerifier.ChainRow(seq, eventId, prevHash, hash, event == null ? null : event.decode(), encoding);
        }
    }

    /**
     * An audit_event row with its text columns still the bytes the driver received: reading them is a
     * reference copy, and turning them into strings (the larger part of the decoding) is left to
     * whoever hashes them. {@code text} holds columns 3..12, 14..20, 22, 23 of {@link #COLUMNS}.
     */
    record RawEvent(UUID id, Instant recordedAt, UUID childId, int outcome, byte[][] text) {

        AuditEntry decode() {
            return new AuditEntry(id, recordedAt, string(0), string(1), string(2), string(3), string(4), list(5),
                    string(6), string(7), string(8), string(9), childId, list(10), string(11), list(12), string(13),
                    string(14), string(15), string(16), outcome, string(17), list(18));
        }

        /** The server's bytes are UTF-8 (client_encoding is UTF8 in pgjdbc), as its own decoder assumes. */
        private String string(int i) {
            return text[i] == null ? null : new String(text[i], StandardCharsets.UTF_8);
        }

        private List<String> list(int i) {
            return JsonStringArrays.parse(string(i));
        }
    }

    private static final int[] TEXT_COLUMNS = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19, 20, 22, 23};

    private final Connection connection;
    private final Map<UUID, RawEvent> waiting = new HashMap<>();
    private ResultSet events;
    private RawEvent next;

    MergedChainReader(Connection connection) {
        this.connection = connection;
    }

    /** Streams every chain entry from {@code fromSeq} with its event; the connection must be in a transaction. */
    void read(long fromSeq, Sink sink) throws SQLException {
        read(fromSeq, Long.MAX_VALUE, sink);
    }

    /**
     * Streams chain entries {@code fromSeq..toSeq} with their events. Events of that time range that no
     * entry of the range seals go to {@link Sink#unsealed}: for a whole chain the unsealed events, for a
     * part also those sealed outside it.
     */
    void read(long fromSeq, long toSeq, Sink sink) throws SQLException {
        readRaw(fromSeq, toSeq, decoding(sink));
    }

    /** As {@link #read(long, long, Sink)}, leaving the events undecoded. */
    void readRaw(long fromSeq, long toSeq, RawSink sink) throws SQLException {
        try (PreparedStatement chain = cursor(CHAIN); PreparedStatement eventQuery = cursor(EVENTS)) {
            chain.setLong(1, fromSeq);
            chain.setLong(2, toSeq);
            eventQuery.setLong(1, fromSeq);
            eventQuery.setLong(2, fromSeq);
            eventQuery.setLong(3, toSeq);
            eventQuery.setLong(4, fromSeq);
            eventQuery.setLong(5, toSeq);
            try (ResultSet rows = chain.executeQuery(); ResultSet eventRows = eventQuery.executeQuery()) {
                events = eventRows;
                while (rows.next()) {
                    long seq = rows.getLong(1);
                    UUID id = rows.getObject(2, UUID.class);
                    Instant at = instant(rows, 3);
                    RawEvent event = take(id, at);
                    if (event == null) {
                        event = lookUp(id, at);
                        if (event != null) {
                            sink.sealedAgain(id, seq);
                        }
                    }
                    short encoding = rows.getShort(6);
                    sink.row(new RawRow(seq, id, rows.getBytes(4), rows.getBytes(5), event, rows.wasNull() ? null : encoding));
                }
                for (RawEvent left : waiting.values()) {
                    sink.unsealed(left);
                }
                waiting.clear();
                for (RawEvent rest = advance(); rest != null; rest = advance()) {
                    sink.unsealed(rest);
                }
            }
        }
    }

    /** Decodes each event on the calling thread and passes it on. */
    static RawSink decoding(Sink sink) {
        return new RawSink() {
            @Override
            public void row(RawRow row) {
                sink.row(row.decode());
            }

            @Override
            public void sealedAgain(UUID eventId, long seq) {
                sink.sealedAgain(eventId, seq);
            }

            @Override
            public void unsealed(RawEvent event) {
                sink.unsealed(event.decode());
            }
        };
    }

    /** Convenience for tools: every chain row from {@code fromSeq}, ignoring unsealed events. */
    static void rows(Connection connection, long fromSeq, Consumer<ChainVerifier.ChainRow> consumer) throws SQLException {
        new MergedChainReader(connection).read(fromSeq, new Sink() {
            @Override
            public void row(ChainVerifier.ChainRow row) {
                consumer.accept(row);
            }

            @Override
            public void sealedAgain(UUID eventId, long seq) {
            }

            @Override
            public void unsealed(AuditEntry event) {
            }
        });
    }

    /** The event for a chain entry: waiting already, or read ahead until past the entry's time. */
    private RawEvent take(UUID id, Instant at) throws SQLException {
        RawEvent found = waiting.remove(id);
        if (found != null) {
            return found;
        }
        long until = CanonicalEncoding.micros(at);
        while (true) {
            if (next == null && (next = advance()) == null) {
                return null;
            }
            if (CanonicalEncoding.micros(next.recordedAt()) > until) {
                return null;
            }
            RawEvent event = next;
            next = null;
            if (event.id().equals(id)) {
                return event;
            }
            waiting.put(event.id(), event);
        }
    }

    private RawEvent advance() throws SQLException {
        if (next != null) {
            RawEvent peeked = next;
            next = null;
            return peeked;
        }
        return events.next() ? event(events) : null;
    }

    /** Only on a problem: is the event there at all (then it was matched before: sealed twice)? */
    private RawEvent lookUp(UUID id, Instant at) throws SQLException {
        try (PreparedStatement one = connection.prepareStatement(ONE_EVENT)) {
            one.setObject(1, OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC));
            one.setObject(2, id);
            try (ResultSet rs = one.executeQuery()) {
                return rs.next() ? event(rs) : null;
            }
        }
    }

    private PreparedStatement cursor(String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        // With autocommit off, a fetch size makes pgjdbc stream through a portal; two can be open at once.
        statement.setFetchSize(FETCH_SIZE);
        // A negative threshold makes pgjdbc ask for binary results on the first execution: uuid, bytea,
        // timestamptz and integers then arrive as bytes instead of text to parse.
        statement.unwrap(PGStatement.class).setPrepareThreshold(-1);
        return statement;
    }

    /**
     * One audit_event row (columns 1..23 of {@link #COLUMNS}). For a text column pgjdbc's getBytes
     * returns the bytes as received, the same ones its getString would decode.
     */
    private static RawEvent event(ResultSet rs) throws SQLException {
        byte[][] text = new byte[TEXT_COLUMNS.length][];
        for (int i = 0; i < TEXT_COLUMNS.length; i++) {
            text[i] = rs.getBytes(TEXT_COLUMNS[i]);
        }
        return new RawEvent(rs.getObject(1, UUID.class), instant(rs, 2), rs.getObject(13, UUID.class), rs.getInt(21), text);
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
