package uk.safeguarding.gateway.audit.chain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import uk.safeguarding.gateway.audit.AuditEntry;

/**
 * The byte string an audit event is hashed as. Sealer, checkpointer and verifier all go through
 * here, so the one definition below is the contract (docs/AUDIT.md repeats it):
 *
 * <pre>
 * event    = version(1 byte) field*22 [dataOwners]    in the order of {@link AuditEntry}'s components
 * field    = length(int32 big-endian) bytes           length -1 and no bytes for SQL NULL
 * uuid     = 16 bytes, most significant half first
 * time     = int64 big-endian microseconds since 1970-01-01T00:00:00Z (PostgreSQL's precision)
 * int      = int32 big-endian
 * text     = UTF-8 bytes, exactly as stored
 * list v1  = count(int32) then each element as a text field (JSON arrays of strings in PostgreSQL)
 * list v2  = count(int32) then each element as tag(1 byte) and, but for null, a text field:
 *            's' a JSON string, 'j' any other JSON value as its text, 'n' a JSON null
 * list v3  = 'a' then a list v2, for a JSON array; or 'v' then a text field, the JSON text of a
 *            value that is not an array
 * </pre>
 *
 * Version 1 (byte 0x01) is every row written before {@code data_owners} existed (its column is
 * NULL): 22 fields. Version 2 (0x02) adds {@code dataOwners} as a 23rd field and tags list elements,
 * so {@code ["1"]} and {@code [1]} no longer encode alike (in version 1 they did: a non-string element
 * kept its JSON text). The version follows from the row itself, and it is hashed: turning a version-2
 * row into a version-1 row (nulling its data owners) changes its bytes and breaks the chain there.
 *
 * <p>Version 3 (0x03) is version 2 plus the column's shape: version 2 still read a column that is not
 * an array ({@code 5}) like the one-element array around it ({@code [5]}). Version 3 is injective over
 * jsonb: arrays and other values are told apart by their first byte, strings are hashed as their exact
 * UTF-8, and every other value as PostgreSQL's text for it, which is canonical (one text per jsonb
 * value: {@code 1} and {@code 1.0} are different values there and print differently). A row cannot
 * say which of versions 1 and 2 it is in other than through its data owners, so version 3 is recorded
 * on the chain entry ({@code audit_chain.encoding}); that column is NULL for every entry sealed before
 * it existed, and only a value of 3 or more is taken from it, so it can never select the shorter
 * version-1 layout for a row whose data owners were filled in later.
 *
 * <p>Every field is length-prefixed, so no two different events share an encoding (no delimiter can
 * be smuggled inside a value). A new column needs a new version byte, never a silent change.
 * Not thread-safe: each sealer run and each verifier owns one instance and reuses its buffer.
 */
public final class CanonicalEncoding {

    public static final byte VERSION_1 = 1;
    public static final byte VERSION_2 = 2;
    public static final byte VERSION_3 = 3;
    /** The version new rows are written in. */
    public static final byte VERSION = VERSION_3;

    private static final byte TAG_STRING = 's';
    private static final byte TAG_JSON = 'j';
    private static final byte TAG_NULL = 'n';
    private static final byte SHAPE_ARRAY = 'a';
    private static final byte SHAPE_VALUE = 'v';

    private byte version;

    private byte[] buffer = new byte[1024];
    private int length;

    /** Encodes {@code e} in the version its own fields imply (1 or 2: entries sealed before version 3). */
    public CanonicalEncoding encode(AuditEntry e) {
        return encode(e, versionOf(e));
    }

    /** Encodes {@code e} in {@code version}; the bytes stay valid until the next call. */
    public CanonicalEncoding encode(AuditEntry e, byte version) {
        length = 0;
        ensure(1);
        this.version = version;
        buffer[length++] = version;
        uuid(e.id());
        time(e.recordedAt());
        text(e.requestId());
        text(e.actorSubject());
        text(e.actorClient());
        text(e.actorKind());
        text(e.actorAgency());
        list(e.actorRoles());
        text(e.purpose());
        text(e.action());
        text(e.resourceType());
        text(e.resourceId());
        uuid(e.childId());
        list(e.categories());
        text(e.decision());
        list(e.reasons());
        text(e.denialCode());
        text(e.lawfulBasis());
        text(e.overrideJustification());
        text(e.overrideApprover());
        int32Field(e.outcome());
        text(e.sourceAddress());
        if (version >= VERSION_2) {
            list(e.dataOwners());
        }
        return this;
    }

