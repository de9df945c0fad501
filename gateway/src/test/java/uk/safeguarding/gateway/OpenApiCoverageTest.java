package uk.safeguarding.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.MatrixParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import uk.safeguarding.gateway.security.NoPurposeRequired;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * The published API description covers the code: every JAX-RS route under /api/v1 and /fhir, found
 * by reflection over the compiled resources (not from the document itself, which would only check
 * itself), is described with a tag, a summary, a 2xx answer with a schema (or a 204 without a body),
 * a request schema with an example when it takes a body, the 401 every route can answer, and the
 * Purpose-Of-Use header exactly when the route requires it; and nothing is described that the code
 * does not serve. The document's version is the build's.
 */
@QuarkusTest
class OpenApiCoverageTest {

    private static final Set<Class<? extends Annotation>> NOT_THE_BODY = Set.of(PathParam.class, QueryParam.class,
            HeaderParam.class, Context.class, BeanParam.class, FormParam.class, CookieParam.class, MatrixParam.class);

    /** One JAX-RS route: the method, the full path template and the Java method serving it. */
    record JaxRsRoute(String verb, String path, Method method) {

        String key() {
            return verb + " " + path;
        }

        boolean takesBody() {
            for (Annotation[] annotations : method.getParameterAnnotations()) {
                if (Stream.of(annotations).noneMatch(a -> NOT_THE_BODY.contains(a.annotationType()))) {
                    return true;
                }
            }
            return false;
        }

        boolean restrictsRoles() {
            return method.isAnnotationPresent(RolesAllowed.class) || method.getDeclaringClass().isAnnotationPresent(RolesAllowed.class);
        }

        boolean requiresPurpose() {
            return !method.isAnnotationPresent(NoPurposeRequired.class)
                    && !method.getDeclaringClass().isAnnotationPresent(NoPurposeRequired.class);
        }
    }

    private static Map<String, Object> document;

    /** Fetched once, from the first test: RestAssured knows the test port only once Quarkus runs. */
    @BeforeEach
    void fetch() {
        if (document != null) {
            return;
        }
        document = map(given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .extract().as(Map.class));
    }

    @Test
    void everyRouteIsDescribedWithTagSummaryAnswerAndExample() throws Exception {
        List<JaxRsRoute> routes = routes();
        assertFalse(routes.size() < 70, "found only " + routes.size() + " routes under /api/v1 and /fhir: is the scan broken?");
        Map<String, List<String>> gaps = new TreeMap<>();
        for (JaxRsRoute route : routes) {
            List<String> missing = gaps(route);
            if (!missing.isEmpty()) {
                gaps.put(route.key(), missing);
            }
        }
        assertEquals(Map.of(), gaps, "routes whose description is incomplete (add @Operation/@APIResponse/@RequestBody on "
                + "the resource, or the operation in META-INF/openapi.yaml)");
    }

    @Test
    void nothingIsDescribedThatTheCodeDoesNotServe() throws Exception {
        Set<String> served = new TreeSet<>();
        routes().forEach(r -> served.add(r.key()));
        Set<String> described = new TreeSet<>();
        paths().forEach((path, item) -> {
            // The test-only resource (src/test) is served in tests alone and proves unannotated routes are refused.
            if ((path.startsWith("/api/") || path.startsWith("/fhir")) && !path.startsWith("/api/v1/test-only/")) {
                item.keySet().stream().filter(k -> Set.of("get", "post", "put", "patch", "delete").contains(k))
                        .forEach(verb -> described.add(verb.toUpperCase() + " " + path));
            }
        });
        described.removeAll(served);
        assertEquals(Set.of(), described, "operations in the document that no JAX-RS method serves");
    }

    @Test
    void theVersionIsTheBuildsAndTheDescriptionNamesTheSecurity() throws Exception {
        Map<String, Object> info = map(document.get("info"));
        assertEquals(projectVersion(), info.get("version"), "info.version must be the Maven project's version");
        String description = String.valueOf(info.get("description"));
        assertTrue(description.contains("Keycloak") && description.contains(PurposeOfUse.HEADER),
                "the description says how to authenticate and names the purpose header: " + description);
        Map<String, Object> schemes = map(map(document.get("components")).get("securitySchemes"));
        assertEquals("bearer", map(schemes.get("keycloak")).get("scheme"), "the bearer-token scheme: " + schemes);
    }

    /** The FHIR examples a client copies from the document pass the gateway's own $validate (nothing is stored). */
    @Test
    void theDocumentedFhirReferralExamplesAreValid() throws Exception {
        Map<String, Object> examples = map(map(document.get("components")).get("examples"));
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        // The ServiceRequest example is the Metropolitan Police's referral, the Bundle Lancashire council's.
        Map<String, String> senders = Map.of("FhirServiceRequest", "police:met", "FhirTransaction", "la:E10000017");
        Map<String, String> paths = Map.of("FhirServiceRequest", "/fhir/ServiceRequest/$validate", "FhirTransaction", "/fhir/Bundle/$validate");
        for (String name : senders.keySet()) {
            Object value = map(examples.get(name)).get("value");
            assertTrue(value instanceof Map<?, ?>, name + " is an example in the document");
            given().urlEncodingEnabled(false).auth().oauth2(TestTokens.forAgency(senders.get(name)).roles("practitioner").sign())
                    .header(PurposeOfUse.HEADER, "SAFEGUARDING").contentType("application/fhir+json")
                    .body(json.writeValueAsString(value)).when().post(paths.get(name))
                    .then().statusCode(200).body("issue[0].details.coding[0].code", org.hamcrest.Matchers.equalTo("VALID"));
        }
    }

