package uk.safeguarding.gateway.audit.chain;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * Parses PostgreSQL's text form of a jsonb array of strings ({@code ["a", "b"]}) without a general
 * JSON library: the sealer and the verifier do this three times per event, at tens to hundreds of
 * thousands of events per second, and both must read a row into exactly the same values. Anything
 * that is not a string (only after tampering) keeps its JSON text behind {@link #NON_STRING}, so
 * {@code [1]} and {@code ["1"]} read differently (encoding version 2 tells them apart; version 1 hashed
 * both as {@code 1}, see {@link CanonicalEncoding}). A JSON null element reads as null. A value that
 * is not an array at all reads as a {@link NotAnArray}: to versions 1 and 2 a one-element list of its
 * marked text, as it always read; version 3 tells it from an array.
 */
public final class JsonStringArrays {

    /**
     * Marks a non-string element. U+0000 cannot begin a stored string: PostgreSQL refuses it in text
     * and in jsonb, so a marked value can only come from a non-string element.
     */
    public static final String NON_STRING = "\u0000";

    public static boolean isNonString(String element) {
        return element != null && element.startsWith(NON_STRING);
    }

    /** The JSON text of a marked non-string element. */
    public static String nonStringText(String element) {
        return element.substring(NON_STRING.length());
    }

    private JsonStringArrays() {
    }

    /** A column value that is not a JSON array (only after tampering, or a row older than the constraint). */
    public static final class NotAnArray extends AbstractList<String> {
        private final String json;

        NotAnArray(String json) {
            this.json = json;
        }

        /** The value's JSON text, as PostgreSQL printed it. */
        public String json() {
            return json;
        }

        @Override
        public String get(int index) {
            if (index != 0) {
                throw new IndexOutOfBoundsException(index);
            }
            return NON_STRING + json;
        }

        @Override
        public int size() {
            return 1;
        }
    }

    /** A parsed array: immutable, null elements kept, so {@code AuditEntry} can hold it without a copy. */
    public static final class Parsed extends AbstractList<String> implements RandomAccess {
        private final String[] elements;
        private final int size;

        Parsed(String[] elements, int size) {
            this.elements = elements;
            this.size = size;
        }

        @Override
        public String get(int index) {
            Objects.checkIndex(index, size);
            return elements[index];
        }

        @Override
        public int size() {
            return size;
        }
    }

    /**
     * True when {@code values} (as {@link #parse} read them) is SQL NULL or an array of strings only,
     * which is all the gateway writes and, since V69_1, all PostgreSQL accepts in a new row.
     */
    public static boolean stringsOnly(List<String> values) {
        if (values == null) {
            return true;
        }
        if (values instanceof NotAnArray) {
            return false;
        }
        for (String value : values) {
            if (value == null || isNonString(value)) {
                return false;
            }
        }
        return true;
    }

    public static List<String> parse(String json) {
        if (json == null) {
            return null;
        }
        Cursor c = new Cursor(json);
        c.skipSpace();
        if (!c.take('[')) {
            return new NotAnArray(json);
        }
        String[] values = new String[4];
        int size = 0;
        c.skipSpace();
        if (c.take(']')) {
            return new Parsed(values, 0);
        }
        while (true) {
            c.skipSpace();
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = c.peek() == '"' ? c.string() : c.raw();
            c.skipSpace();
            if (c.take(']')) {
                return new Parsed(values, size);
            }
            if (!c.take(',')) {
                throw new IllegalArgumentException("Malformed JSON array at " + c.at);
            }
        }
    }

    private static final class Cursor {
        private final String s;
        private int at;

        Cursor(String s) {
            this.s = s;
        }

        char peek() {
            return at < s.length() ? s.charAt(at) : '\0';
        }

        boolean take(char ch) {
            if (peek() == ch) {
                at++;
                return true;
            }
            return false;
        }

        void skipSpace() {
            while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
                at++;
            }
        }

        String string() {
            at++;
            int start = at;
            while (at < s.length() && s.charAt(at) != '"' && s.charAt(at) != '\\') {
                at++;
            }
            if (at < s.length() && s.charAt(at) == '"') {
                return s.substring(start, at++);
            }
            StringBuilder out = new StringBuilder(s.substring(start, at));
            while (at < s.length()) {
                char ch = s.charAt(at++);
                if (ch == '"') {
                    return out.toString();
                }
                if (ch != '\\') {
                    out.append(ch);
                    continue;
                }
                char esc = s.charAt(at++);
                switch (esc) {
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> out.append(esc);
                }
            }
            throw new IllegalArgumentException("Unterminated JSON string");
        }

        /** A non-string element (number, literal, object, array) as its text, "null" as a null element. */
        String raw() {
            int start = at;
            int depth = 0;
            boolean inString = false;
            while (at < s.length()) {
                char ch = s.charAt(at);
                if (inString) {
                    if (ch == '\\') {
                        at++;
                    } else if (ch == '"') {
                        inString = false;
                    }
                } else if (ch == '"') {
                    inString = true;
                } else if (ch == '[' || ch == '{') {
                    depth++;
                } else if (ch == ']' || ch == '}') {
                    if (depth == 0) {
                        break;
                    }
                    depth--;
                } else if (ch == ',' && depth == 0) {
                    break;
                }
                at++;
            }
            String token = s.substring(start, at).trim();
            return token.equals("null") ? null : NON_STRING + token;
        }
    }
}
