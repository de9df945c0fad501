package uk.safeguarding.gateway.alert;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The loop every deadline clock runs: claim the rows that are due (the query ends in
 * {@code FOR UPDATE SKIP LOCKED}, so replicas never act on the same row twice) and act on each, one
 * after another, in one transaction; returns how many.
 */
public final class DueRows {

    private DueRows() {
    }

    public static int each(Pool pool, String claim, Tuple params, BiFunction<SqlClient, Row, Uni<?>> act) {
        return pool.withTransaction(tx -> tx.preparedQuery(claim).execute(params).chain(rows -> {
            List<Row> due = new ArrayList<>();
            rows.forEach(due::add);
            Uni<Integer> chain = Uni.createFrom().item(0);
            for (Row row : due) {
                chain = chain.chain(n -> act.apply(tx, row).replaceWith(n + 1));
            }
            return chain;
        })).await().indefinitely();
    }
}