    private static List<String> gaps(JaxRsRoute route) {
        Map<String, Object> item = paths().get(route.path());
        Object found = item == null ? null : item.get(route.verb().toLowerCase());
        if (found == null) {
            return List.of("not in the document");
        }
        Map<String, Object> op = map(found);
        List<String> missing = new ArrayList<>();
        if (!(op.get("tags") instanceof List<?> tags) || tags.isEmpty()) {
            missing.add("tag");
        }
        if (!(op.get("summary") instanceof String summary) || summary.isBlank()) {
            missing.add("summary");
        }
        Map<String, Object> responses = map(op.getOrDefault("responses", Map.of()));
        boolean answer = false;
        for (var e : responses.entrySet()) {
            if (!e.getKey().startsWith("2")) {
                continue;
            }
            Map<String, Object> response = resolve(map(e.getValue()), "responses");
            Map<String, Object> content = map(response.getOrDefault("content", Map.of()));
            answer |= content.isEmpty() ? e.getKey().equals("204")
                    : content.values().stream().allMatch(media -> map(media).get("schema") != null);
        }
        if (!answer) {
            missing.add("2xx answer with a schema (or 204 without a body)");
        }
        if (!responses.containsKey("401")) {
            missing.add("401");
        }
        responses.forEach((code, response) -> {
            // Quarkus adds a bodiless 403 to every secured operation; on a route open to any valid token
            // (no role) none can occur, so the document need not describe one.
            boolean added = code.equals("403") && !route.restrictsRoles();
            if (code.startsWith("4") && !added && map(resolve(map(response), "responses").get("content")).isEmpty()) {
                missing.add(code + " without a problem+json or OperationOutcome body");
            }
        });
        if (route.takesBody()) {
            Object body = op.get("requestBody");
            Map<String, Object> content = body == null ? Map.of()
                    : map(resolve(map(body), "requestBodies").getOrDefault("content", Map.of()));
            if (content.isEmpty() || !content.values().stream().allMatch(media -> hasSchemaAndExample(map(media)))) {
                missing.add("request body schema with an example");
            }
        }
        Set<String> seen = new TreeSet<>();
        parameters(op).forEach(p -> {
            if (!seen.add(p.get("in") + " " + p.get("name"))) {
                missing.add("parameter " + p.get("name") + " declared twice");
            }
        });
        boolean purpose = parameters(op).stream().anyMatch(p -> PurposeOfUse.HEADER.equals(p.get("name")) && "header".equals(p.get("in")));
        if (purpose != route.requiresPurpose()) {
            missing.add(route.requiresPurpose() ? "the " + PurposeOfUse.HEADER + " header" : "no purpose header (route takes none)");
        }
        return missing;
    }

    private static boolean hasSchemaAndExample(Map<String, Object> media) {
        Object schema = media.get("schema");
        if (schema == null) {
            return false;
        }
        return media.get("example") != null || !map(media.getOrDefault("examples", Map.of())).isEmpty()
                || resolve(map(schema), "schemas").get("example") != null;
    }

    private static List<Map<String, Object>> parameters(Map<String, Object> op) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (op.get("parameters") instanceof List<?> list) {
            list.forEach(p -> out.add(resolve(map(p), "parameters")));
        }
        return out;
    }

    /** Follows a {@code $ref} to {@code #/components/<kind>/<name>}. */
    private static Map<String, Object> resolve(Map<String, Object> node, String kind) {
        if (node.get("$ref") instanceof String ref) {
            String name = ref.substring(ref.lastIndexOf('/') + 1);
            Object target = map(map(document.get("components")).getOrDefault(kind, Map.of())).get(name);
            return target == null ? Map.of() : map(target);
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static Map<String, Map<String, Object>> paths() {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        map(document.get("paths")).forEach((k, v) -> out.put(k, map(v)));
        return out;
    }

    /** Every HTTP method of the gateway's compiled resources whose full path is under /api/v1 or /fhir. */
    static List<JaxRsRoute> routes() throws Exception {
        java.nio.file.Path root = java.nio.file.Path.of("target/classes");
        List<JaxRsRoute> out = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(root.resolve("uk/safeguarding/gateway"))) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, OpenApiCoverageTest.class.getClassLoader());
                Path base = type.getAnnotation(Path.class);
                if (base == null) {
                    continue;
                }
                for (Method m : type.getDeclaredMethods()) {
                    String verb = Stream.of(m.getAnnotations()).map(a -> a.annotationType().getAnnotation(HttpMethod.class))
                            .filter(h -> h != null).map(HttpMethod::value).findFirst().orElse(null);
                    if (verb == null || !Modifier.isPublic(m.getModifiers())) {
                        continue;
                    }
                    Path sub = m.getAnnotation(Path.class);
                    String path = ("/" + base.value() + "/" + (sub == null ? "" : sub.value())).replaceAll("/+", "/");
                    path = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
                    if (path.startsWith("/api/v1/") || path.equals("/fhir") || path.startsWith("/fhir/")) {
                        out.add(new JaxRsRoute(verb, path, m));
                    }
                }
            }
        }
        return out;
    }

    /** The version in the gateway's pom (its own, or inherited from the parent): what the build stamps. */
    private static String projectVersion() throws Exception {
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(java.nio.file.Path.of("pom.xml").toFile())
                .getDocumentElement();
        String own = childText(pom, "version");
        if (own != null) {
            return own;
        }
        for (Node n = pom.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("parent")) {
                return childText(e, "version");
            }
        }
        throw new IllegalStateException("no version in pom.xml");
    }

    private static String childText(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e.getTextContent().trim();
            }
        }
        return null;
    }
}
