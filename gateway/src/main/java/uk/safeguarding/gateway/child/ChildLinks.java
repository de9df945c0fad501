package uk.safeguarding.gateway.child;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A merge is a link resolved on every read (docs/IDENTITY.md): a read of child X covers X and the child
 * actively linked to it, if any. Merges are pairs of unlinked children, so the set has one or two ids
 * and needs no recursion. Writes never go through here: they keep the id their identifier resolved to,
 * which is what lets an unmerge restore each side exactly.
 */
@ApplicationScoped
public class ChildLinks {

    /**
     * A subquery listing the child {@code param} names and its actively linked child, for a read's
     * {@code IN (...)}; {@code param} is a uuid placeholder such as {@code $1}.
     */
    public static String linkedIds(String param) {
        return "SELECT " + param + "::uuid UNION ALL SELECT CASE WHEN l.child_a = " + param
                + " THEN l.child_b ELSE l.child_a END FROM child_link l WHERE (l.child_a = " + param
                + " OR l.child_b = " + param + ") AND l.ended_at IS NULL";
    }

    /** The child first, then the child actively linked to it (if any). */
    public Uni<List<UUID>> resolve(SqlClient client, UUID childId) {
        return client.preparedQuery(linkedIds("$1")).execute(Tuple.of(childId)).map(rows -> {
            List<UUID> ids = new ArrayList<>();
            for (Row row : rows) {
                ids.add(row.getUUID(0));
            }
            return ids;
        });
    }
}
