package uk.safeguarding.gateway.database;

import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.util.Locale;
import java.util.Set;

/**
 * Tells "the database is unreachable or restarting" (retry later: 503) apart from a fault in the
 * gateway (500). Looks through the whole cause chain: the reactive client wraps its failures.
 */
public final class DatabaseFailures {

    /** What the 503 tells callers to wait; a restarting PostgreSQL is usually back within this. */
    public static final long RETRY_AFTER_SECONDS = 5;

    // 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 53300 too many connections.
    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300");

    private static final String[] UNAVAILABLE_MESSAGES = {
        "connection refused", "connection is closed", "connection closed", "connection reset",
        "failed to connect", "connection timed out", "timeout", "pool closed", "broken pipe",
        "the database system is", "closed connection", "connection was closed",
    };

    private DatabaseFailures() {
    }

    public static boolean unavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof io.vertx.sqlclient.ClosedConnectionException
                    || t instanceof java.nio.channels.ClosedChannelException) {
                return true;
            }
            if (t instanceof PgException pg) {
                String state = pg.getSqlState();
                if (state != null && (state.startsWith("08") || UNAVAILABLE_STATES.contains(state))) {
                    return true;
                }
                continue;
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            boolean fromDriver = t.getClass().getName().startsWith("io.vertx") || t.getClass().getName().startsWith("io.netty")
                    || t instanceof java.io.IOException;
            if (fromDriver) {
                for (String m : UNAVAILABLE_MESSAGES) {
                    if (message.contains(m)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The failure's class names, for a log line that carries no data. */
    public static String describe(Throwable failure) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = failure; t != null && out.length() < 300; t = t.getCause() == t ? null : t.getCause()) {
            out.append(out.length() == 0 ? "" : " <- ").append(t.getClass().getSimpleName());
        }
        return out.toString();
    }
}
