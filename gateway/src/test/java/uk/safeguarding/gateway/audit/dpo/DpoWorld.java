package uk.safeguarding.gateway.audit.dpo;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import uk.safeguarding.gateway.audit.AuditTestSupport.Entry;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.consent.ConsentFixtures;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * Two councils with children and activity, built once through the public API where a flow exists
 * (referrals, reads, consents, overrides) and as rows where none does yet (flags, dead letters, an
 * audit record naming whose information an override released):
 * <ul>
 *   <li>child T, known among councils only to Tower Hamlets: the Met refers it, Tower Hamlets' MASH
 *       reads it, records a consent; the Met asks for an override; one open and one resolved flag and
 *       two dead letters concern Tower Hamlets only;</li>
 *   <li>child L: Lancashire refers it to Tower Hamlets (its home council), whose MASH reads it: a
 *       disclosure of Lancashire's information to Tower Hamlets, recorded as such by the real read.</li>
 * </ul>
 */
final class DpoWorld {

    static final String TH = "la:E09000030";
    static final String LANCS = "la:E10000017";
    static final String MET = "police:met";
    static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";

    record World(String thNhs, UUID thChild, String thReferral, String thConsent, String thOverride, UUID thFlag,
            UUID thResolvedFlag, UUID thDeadLetter, UUID thRaisedDeadLetter, String lancsNhs, UUID lancsChild,
            String lancsReferral, String thReadOfLancs, String metOnlyRead) {
    }

    private static World world;

    private DpoWorld() {
    }

    static RequestSpecification as(String agency, String purpose, String... roles) {
        return given().auth().oauth2(TestTokens.forAgency(agency).roles(roles).subject(agency + "-" + UUID.randomUUID()).sign())
                .header(PurposeOfUse.HEADER, purpose);
    }

    /** A DPO of {@code agency}, reviewing (DPO-REVIEW). */
    static RequestSpecification dpo(String agency) {
        return as(agency, "DPO-REVIEW", "dpo");
    }

    /** Tower Hamlets' lead DPO: roles dpo and lead-dpo, the agency dpo-oversight names as lead-dpo. */
    static RequestSpecification leadDpo() {
        return as(TH, "DPO-REVIEW", "dpo", "lead-dpo");
    }

    static synchronized World world(AuditTrail trail) throws SQLException {
        if (world != null) {
            return world;
        }
        String thNhs = Fixtures.nhsNumber();
        String thReferral = refer(MET, "police-cse.json", thNhs);
        UUID thChild = childOf(thReferral);
        // Homerton refers too, so the Met is Tower Hamlets' MASH police partner for this child (a referrer
        // stands for its own referral only, and could not ask for the override below).
        as("nhs:RQX", "SAFEGUARDING", "practitioner").contentType(ContentType.JSON)
                .body(Fixtures.load("council-health.json", thNhs).replace("\"la:E10000017\"", "\"nhs:RQX\""))
                .when().post("/api/v1/referrals").then().statusCode(201);
        as(TH, "SAFEGUARDING", "practitioner").when().get("/api/v1/referrals/" + thReferral).then().statusCode(200);
        consent(thNhs, "deny");
        String thOverride = as(MET, "SAFEGUARDING", "practitioner").contentType(ContentType.JSON).body(ConsentFixtures.overrideBody())
                .when().post("/api/v1/children/" + thChild + "/consent-overrides").then().statusCode(201).extract().path("id");
        // A read on the override that released Tower Hamlets' information (no flow records that owner yet).
        Entry.permit().agency(MET).child(thChild).categories("health").owners(TH).lawfulBasis("dpa-sch8-p4")
                .reasons("mash-referral@1.0.0#health-partner-read", "consent-override:" + thOverride)
                .override("Asking her mother would alert the adult exploiting her.", null).record(trail);
        // Later the child consents; the Met reads on that consent, releasing Tower Hamlets' information.
        String thConsent = consent(thNhs, "permit");
        Entry.permit().agency(MET).child(thChild).categories("health").owners(TH).lawfulBasis("consent")
                .at(Instant.now().plusMillis(5)).record(trail);
        UUID thFlag = flag(thChild, "OPEN");
        UUID thResolvedFlag = flag(thChild, "RESOLVED");
        UUID thDeadLetter = deadLetter(TH, MET, thChild);
        UUID thRaisedDeadLetter = deadLetter(MET, TH, thChild);

        String lancsNhs = Fixtures.nhsNumber();
        String lancsReferral = refer(LANCS, "council-health.json", lancsNhs);
        UUID lancsChild = childOf(lancsReferral);
        String thReadOfLancs = "th-reads-lancs-" + UUID.randomUUID();
        as(TH, "SAFEGUARDING", "practitioner").header(RequestContext.REQUEST_ID_HEADER, thReadOfLancs)
                .when().get("/api/v1/referrals/" + lancsReferral).then().statusCode(200);
        // The Met reading its own information: nobody's DPO but the Met's (and the partnership's lead).
        String metOnlyRead = Entry.permit().agency(MET).child(lancsChild).categories("police-intelligence").owners(MET)
                .record(trail).requestId();
        world = new World(thNhs, thChild, thReferral, thConsent, thOverride, thFlag, thResolvedFlag, thDeadLetter,
                thRaisedDeadLetter, lancsNhs, lancsChild, lancsReferral, thReadOfLancs, metOnlyRead);
        return world;
    }