    /** Version 1 for rows from before data owners were recorded, else version 2 (for entries with no recorded version). */
    public static byte versionOf(AuditEntry e) {
        return e.dataOwners() == null ? VERSION_1 : VERSION_2;
    }

    /**
     * The version a chain entry was hashed in: {@code recorded} (audit_chain.encoding) when it is 3 or
     * more, else what the event implies. A recorded 1 or 2 is ignored, never trusted: see the class comment.
     */
    public static byte versionOf(AuditEntry e, Short recorded) {
        return recorded != null && recorded >= VERSION_3 && recorded <= Byte.MAX_VALUE ? recorded.byteValue() : versionOf(e);
    }

    public byte[] buffer() {
        return buffer;
    }

    public int length() {
        return length;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, length);
    }

    /** Microseconds since the epoch, the precision PostgreSQL keeps for timestamptz. */
    public static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    private void uuid(UUID id) {
        if (id == null) {
            nullField();
            return;
        }
        rawInt32(16);
        rawInt64(id.getMostSignificantBits());
        rawInt64(id.getLeastSignificantBits());
    }

    private void time(Instant instant) {
        if (instant == null) {
            nullField();
            return;
        }
        rawInt32(8);
        rawInt64(micros(instant));
    }

    private void int32Field(int value) {
        rawInt32(4);
        rawInt32(value);
    }

    private void text(String value) {
        if (value == null) {
            nullField();
            return;
        }
        // ASCII (nearly every audit value) is its own UTF-8: copied straight in, no byte[] per field.
        int n = value.length();
        ensure(4 + n);
        int at = length + 4;
        for (int i = 0; i < n; i++) {
            char ch = value.charAt(i);
            if (ch >= 0x80) {
                at = -1;
                break;
            }
            buffer[at++] = (byte) ch;
        }
        if (at >= 0) {
            rawInt32(n);
            length += n;
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        rawInt32(bytes.length);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private void list(List<String> values) {
        if (values == null) {
            nullField();
            return;
        }
        // The field's length is known only after its elements are written: reserve, then patch.
        int lengthAt = length;
        rawInt32(0);
        int start = length;
        if (version >= VERSION_3) {
            ensure(1);
            if (values instanceof JsonStringArrays.NotAnArray value) {
                buffer[length++] = SHAPE_VALUE;
                text(value.json());
                patchLength(lengthAt, length - start);
                return;
            }
            buffer[length++] = SHAPE_ARRAY;
        }
        rawInt32(values.size());
        for (String value : values) {
            element(value);
        }
        patchLength(lengthAt, length - start);
    }

    private void patchLength(int lengthAt, int fieldLength) {
        buffer[lengthAt] = (byte) (fieldLength >>> 24);
        buffer[lengthAt + 1] = (byte) (fieldLength >>> 16);
        buffer[lengthAt + 2] = (byte) (fieldLength >>> 8);
        buffer[lengthAt + 3] = (byte) fieldLength;
    }

    /**
     * A list element as {@link JsonStringArrays} read it: a string, null for a JSON null, or a
     * non-string value's text behind {@link JsonStringArrays#NON_STRING} (which no stored string can
     * begin with: PostgreSQL refuses U+0000 in text and jsonb).
     */
    private void element(String value) {
        boolean nonString = value != null && JsonStringArrays.isNonString(value);
        String text = nonString ? JsonStringArrays.nonStringText(value) : value;
        if (version < VERSION_2) {
            text(text);
            return;
        }
        ensure(1);
        if (value == null) {
            buffer[length++] = TAG_NULL;
            return;
        }
        buffer[length++] = nonString ? TAG_JSON : TAG_STRING;
        text(text);
    }

    private void nullField() {
        rawInt32(-1);
    }

    private void rawInt32(int v) {
        ensure(4);
        buffer[length++] = (byte) (v >>> 24);
        buffer[length++] = (byte) (v >>> 16);
        buffer[length++] = (byte) (v >>> 8);
        buffer[length++] = (byte) v;
    }

    private void rawInt64(long v) {
        rawInt32((int) (v >>> 32));
        rawInt32((int) v);
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}
