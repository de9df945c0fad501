package uk.safeguarding.gateway.audit.dpo;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.chain.EventRows;
import uk.safeguarding.gateway.child.ChildIndex;
import uk.safeguarding.gateway.child.ChildLinks;

/**
 * Read-only queries over the audit trail for the DPO API (search, export, disclosure reports). Every
 * query takes the {@link DpoScope} the engine granted and applies it in its WHERE clause.
 */
@ApplicationScoped
class AuditQueries {

    /** A page of results, newest first, and where the next page starts (null on the last page). */
    record Page(List<AuditEventView> items, String nextCursor) {
    }

    private final Pool pool;
    private final ChildIndex children;

    AuditQueries(Pool pool, ChildIndex children) {
        this.pool = pool;
        this.children = children;
    }

    /** The child's internal id for a system|value identifier, if the gateway knows the child. */
    Uni<Optional<UUID>> childFor(String system, String value) {
        return children.find(pool, system, value);
    }

    /**
     * The child an identifier names, only if the scope holds a permitted event about it; otherwise
     * empty, exactly as for an identifier nobody knows. Existence of a child is itself information: a
     * DPO learns it only through their scope. Refusals do not count (a refused probe by the DPO's own
     * staff must not tell the DPO that the child exists), nor do the DPO API's own records
     * ({@code audit.*}), or a DPO's first look-up of another agency's child would open it to their second.
     */
    Uni<Optional<UUID>> childInScope(String system, String value, DpoScope scope) {
        return childFor(system, value).chain(id -> id.isEmpty() ? Uni.createFrom().item(id)
                : knows(id.get(), scope).map(known -> known ? id : Optional.empty()));
    }

    /** True when the scope holds a permitted event about the child other than the DPO API's own. */
    Uni<Boolean> knows(UUID childId, DpoScope scope) {
        List<Object> params = new ArrayList<>();
        return pool.preparedQuery(knowsSql(childId, scope, params)).execute(Tuple.from(params))
                .map(rows -> rows.iterator().next().getBoolean("known"));
    }

    static String knowsSql(UUID childId, DpoScope scope, List<Object> params) {
        params.add(childId);
        params.add(DpoScope.OVERSIGHT_ACTIONS);
        return "SELECT EXISTS (SELECT 1 FROM audit_event e WHERE e.child_id IN (" + ChildLinks.linkedIds("$1")
                + ") AND e.decision = 'PERMIT'"
                + " AND e.action NOT LIKE $2 AND "
                + scope.auditEvents("e", params) + ") AS known";
    }

    /** Resolves an identifier filter to the child's id; empty when no such child in scope (so: no results). */
    Uni<Optional<AuditFilter>> resolve(AuditFilter filter, DpoScope scope) {
        if (!filter.byIdentifier()) {
            return Uni.createFrom().item(Optional.of(filter));
        }
        return childInScope(filter.childSystem(), filter.childValue(), scope).map(id -> id.map(filter::withChildId));
    }

    Uni<Page> search(AuditFilter filter, DpoScope scope) {
        List<Object> params = new ArrayList<>();
        return pool.preparedQuery(searchSql(filter, scope, params)).execute(Tuple.from(params)).map(rows -> page(rows, filter));
    }