    /** A consent about health for the police, recorded by Tower Hamlets' MASH. */
    private static String consent(String nhs, String type) {
        return as(TH, "SAFEGUARDING", "practitioner").contentType(ContentType.JSON).body("""
                {"child": {"system": "%s", "value": "%s"},
                 "consentedBy": {"type": "child", "basis": "gillick-competent"},
                 "provisions": [{"type": "%s", "categories": ["health"], "recipientAgencyTypes": ["police"], "purposes": ["SAFEGUARDING"]}],
                 "period": {"start": "2020-01-01T00:00:00Z"}}""".formatted(NHS, nhs, type))
                .when().post("/api/v1/consents").then().statusCode(201).extract().path("id");
    }

    private static String refer(String agency, String fixture, String nhs) {
        return as(agency, "SAFEGUARDING", "practitioner").contentType(ContentType.JSON).body(Fixtures.load(fixture, nhs))
                .when().post("/api/v1/referrals").then().statusCode(201).extract().path("id");
    }

    private static UUID childOf(String referral) {
        return (UUID) Db.query("SELECT child_id FROM referral WHERE id = ?", UUID.fromString(referral)).get(0).get("child_id");
    }

    /** A flag about a Tower Hamlets worker, shown to Tower Hamlets' DPO only. */
    private static UUID flag(UUID child, String status) throws SQLException {
        UUID id = UUID.randomUUID();
        Instant at = Instant.now().minus(Duration.ofMinutes(5));
        Db.update("INSERT INTO audit_anomaly (id, kind, dedupe_key, actor_agency, actor_subject, child_id, window_start, window_end,"
                        + " event_count, first_event_id, last_event_at, summary, status, resolved_at, resolved_by, resolution_note, agencies)"
                        + " VALUES (?, 'OUT_OF_HOURS', ?, ?, 'th-worker', ?, ?, ?, 1, ?, ?, 'Access outside working hours', ?, ?, ?, ?,"
                        + " ARRAY['" + TH + "'])",
                id, "OUT_OF_HOURS|" + id, TH, child, java.sql.Timestamp.from(at), java.sql.Timestamp.from(at), UUID.randomUUID(),
                java.sql.Timestamp.from(at), status, status.equals("OPEN") ? null : java.sql.Timestamp.from(at),
                status.equals("OPEN") ? null : "th-dpo", status.equals("OPEN") ? null : "Checked");
        return id;
    }

    private static UUID deadLetter(String recipient, String raisedBy, UUID child) throws SQLException {
        UUID id = UUID.randomUUID();
        Db.update("INSERT INTO alert (id, recipient_agency, event, child_id, payload, status, dead_at, attempts, last_error)"
                + " VALUES (?, ?, 'risk-changed', ?, ?::jsonb, 'DEAD', now(), 12, 'HTTP 503')", id, recipient, child,
                new io.vertx.core.json.JsonObject(Map.of("raisedBy", raisedBy)).encode());
        return id;
    }
}
