package uk.safeguarding.gateway.chronology;

import io.vertx.mutiny.sqlclient.Row;
import java.util.Optional;
import java.util.Set;

/**
 * One feature's contribution to a child's chronology: a SQL fragment listing its events about the child,
 * and the release of each row by the same engine decision as the feature's own read of the record.
 * A new feature adds its kinds with one {@code @ApplicationScoped} implementation; nothing else changes.
 *
 * <p>The fragment is a {@code SELECT} taking the child's id as {@code $1} and giving exactly the columns
 * of {@link #COLUMNS} in that order; the chronology query unions every source's fragment, filters and
 * orders the union, so one statement reads a page (and is what the bench runs under pgbench). The
 * fragment filters with {@code child_id = $1} and uses {@code $1} nowhere else: the query rewrites that
 * filter to read a merged child's rows too (docs/IDENTITY.md).
 */
public interface ChronologySource {

    /**
     * The columns each fragment gives: when the event happened; its kind (one of {@link #kinds()}); a
     * key unique within the kind (the keyset cursor's last part); the record the event belongs to; the
     * record's owner (the agency whose data it is, the engine's source); the agency that acted and the
     * one on the other side, if any; a short code from a fixed vocabulary (a status, a level, a type);
     * and what the release decision needs (never shown as such).
     */
    String COLUMNS = "at, kind, entry_key, record_id, owner, agency, other_agency, code, facts";

    /** The kinds this source lists (the {@code kind} filter's vocabulary). */
    Set<String> kinds();

    /** The fragment: {@code SELECT <COLUMNS> FROM ... WHERE child_id = $1}. */
    String sql();

    /** The entry as this reader may see it, or empty when the record's own read would not release it. */
    Optional<ChronologyEntry> release(Row row, Releaser releaser);
}
