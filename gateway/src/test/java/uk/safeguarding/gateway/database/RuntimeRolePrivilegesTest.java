package uk.safeguarding.gateway.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.EmbeddedPostgresResource;
import uk.safeguarding.launcher.EmbeddedDatabase;

/**
 * The runtime role's privileges, read from the catalogs of the migrated database, are exactly the list
 * in docs/SECURITY.md section 13: a table added without a grant, or a grant added without a line there,
 * fails here.
 */
@QuarkusTest
class RuntimeRolePrivilegesTest {

    static final Path SECURITY = Path.of("..", "docs", "SECURITY.md");
    static final String RUNTIME = EmbeddedDatabase.RUNTIME;

    /** Tables, partitions, views and sequences: table-level and column-level grants, as "UPDATE(a, b)". */
    private static final String RELATION_GRANTS = """
            WITH rel AS (
                SELECT c.oid, c.relname, c.relacl FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S'))
            SELECT rel.relname, a.privilege_type AS privilege, NULL AS column_name
            FROM rel, aclexplode(rel.relacl) a WHERE a.grantee = '%1$s'::regrole
            UNION ALL
            SELECT rel.relname, a.privilege_type, att.attname
            FROM rel JOIN pg_attribute att ON att.attrelid = rel.oid AND att.attnum > 0 AND NOT att.attisdropped,
                 aclexplode(att.attacl) a WHERE a.grantee = '%1$s'::regrole
            UNION ALL
            SELECT rel.relname, NULL, NULL FROM rel
            """.formatted(RUNTIME);

    private static final String FUNCTIONS = """
            SELECT p.proname, has_function_privilege('%s', p.oid, 'EXECUTE') AS executable
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
            """.formatted(RUNTIME);

