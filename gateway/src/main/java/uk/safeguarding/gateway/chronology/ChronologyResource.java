package uk.safeguarding.gateway.chronology;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.child.ChildLinks;
import uk.safeguarding.gateway.placement.Cases;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * A child's story across agencies in time order, each entry released by its record's own decision
 * (docs/CHRONOLOGY.md). The read is access-checked first on the child as a whole, like the risk
 * history: an unknown child and one the caller has no standing with are the same 404.
 */
@Tag(name = "Chronology", description = "Every event about a child across agencies, in time order, each entry released only where the record's own read would release it; withheld entries are left out without a trace.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@APIResponse(responseCode = "400", ref = "Problem")
@Path("/api/v1/children/{childId}/chronology")
@Produces(MediaType.APPLICATION_JSON)
public class ChronologyResource {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    static final String ACTION = "child.chronology";

    /** One page: entries oldest first, and the cursor of the next page (absent on the last one). No totals. */
    @Schema(name = "ChronologyPage")
    public record Page(UUID childId, List<ChronologyEntry> entries, String next) {
    }

    private record Released(ChronologyEntry entry, ChronologyQuery.Key key) {
    }

    private final Pool pool;
    private final PolicyService policy;
    private final RequestContext context;
    private final AuditTrail audit;
    private final Cases cases;
    private final ChildLinks links;
    private final Map<String, ChronologySource> byKind = new HashMap<>();
    private final String sql;

    ChronologyResource(Pool pool, PolicyService policy, RequestContext context, AuditTrail audit, Cases cases,
            ChildLinks links, Instance<ChronologySource> sources) {
        this.links = links;
        this.pool = pool;
        this.policy = policy;
        this.context = context;
        this.audit = audit;
        this.cases = cases;
        List<ChronologySource> all = sources.stream().toList();
        for (ChronologySource s : all) {
            for (String kind : s.kinds()) {
                if (byKind.put(kind, s) != null) {
                    throw new IllegalStateException("Two chronology sources list kind " + kind);
                }
            }
        }
        this.sql = ChronologyQuery.sql(all);
    }

    /** The statement a page runs (the bench gives the same text to pgbench). */
    public String sql() {
        return sql;
    }

    @Operation(summary = "The child's multi-agency chronology, oldest first",
        description = "Referrals and responses, placements, missing and found, return interviews, risk assessments by agency, shared risk changes, consent, trigger plan versions, professional disagreements with their escalation steps. Each entry is released only when the record's own read would release it to the caller; withheld entries are left out (no counts, no gaps). Keyset-paged: pass `next` as `cursor`.")
    @Parameter(ref = "PurposeOfUse")
    @Parameter(name = "from", description = "Only events at or after this instant (ISO-8601, e.g. 2026-01-01T00:00:00Z).")
    @Parameter(name = "to", description = "Only events before this instant (ISO-8601).")
    @Parameter(name = "kind", description = "Only these kinds (repeatable): referral, referral-response, placement, missing, found, return-home, return-interview, risk-assessment, shared-risk-change, case-event, consent, disagreement, trigger-plan, strategy-discussion, strategy-decision, strategy-action, strategy-action-overdue.")
    @Parameter(name = "cursor", description = "The `next` value of the previous page.")
    @Parameter(name = "limit", description = "Entries per page, 1 to 200 (default 50).")
    @APIResponse(responseCode = "200", description = "One page of the chronology as released to the caller.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Page.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @GET
    @RolesAllowed({"practitioner", "supervisor", "provider"})
    public Uni<Page> read(@PathParam("childId") UUID childId, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("kind") List<String> kinds, @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        Actor reader = context.requireActor();
        context.describe(ACTION, "Child", childId.toString(), childId);
        // The child is authorised before any parameter is checked: for a child the caller may not see, the
        // answer is a random id's 404 whatever the query says (a 400 would tell that the id passed the check).
        return pool.withTransaction(tx -> policy.authorised(tx, Target.wholeChild(childId, Target.GATEWAY), "read",
                        List.of("identity"), b -> b)
                .chain(authorised -> {
                    Query query = query(from, to, kinds, cursor, limit);
                    return links.resolve(tx, childId).chain(ids -> policy.consents(tx, childId, reader,
                                    context.purpose().orElseThrow())
                            .chain(consents -> missing(tx, ids, reader, new LinkedHashMap<>())
                                    .map(missing -> new Releaser(policy, reader, context.purpose().orElseThrow(),
                                            authorised.standing(), consents, missing))))
                            .chain(releaser -> read(tx, childId, releaser, query));
                })
                .chain(page -> audit.record(tx, audit.entryFor(context, ACTION, 200)).invoke(context::markAudited)
                        .replaceWith(page)));
    }

    /** The page's parameters, checked (a 400 naming the parameter). */
    private record Query(Instant since, Instant until, List<String> kinds, int size, ChronologyQuery.Key after) {
    }

    private Query query(String from, String to, List<String> kinds, String cursor, String limit) {
        Instant since = instant("from", from);
        Instant until = instant("to", to);
        if (since != null && until != null && !until.isAfter(since)) {
            throw ApiException.badRequest("to", "PERIOD_EMPTY", "to must be after from.");
        }
        List<String> wanted = kinds(kinds);
        int size = limit(limit);
        ChronologyQuery.Key after = cursor == null || cursor.isBlank() ? null : ChronologyQuery.Key.decode(cursor);
        return new Query(since, until, wanted, size, after);
    }

    /**
     * Whether each child the read covers is missing for the reader: a linked row's case events are
     * released under that row's own status, as their own read decides them (CaseEventResource).
     */
    private Uni<Map<UUID, Boolean>> missing(SqlClient tx, List<UUID> ids, Actor reader, Map<UUID, Boolean> acc) {
        if (acc.size() == ids.size()) {
            return Uni.createFrom().item(acc);
        }
        UUID next = ids.get(acc.size());
        return cases.isMissing(tx, next, reader).chain(m -> {
            acc.put(next, m);
            return missing(tx, ids, reader, acc);
        });
    }

    private Uni<Page> read(SqlClient tx, UUID childId, Releaser releaser, Query q) {
        // A merged child's entries are those of both linked rows, each released by the same decision.
        return fill(tx, releaser, releaser.childIds(), q.since(), q.until(), q.kinds(), q.after(), q.size(), new ArrayList<>())
                .map(released -> {
                    releaser.recordOwners();
                    boolean more = released.size() > q.size();
                    List<Released> shown = more ? released.subList(0, q.size()) : released;
                    return new Page(childId, shown.stream().map(Released::entry).toList(),
                            more ? shown.get(shown.size() - 1).key().encode() : null);
                });
    }

    /**
     * Reads candidates in batches until one more entry than the page is released (so "next" is given
     * only when a released entry follows) or the child's events run out.
     */
    private Uni<List<Released>> fill(SqlClient tx, Releaser releaser, List<UUID> childIds, Instant since, Instant until, List<String> kinds,
            ChronologyQuery.Key after, int size, List<Released> acc) {
        int batch = Math.max(2 * (size + 1), 100);
        return ChronologyQuery.slice(tx, sql, childIds, since, until, kinds, after, batch)
                .chain(rows -> {
                    ChronologyQuery.Key last = after;
                    int seen = 0;
                    for (Row row : rows) {
                        seen++;
                        last = new ChronologyQuery.Key(row.getOffsetDateTime("at").toInstant(), row.getString("kind"),
                                row.getString("entry_key"));
                        ChronologySource source = byKind.get(row.getString("kind"));
                        Optional<ChronologyEntry> entry = source == null ? Optional.empty() : source.release(row, releaser);
                        if (entry.isPresent()) {
                            acc.add(new Released(named(entry.get()), last));
                            if (acc.size() > size) {
                                return Uni.createFrom().item(acc);
                            }
                        }
                    }
                    if (seen < batch) {
                        return Uni.createFrom().item(acc);
                    }
                    return fill(tx, releaser, childIds, since, until, kinds, last, size, acc);
                });
    }

    /** Agencies by id and display name (the protocols' vocabulary, with onboarded signatories). */
    private ChronologyEntry named(ChronologyEntry e) {
        Map<String, String> names = policy.engine().vocabulary().agencies();
        return new ChronologyEntry(e.kind(), e.at(), e.code(), name(e.agency(), names), name(e.otherAgency(), names),
                e.recordType(), e.recordId(), e.link(), e.details());
    }

    private static ChronologyEntry.Agency name(ChronologyEntry.Agency a, Map<String, String> names) {
        return a == null ? null : new ChronologyEntry.Agency(a.id(), names.getOrDefault(a.id(), a.id()));
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name, "INVALID_INSTANT",
                    name + " must be an ISO-8601 instant such as 2026-01-01T00:00:00Z.");
        }
    }

    private List<String> kinds(List<String> given) {
        if (given == null || given.isEmpty()) {
            return null;
        }
        for (String k : given) {
            if (!byKind.containsKey(k)) {
                throw ApiException.badRequest("kind", "UNKNOWN_KIND", "kind must be one of " + new TreeSet<>(byKind.keySet()) + ".");
            }
        }
        return List.copyOf(new TreeSet<>(given));
    }

    private static int limit(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below, like an out-of-range number
        }
        throw ApiException.badRequest("limit", "INVALID_LIMIT", "limit must be a whole number from 1 to " + MAX_LIMIT + ".");
    }
}
