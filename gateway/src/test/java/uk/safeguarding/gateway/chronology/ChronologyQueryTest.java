package uk.safeguarding.gateway.chronology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.mutiny.sqlclient.Row;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The start-up guard on chronology fragments (docs/IDENTITY.md): only the equality {@code child_id = $1}
 * is widened to a merged child's ids; a comparison on $1 is not an equality, and rewriting it to
 * {@code <= ANY(...)} would read other children's rows, so the gateway refuses to start instead.
 */
class ChronologyQueryTest {

    private static ChronologySource fragment(String sql) {
        return new ChronologySource() {
            @Override
            public Set<String> kinds() {
                return Set.of("fake");
            }

            @Override
            public String sql() {
                return sql;
            }

            @Override
            public Optional<ChronologyEntry> release(Row row, Releaser releaser) {
                return Optional.empty();
            }
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1 FROM t WHERE t.child_id = $1", "SELECT 1 FROM t WHERE t.child_id=$1",
        "SELECT 1 FROM t WHERE t.child_id =\n  $1"})
    void theEqualityIsWidenedToTheMergedChildren(String sql) {
        String widened = ChronologyQuery.forLinkedChildren(fragment(sql));
        assertTrue(widened.matches("SELECT 1 FROM t WHERE t\\.child_id ?= ANY\\(\\$1::uuid\\[\\]\\)"), widened);
    }

    @Test
    void aLaterParameterIsNotTouched() {
        assertEquals("SELECT 1 FROM t WHERE t.child_id = ANY($1::uuid[]) AND t.x = $10",
                ChronologyQuery.forLinkedChildren(fragment("SELECT 1 FROM t WHERE t.child_id = $1 AND t.x = $10")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1 FROM t WHERE t.child_id <= $1", "SELECT 1 FROM t WHERE t.child_id >= $1",
        "SELECT 1 FROM t WHERE t.child_id != $1", "SELECT 1 FROM t WHERE t.child_id <> $1",
        "SELECT 1 FROM t WHERE t.child_id<=$1", "SELECT 1 FROM t WHERE t.child_id = $1 OR t.other_id >= $1",
        "SELECT 1 FROM t WHERE t.child_id <= ANY($1::uuid[])", "SELECT $1::uuid AS child"})
    void anyOtherUseOfTheChildParameterStopsTheGateway(String sql) {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> ChronologyQuery.forLinkedChildren(fragment(sql)), sql);
        assertTrue(refused.getMessage().contains("child_id = $1"), refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"<=", ">=", "!="})
    void aComparisonIsNeverRewritten(String op) {
        String sql = "SELECT 1 FROM t WHERE t.child_id = $1 AND t.at " + op + " now()";
        assertEquals("SELECT 1 FROM t WHERE t.child_id = ANY($1::uuid[]) AND t.at " + op + " now()",
                ChronologyQuery.forLinkedChildren(fragment(sql)));
    }
}