    @Test
    void everyObjectHasExactlyTheDocumentedPrivileges() throws Exception {
        Map<String, TreeSet<String>> documented = documented();
        Map<String, TreeSet<String>> actual = new TreeMap<>();
        try (Connection c = EmbeddedPostgresResource.database().dataSource().getConnection();
                Statement s = c.createStatement()) {
            Map<String, Map<String, TreeSet<String>>> columns = new TreeMap<>();
            try (ResultSet rs = s.executeQuery(RELATION_GRANTS)) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    actual.computeIfAbsent(name, k -> new TreeSet<>());
                    String privilege = rs.getString(2);
                    if (privilege == null) {
                        continue;
                    }
                    if (rs.getString(3) == null) {
                        actual.get(name).add(privilege);
                    } else {
                        columns.computeIfAbsent(name, k -> new TreeMap<>())
                                .computeIfAbsent(privilege, k -> new TreeSet<>()).add(rs.getString(3));
                    }
                }
            }
            // Column grants are written "UPDATE(a, b)"; one the table-level privilege already covers adds nothing.
            columns.forEach((table, byPrivilege) -> byPrivilege.forEach((privilege, cols) -> {
                if (!actual.get(table).contains(privilege)) {
                    actual.get(table).add(privilege + "(" + String.join(", ", cols) + ")");
                }
            }));
            try (ResultSet rs = s.executeQuery(FUNCTIONS)) {
                while (rs.next()) {
                    TreeSet<String> privileges = actual.computeIfAbsent(rs.getString(1) + "()", k -> new TreeSet<>());
                    if (rs.getBoolean(2)) {
                        privileges.add("EXECUTE");
                    }
                }
            }
        }
        List<String> differences = new ArrayList<>();
        for (String name : new TreeSet<>(union(actual.keySet(), documented.keySet()))) {
            if (!documented.containsKey(name)) {
                differences.add(name + ": in the database, not in docs/SECURITY.md section 13 (grants " + actual.get(name) + ")");
            } else if (!actual.containsKey(name)) {
                differences.add(name + ": in docs/SECURITY.md section 13, not in the database");
            } else if (!documented.get(name).equals(actual.get(name))) {
                differences.add(name + ": documented " + documented.get(name) + ", granted " + actual.get(name));
            }
        }
        assertTrue(differences.isEmpty(), String.join("\n", differences));
        assertTrue(documented.containsKey("audit_event"), "the list was parsed");
    }

    @Test
    void nothingIsGrantedToPublicAndNothingWithGrantOption() throws Exception {
        try (Connection c = EmbeddedPostgresResource.database().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("""
                        SELECT c.relname, a.grantee, a.privilege_type, a.is_grantable
                        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
                        WHERE n.nspname = 'public' AND (a.grantee = 0 OR (a.is_grantable AND a.grantee <> c.relowner))
                        """)) {
            List<String> found = new ArrayList<>();
            while (rs.next()) {
                found.add(rs.getString(1) + " " + rs.getString(3) + (rs.getLong(2) == 0 ? " to PUBLIC" : " with grant option"));
            }
            assertTrue(found.isEmpty(), String.join("\n", found));
        }
    }

    @Test
    void theRuntimeRoleOwnsNothingAndIsNobody() throws Exception {
        try (Connection c = EmbeddedPostgresResource.database().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("""
                        SELECT (SELECT count(*) FROM pg_class WHERE relowner = r.oid)
                             + (SELECT count(*) FROM pg_proc WHERE proowner = r.oid)
                             + (SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid)
                             + (SELECT count(*) FROM pg_type WHERE typowner = r.oid)
                             + (SELECT count(*) FROM pg_database WHERE datdba = r.oid) AS owned,
                               (SELECT count(*) FROM pg_auth_members WHERE member = r.oid) AS memberships,
                               r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls, r.rolreplication,
                               (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                WHERE n.nspname = 'public' AND c.relowner <> d.datdba) AS not_owner_owned,
                               pg_get_userbyid(d.datdba) AS database_owner
                        FROM pg_roles r, pg_database d WHERE r.rolname = '%s' AND d.datname = current_database()
                        """.formatted(RUNTIME))) {
            assertTrue(rs.next(), RUNTIME + " exists");
            assertEquals(0, rs.getLong("owned"), "objects owned by " + RUNTIME);
            assertEquals(0, rs.getLong("memberships"), "roles " + RUNTIME + " is a member of");
            for (String attribute : List.of("rolsuper", "rolcreaterole", "rolcreatedb", "rolbypassrls", "rolreplication")) {
                assertFalse(rs.getBoolean(attribute), RUNTIME + " " + attribute);
            }
            assertEquals(EmbeddedDatabase.OWNER, rs.getString("database_owner"));
            assertEquals(0, rs.getLong("not_owner_owned"), "tables in public not owned by the database owner");
        }
    }

    /** Rows of the table between the runtime-privileges markers: name to privileges ("none" is empty). */
    static Map<String, TreeSet<String>> documented() throws IOException {
        String text = Files.readString(SECURITY);
        int begin = text.indexOf("<!-- runtime-privileges:begin -->");
        int end = text.indexOf("<!-- runtime-privileges:end -->");
        assertTrue(begin >= 0 && end > begin, "docs/SECURITY.md has the runtime-privileges markers");
        Map<String, TreeSet<String>> rows = new TreeMap<>();
        Matcher row = Pattern.compile("(?m)^\\| `([a-z_0-9]+(?:\\(\\))?)` \\| ([^|]+) \\|").matcher(text.substring(begin, end));
        while (row.find()) {
            TreeSet<String> privileges = new TreeSet<>();
            String cell = row.group(2).trim();
            if (!cell.equals("none")) {
                // Split on commas outside parentheses: "SELECT, UPDATE(a, b)".
                for (String privilege : cell.split(",(?![^(]*\\))")) {
                    privileges.add(privilege.trim().replaceAll("\\s+", " ").replace(" (", "("));
                }
            }
            assertFalse(rows.containsKey(row.group(1)), "listed twice: " + row.group(1));
            rows.put(row.group(1), privileges);
        }
        return rows;
    }

    private static TreeSet<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        TreeSet<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }
}
