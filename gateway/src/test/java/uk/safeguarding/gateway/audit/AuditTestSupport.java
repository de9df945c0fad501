package uk.safeguarding.gateway.audit;

import static io.restassured.RestAssured.given;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import uk.safeguarding.gateway.audit.chain.AuditCheckpointer;
import uk.safeguarding.gateway.audit.chain.AuditSealer;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/** Shared by the audit tests: a DPO's requests, crafted audit entries, and sealing on demand. */
public final class AuditTestSupport {

    public static final String DPO_AGENCY = "la:E09000030";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private AuditTestSupport() {
    }

    /** A request as a DPO of {@value #DPO_AGENCY} reviewing the trail (DPO-REVIEW). */
    public static RequestSpecification dpo() {
        return dpo("DPO-REVIEW");
    }

    /** A request as a DPO with the given purpose of use (DPO-REVIEW or SAR are the ones allowed). */
    public static RequestSpecification dpo(String purpose) {
        return given().auth().oauth2(TestTokens.forAgency(DPO_AGENCY).roles("dpo").subject("dpo-" + UUID.randomUUID()).sign())
                .header("Purpose-Of-Use", purpose);
    }

    /** A request as a DPO of {@code agency} reviewing the trail (DPO-REVIEW): their scope is that agency. */
    public static RequestSpecification dpoOf(String agency) {
        return given().auth().oauth2(TestTokens.forAgency(agency).roles("dpo").subject("dpo-" + UUID.randomUUID()).sign())
                .header("Purpose-Of-Use", "DPO-REVIEW");
    }

    /**
     * A full pass now (POST), as the GET answers from the scheduled verifier's state. Frees the full-pass
     * slot first: the rate limit (checked by FullPassRateLimitTest) would refuse a second pass within minutes.
     */
    public static JsonPath verify() {
        try {
            Db.update("UPDATE audit_verification SET full_started_at = NULL");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return dpo().when().post("/api/v1/audit/verify").then().statusCode(200).extract().jsonPath();
    }

    public static void sealEverything(AuditSealer sealer) {
        sealer.sealAvailable(true).await().atMost(WAIT);
    }

    public static void sealAndSign(AuditSealer sealer, AuditCheckpointer checkpointer) {
        sealEverything(sealer);
        checkpointer.checkpointAll().await().atMost(WAIT);
    }

    /** A child known by an NHS-number-like identifier, created directly in the child index. */
    public static UUID child(String system, String value) {
        UUID id = UUID.randomUUID();
        try {
            Db.update("INSERT INTO child (id) VALUES (?)", id);
            Db.update("INSERT INTO child_identifier (system, value, child_id) VALUES (?, ?, ?)", system, value, id);
            // The DPO's own council holds the child's case: a DPO answers only for children its agency knows.
            Db.update("INSERT INTO relationship (child_id, agency_id, kind, source_type, source_id) VALUES (?, ?, ?, ?, ?)",
                    id, "la:E09000030", "allocated-case", "allocation", UUID.randomUUID());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    /** Builds audit entries for a test without spelling out all 22 fields each time. */
    public static final class Entry {
        private Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        private String subject = "user-" + UUID.randomUUID();
        private String kind = "USER";
        private String agency = "police:met";
        private String purpose = "SAFEGUARDING";
        private String action = "child.read";
        private UUID child;
        private List<String> categories = List.of();
        private String decision = "PERMIT";
        private String denialCode;
        private String lawfulBasis = "ukgdpr-6-1-e";
        private String justification;
        private String approver;
        private int outcome = 200;
        private List<String> owners;
        private List<String> reasons = List.of("test-protocol@1.0.0#rule");

        public static Entry permit() {
            return new Entry();
        }

        public Entry at(Instant at) {
            this.at = at.truncatedTo(ChronoUnit.MICROS);
            return this;
        }

        public Entry subject(String subject) {
            this.subject = subject;
            return this;
        }

        public Entry client() {
            this.kind = "CLIENT";
            return this;
        }

        public Entry agency(String agency) {
            this.agency = agency;
            return this;
        }

        public Entry purpose(String purpose) {
            this.purpose = purpose;
            return this;
        }

        public Entry action(String action) {
            this.action = action;
            return this;
        }

        public Entry child(UUID child) {
            this.child = child;
            return this;
        }

        public Entry categories(String... categories) {
            this.categories = List.of(categories);
            return this;
        }

        public Entry denied(String code) {
            this.decision = "DENY";
            this.denialCode = code;
            this.outcome = code.equals("NOT_FOUND") ? 404 : 403;
            this.lawfulBasis = null;
            return this;
        }

        public Entry lawfulBasis(String basis) {
            this.lawfulBasis = basis;
            return this;
        }

        public Entry reasons(String... reasons) {
            this.reasons = List.of(reasons);
            return this;
        }

        /** Whose information the event disclosed (data_owners); unset writes a row as before the column (NULL). */
        public Entry owners(String... agencies) {
            this.owners = List.of(agencies);
            return this;
        }

        public Entry override(String justification, String approver) {
            this.justification = justification;
            this.approver = approver;
            return this;
        }

        public AuditEntry build() {
            return new AuditEntry(UUID.randomUUID(), at, "test-" + UUID.randomUUID(), subject, "test-client", kind, agency,
                    List.of("practitioner"), purpose, action, child == null ? null : "Child", child == null ? null : child.toString(),
                    child, categories, decision, reasons, denialCode, lawfulBasis, justification,
                    approver, outcome, "192.0.2.10", owners);
        }

        /** Writes the entry through the real AuditTrail (event and queue row in one transaction). */
        public AuditEntry record(AuditTrail trail) {
            AuditEntry entry = build();
            trail.recordStandalone(entry).await().atMost(WAIT);
            return entry;
        }
    }
}
