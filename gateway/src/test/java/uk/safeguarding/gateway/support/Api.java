package uk.safeguarding.gateway.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Callers of the public API as the attack tests use them: an agency, a person in it, roles and a
 * purpose; and the shape of an answer (status, content type, problem code and the tree of JSON keys),
 * so that "answers exactly like" can be asserted without the values that must differ (ids, times).
 */
public final class Api {

    public static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
    public static final String POLICE_ID = "https://police.example/Id/met-person";
    public static final String COUNCIL_CASE = "https://towerhamlets.example/Id/case-number";

    private Api() {
    }

    /** A request as {@code subject} of {@code agency} with these roles, for {@code purpose}. */
    public static RequestSpecification as(String agency, String subject, String purpose, String... roles) {
        return given().auth().oauth2(TestTokens.forAgency(agency).roles(roles).subject(subject).sign())
                .header("Purpose-Of-Use", purpose).contentType(ContentType.JSON);
    }

    public static RequestSpecification practitioner(String agency, String purpose) {
        return as(agency, "pr-" + agency, purpose, "practitioner");
    }

    /** A placement by {@code placing} of the child known by {@code system|value}, naming the usual host agencies. */
    public static Map<String, Object> placement(String system, String value) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("child", Map.of("system", system, "value", value));
        body.put("provider", "provider:SC654321");
        body.put("hostCouncil", "la:E10000017");
        body.put("hostPolice", "police:lancashire");
        body.put("startDate", LocalDate.now().plusDays(3).toString());
        body.put("identity", Map.of("name", "Test Child"));
        return body;
    }

    /** A referral by police:met to Tower Hamlets about the child known by {@code system|value}. */
    public static String policeReferral(String system, String value) {
        String child = NHS.equals(system) ? "\"nhsNumber\": \"" + value + "\""
                : "\"localIdentifier\": {\"system\": \"" + system + "\", \"value\": \"" + value + "\"}";
        return """
                {"requesterAgency": "police:met", "requesterContact": "mash-police@met.police.example",
                 "homeCouncil": "la:E09000030",
                 "child": {%s, "givenName": "Amira", "familyName": "Test", "birthDate": "2011-04-02"},
                 "riskLevel": "high", "concernCategories": ["child-sexual-exploitation"],
                 "summary": "Seen getting into cars with adult males near the school.",
                 "policeIntelligence": {"text": "Two adult males linked to the vehicle.", "grading": "2B", "handlingCode": "C"}}
                """.formatted(child);
    }

    /**
     * What may not differ between two answers that must look alike: status, content type, the problem
     * code (if any) and the tree of JSON keys (values, which carry ids and times, are left out).
     */
    public static String shape(ExtractableResponse<Response> r) {
        String body = r.asString();
        String keys = body.isBlank() ? "" : keys(new io.vertx.core.json.JsonObject(body.startsWith("[")
                ? "{\"list\":" + body + "}" : body).getMap(), "");
        Object code = body.startsWith("{") ? new io.vertx.core.json.JsonObject(body).getValue("code") : null;
        return r.statusCode() + " " + r.contentType() + " code=" + code + " keys=" + keys;
    }

    @SuppressWarnings("unchecked")
    private static String keys(Object node, String path) {
        TreeSet<String> out = new TreeSet<>();
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.add(path + "/" + e.getKey());
                out.add(keys(e.getValue(), path + "/" + e.getKey()));
            }
        } else if (node instanceof Iterable<?> list) {
            Iterator<?> it = list.iterator();
            if (it.hasNext()) {
                out.add(keys(it.next(), path + "[]"));
            }
        }
        out.remove("");
        return String.join(",", out);
    }

    public static UUID uuid(String s) {
        return UUID.fromString(s);
    }
}