    /**
     * The page is taken from audit_event alone and only its rows are joined to audit_chain: joining first
     * looked up the chain row of every event in scope before the sort kept 51 (1,089 look-ups, 106 ms, for
     * a child with 1,354 events). That made the generic plan of a cached prepared statement fine as well:
     * what it still reads (the child's or the agency-month's rows, then a top-N sort) costs a few ms, where
     * custom plans cost as much to plan and chose BitmapAnds over the whole scope (docs/AUDIT.md, section 4).
     */
    static String searchSql(AuditFilter filter, DpoScope scope, List<Object> params) {
        StringBuilder sql = new StringBuilder("SELECT c.seq, ").append(EventRows.COLUMNS)
                .append(" FROM (SELECT * FROM audit_event e WHERE ").append(scope.auditEvents("e", params));
        if (filter.childId() != null) {
            sql.append(" AND e.child_id = $").append(add(params, filter.childId()));
        }
        if (filter.agency() != null) {
            sql.append(" AND e.actor_agency = $").append(add(params, filter.agency()));
        }
        if (filter.user() != null) {
            sql.append(" AND e.actor_subject = $").append(add(params, filter.user()));
        }
        if (filter.purpose() != null) {
            sql.append(" AND e.purpose = $").append(add(params, filter.purpose()));
        }
        if (filter.decision() != null) {
            sql.append(" AND e.decision = $").append(add(params, filter.decision()));
        }
        if (filter.override() != null) {
            sql.append(filter.override()
                    ? " AND (e.override_justification IS NOT NULL OR e.override_approver IS NOT NULL)"
                    : " AND e.override_justification IS NULL AND e.override_approver IS NULL");
        }
        if (filter.from() != null) {
            sql.append(" AND e.recorded_at >= $").append(add(params, filter.from().atOffset(ZoneOffset.UTC)));
        }
        if (filter.to() != null) {
            sql.append(" AND e.recorded_at < $").append(add(params, filter.to().atOffset(ZoneOffset.UTC)));
        }
        if (filter.after() != null) {
            int at = add(params, filter.after().recordedAt().atOffset(ZoneOffset.UTC));
            sql.append(" AND (e.recorded_at, e.id) < ($").append(at).append(", $").append(add(params, filter.after().id())).append(')');
        }
        // One row more than asked for tells whether there is a next page without counting.
        return sql.append(" ORDER BY e.recorded_at DESC, e.id DESC LIMIT ").append(filter.limit() + 1)
                .append(") e LEFT JOIN audit_chain c ON c.recorded_at = e.recorded_at AND c.event_id = e.id")
                .append(" ORDER BY e.recorded_at DESC, e.id DESC").toString();
    }

    private static Page page(RowSet<Row> rows, AuditFilter filter) {
        List<AuditEventView> items = new ArrayList<>();
        for (Row row : rows) {
            items.add(AuditEventView.of(EventRows.read(row), row.getLong("seq")));
        }
        String next = null;
        if (items.size() > filter.limit()) {
            items = items.subList(0, filter.limit());
            AuditEventView last = items.get(items.size() - 1);
            next = new AuditFilter.Cursor(last.recordedAt(), last.id()).encode();
        }
        return new Page(List.copyOf(items), next);
    }

    /**
     * Every disclosure about the child in the scope, oldest first: permitted requests that released at
     * least one data category, to the scope's agencies or of their information; for a merged child, those
     * about either linked row, so an unmerge gives each side its own report back. At most {@code max + 1}
     * rows, so the caller can tell the report was cut short.
     */
    Uni<List<AuditEntry>> disclosures(UUID childId, Instant from, Instant to, int max, DpoScope scope) {
        List<Object> params = new ArrayList<>();
        return pool.preparedQuery(disclosuresSql(childId, from, to, max, scope, params)).execute(Tuple.from(params)).map(rows -> {
            List<AuditEntry> entries = new ArrayList<>();
            for (Row row : rows) {
                entries.add(EventRows.read(row));
            }
            return entries;
        });
    }

    static String disclosuresSql(UUID childId, Instant from, Instant to, int max, DpoScope scope, List<Object> params) {
        params.addAll(List.of(childId, (from == null ? Instant.EPOCH : from).atOffset(ZoneOffset.UTC),
                (to == null ? Instant.parse("9999-01-01T00:00:00Z") : to).atOffset(ZoneOffset.UTC), max + 1));
        String inScope = scope.auditEvents("e", params);
        return "SELECT " + EventRows.COLUMNS + " FROM audit_event e WHERE e.child_id IN ("
                + ChildLinks.linkedIds("$1") + ") AND e.decision = 'PERMIT' AND jsonb_array_length(e.categories) > 0"
                + " AND e.recorded_at >= $2 AND e.recorded_at < $3 AND " + inScope + " ORDER BY e.recorded_at, e.id LIMIT $4";
    }

    private static int add(List<Object> params, Object value) {
        params.add(value);
        return params.size();
    }
}
