package uk.safeguarding.gateway.audit.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import uk.safeguarding.gateway.audit.chain.SigningKeys;

/**
 * Verifies the audit trail straight from PostgreSQL, without the gateway running: for a DPO or an
 * auditor who trusts the database's bytes only as far as the hashes and signatures allow.
 * Run with {@code bin/audit-verify --help}. Exit status: 0 intact, 1 problems found, 2 could not verify.
 */
public final class AuditVerifyCli {

    private static final String USAGE = """
            usage: bin/audit-verify [--url JDBC_URL] [--user USER] [--password PASSWORD]
                                    [--public-key PEM]... [--witness DIR_OR_URL]... [--max-unwitnessed DURATION] [--json]
              --url         default: jdbc:$GATEWAY_DB_URL, else the demo's embedded database
                            jdbc:postgresql://127.0.0.1:15432/gateway
              --user        default: $GATEWAY_DB_USER, else postgres (the embedded database's user)
              --password    default: $GATEWAY_DB_PASSWORD (or $PGPASSWORD), else none
              --public-key  trusted checkpoint key(s); default: .local/audit-signing/ed25519-public.pem
              --witness     a witness's copy of the checkpoints (bin/audit-witness's --dir, or its URL);
                            detects a deleted tail and a rewritten chain, and states the unwitnessed window;
                            an https:// URL, or http:// to a loopback address only
              --max-unwitnessed  with --witness: an event recorded longer ago than this and not yet
                            witnessed is a problem (exit 1); ISO-8601 (PT5M) or 90s, 5m, 1h; default 5m
              --json        print the full report as JSON
            exit status: 0 intact, 1 problems found, 2 could not verify
            """;

    private AuditVerifyCli() {
    }

    public static void main(String[] args) {
        // Outside Quarkus, JUL's root logger is jboss-logmanager's at ALL, and Quarkus's delayed handler
        // would queue pgjdbc's FINEST line for every column read: CPU and memory growing with the chain.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String url = env("GATEWAY_DB_URL", null);
        url = url == null ? "jdbc:postgresql://127.0.0.1:15432/gateway" : url.startsWith("jdbc:") ? url : "jdbc:" + url;
        String user = env("GATEWAY_DB_USER", "postgres");
        String password = env("GATEWAY_DB_PASSWORD", env("PGPASSWORD", ""));
        List<String> keyFiles = new ArrayList<>();
        List<String> witnessSources = new ArrayList<>();
        boolean json = false;
        java.time.Duration maxUnwitnessed = WitnessCheck.DEFAULT_MAX_UNWITNESSED;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--url" -> url = args[++i];
                    case "--user" -> user = args[++i];
                    case "--password" -> password = args[++i];
                    case "--public-key" -> keyFiles.add(args[++i]);
                    case "--witness" -> witnessSources.add(args[++i]);
                    case "--max-unwitnessed" -> maxUnwitnessed = duration(args[++i]);
                    case "--json" -> json = true;
                    case "--help", "-h" -> {
                        out.print(USAGE);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            err.println(e instanceof ArrayIndexOutOfBoundsException ? "missing value after the last option" : e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (keyFiles.isEmpty()) {
            keyFiles.add(".local/audit-signing/ed25519-public.pem");
        }
        try {
            Map<String, PublicKey> keys = new LinkedHashMap<>();
            for (String file : keyFiles) {
                if (!Files.isReadable(Path.of(file))) {
                    err.println("audit-verify: no public key file " + file + " (the demo writes one on its first start; "
                            + "or pass --public-key)");
                    return 2;
                }
                PublicKey key = SigningKeys.publicKey(Files.readString(Path.of(file)));
                keys.put(SigningKeys.keyId(key), key);
            }
            List<WitnessCopy> witnesses = new ArrayList<>();
            for (String source : witnessSources) {
                witnesses.add(WitnessCopy.load(source));
            }
            Properties props = new Properties();
            props.setProperty("user", user);
            props.setProperty("password", password);
            props.setProperty("ApplicationName", "audit-verify");
            VerificationReport report;
            try (Connection connection = DriverManager.getConnection(url, props)) {
                report = JdbcAuditSource.verify(connection, keys, witnesses, maxUnwitnessed);
            }
            if (json) {
                out.println(new ObjectMapper().findAndRegisterModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                        .writerWithDefaultPrettyPrinter().writeValueAsString(report));
            } else {
                print(report, keys.keySet(), out);
            }
            return report.intact() ? 0 : 1;
        } catch (IOException | SQLException | IllegalArgumentException e) {
            err.println("audit-verify: could not verify: " + e.getMessage());
            return 2;
        }
    }

    private static java.time.Duration duration(String value) {
        try {
            if (value.toUpperCase().startsWith("P")) {
                return java.time.Duration.parse(value);
            }
            long amount = Long.parseLong(value.substring(0, value.length() - 1));
            return switch (value.charAt(value.length() - 1)) {
                case 's' -> java.time.Duration.ofSeconds(amount);
                case 'm' -> java.time.Duration.ofMinutes(amount);
                case 'h' -> java.time.Duration.ofHours(amount);
                default -> throw new IllegalArgumentException(value);
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--max-unwitnessed: not a duration: " + value);
        }
    }

    private static void print(VerificationReport r, Iterable<String> keyIds, PrintStream out) {
        out.printf("audit trail: %s%n", r.intact() ? "INTACT" : "BROKEN (" + r.problemCount() + " problem(s))");
        out.printf("  chain entries checked  %d (last seq %d, hash %s)%n", r.entriesChecked(), r.lastSeq(), r.lastHash());
        out.printf("  checkpoints checked    %d, trusted keys %s%n", r.checkpointsChecked(), String.join(", ", keyIds));
        if (r.lastCheckpoint() != null) {
            out.printf("  last checkpoint        %d..%d signed %s by %s%n", r.lastCheckpoint().firstSeq(),
                    r.lastCheckpoint().lastSeq(), r.lastCheckpoint().signedAt(), r.lastCheckpoint().keyId());
        }
        out.printf("  not yet signed         %d entries; %d events queued for sealing%n", r.unsignedEntries(), r.pendingEvents());
        if (r.witnessed() != null) {
            printWitnessed(r.witnessed(), out);
        }
        out.printf("  speed                  %d events/s (%d ms)%n", r.eventsPerSecond(), r.elapsedMillis());
        for (Finding f : r.problems()) {
            out.printf("  %-20s %-8s %s%s%n", f.kind(), f.seq() == null ? "-" : f.seq(), f.detail(),
                    f.eventId() == null ? "" : " [event " + f.eventId() + "]");
        }
    }

    private static void printWitnessed(VerificationReport.Witnessed w, PrintStream out) {
        for (VerificationReport.Witness witness : w.witnesses()) {
            out.printf("  witness                %s: %d checkpoints, newest up to seq %s signed %s, %d conflicts%n",
                    witness.source(), witness.checkpoints(), witness.newestSeq() == null ? "-" : witness.newestSeq(),
                    witness.newestSignedAt() == null ? "-" : witness.newestSignedAt(), witness.conflicts());
        }
        if (w.unwitnessedEntries() == 0) {
            out.printf("  unwitnessed window     none: every chain entry is covered by a witnessed checkpoint%n");
        } else {
            out.printf("  unwitnessed window     %d entries from seq %d (events recorded %s to %s): not yet witnessed, so a "
                    + "database superuser could still change or delete them undetected%n", w.unwitnessedEntries(),
                    w.unwitnessedFromSeq(), w.unwitnessedFrom(), w.unwitnessedTo());
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
