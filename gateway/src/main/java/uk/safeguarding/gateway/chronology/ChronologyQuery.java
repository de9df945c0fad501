package uk.safeguarding.gateway.chronology;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import uk.safeguarding.gateway.problem.ApiException;

/**
 * The one statement that reads a slice of a child's chronology: every source's fragment unioned, then
 * filtered by period and kind, resumed after a keyset cursor and ordered by (at, kind, entry_key).
 * The cursor is the key of the last entry a page showed, so entries inserted meanwhile never shift a
 * page (no offset) and withheld rows leave no trace in it.
 */
final class ChronologyQuery {

    /** Where a page resumes: strictly after this key. */
    record Key(Instant at, String kind, String entryKey) {

        String encode() {
            String raw = at.toString() + "\n" + kind + "\n" + entryKey;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        /** A cursor this gateway issued, or a 400 naming {@code cursor}. */
        static Key decode(String cursor) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", -1);
                if (parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
                    throw new IllegalArgumentException("parts");
                }
                return new Key(Instant.parse(parts[0]), parts[1], parts[2]);
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw ApiException.badRequest("cursor", "INVALID_CURSOR",
                        "cursor must be the 'next' value of a previous page, unchanged.");
            }
        }
    }

    /** A fragment's filter on its one child: an equality only ({@code <=}, {@code >=}, {@code !=} are not). */
    private static final java.util.regex.Pattern ONE_CHILD = java.util.regex.Pattern.compile("(?<![<>!])=\\s*\\$1(?![0-9])");

    /** The filter as rewritten; any other use of $1 left after removing it stops the gateway. */
    private static final java.util.regex.Pattern REWRITTEN = java.util.regex.Pattern.compile("(?<![<>!])= ANY\\(\\$1::uuid\\[\\]\\)");

    private ChronologyQuery() {
    }

    /** The statement for these sources (ordered by class name, so it is the same text on every replica). */
    static String sql(List<ChronologySource> sources) {
        String union = sources.stream().sorted(Comparator.comparing(s -> s.getClass().getName()))
                .map(s -> "(" + forLinkedChildren(s) + ")").collect(Collectors.joining("\n    UNION ALL\n    "));
        // Concatenated, not formatted: a fragment may hold a LIKE pattern's '%'.
        return "SELECT " + ChronologySource.COLUMNS + " FROM (\n    " + union + "\n) e\n" + """
                WHERE ($2::timestamptz IS NULL OR e.at >= $2)
                  AND ($3::timestamptz IS NULL OR e.at < $3)
                  AND ($4::text[] IS NULL OR e.kind = ANY($4))
                  AND ($5::timestamptz IS NULL OR (e.at, e.kind, e.entry_key) > ($5, $6::text, $7::text))
                ORDER BY e.at, e.kind, e.entry_key
                LIMIT $8
                """;
    }

    /** Runs the statement ({@link #sql}) for one batch of candidates; the resource holds no SQL itself. */
    static Uni<RowSet<Row>> slice(SqlClient tx, String sql, List<UUID> childIds, Instant from, Instant to, List<String> kinds,
            Key after, int limit) {
        return tx.preparedQuery(sql).execute(parameters(childIds, from, to, kinds, after, limit));
    }

    /**
     * The fragment reading every child of a merge (docs/IDENTITY.md): each source writes its filter for
     * one child, {@code child_id = $1}, and the statement passes the child with its linked child as a
     * uuid[] (an index scan on either form). A fragment using $1 any other way would silently read the
     * wrong thing, so it stops the gateway at start-up instead.
     */
    static String forLinkedChildren(ChronologySource source) {
        String sql = ONE_CHILD.matcher(source.sql().strip()).replaceAll("= ANY(\\$1::uuid[])");
        if (REWRITTEN.matcher(sql).replaceAll("").matches("(?s).*\\$1(?![0-9]).*")) {
            throw new IllegalStateException(source.getClass().getName() + " uses $1 other than as 'child_id = $1' (an equality)");
        }
        return sql;
    }

    static Tuple parameters(List<UUID> childIds, Instant from, Instant to, List<String> kinds, Key after, int limit) {
        return Tuple.from(new Object[] {childIds.toArray(UUID[]::new), from == null ? null : from.atOffset(ZoneOffset.UTC),
                to == null ? null : to.atOffset(ZoneOffset.UTC), kinds == null ? null : kinds.toArray(String[]::new),
                after == null ? null : after.at().atOffset(ZoneOffset.UTC), after == null ? null : after.kind(),
                after == null ? null : after.entryKey(), limit});
    }
}
