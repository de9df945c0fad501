package uk.safeguarding.gateway.support;

import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import uk.safeguarding.launcher.EmbeddedDatabase;

/**
 * The database the tests run on: the embedded PostgreSQL 17, or an external one named by
 * {@code GATEWAY_TEST_DB_URL} (a {@code jdbc:postgresql://} URL whose database and two roles exist,
 * docs/OPERATIONS.md). Either way trust authentication on loopback: connections name a role and no password.
 */
public final class TestDatabase {

    private final String jdbcUrl;
    private final String superuser;
    private final boolean external;

    private TestDatabase(String jdbcUrl, String superuser, boolean external) {
        this.jdbcUrl = jdbcUrl;
        this.superuser = superuser;
        this.external = external;
    }

    static TestDatabase embedded(EmbeddedDatabase database) {
        return new TestDatabase(database.jdbcUrl(), EmbeddedDatabase.SUPERUSER, false);
    }

    static TestDatabase external(String jdbcUrl, String superuser) {
        return new TestDatabase(jdbcUrl, superuser, true);
    }

    /** True when GATEWAY_TEST_DB_URL named the database (its PostgreSQL version is whatever runs there). */
    public boolean external() {
        return external;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The URL without {@code jdbc:}, the form the reactive client takes. */
    public String reactiveUrl() {
        return jdbcUrl.substring("jdbc:".length());
    }

    /** Another database on the same server (created by the caller, as the superuser). */
    public DataSource dataSource(String database, String role) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(jdbcUrl.replaceFirst("/[^/?]+(\\?.*)?$", "/" + database + "$1"));
        source.setUser(role);
        return source;
    }

    public String superuser() {
        return superuser;
    }

    /** As the superuser: the DBA, or the attacker holding the DBA's password. */
    public DataSource dataSource() {
        return dataSource(superuser);
    }

    /** As {@code role}, e.g. {@link EmbeddedDatabase#RUNTIME} to see what the serving gateway may do. */
    public DataSource dataSource(String role) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(jdbcUrl);
        source.setUser(role);
        return source;
    }
}
