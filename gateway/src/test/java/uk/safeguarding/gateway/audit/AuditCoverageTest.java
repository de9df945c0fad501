package uk.safeguarding.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Db;

/**
 * Walks every JAX-RS route the gateway has (found in its compiled classes, so a new route cannot be
 * missed) and shows that each call under /api or /fhir leaves exactly one audit record, whatever the
 * outcome: permitted, refused, invalid or not found.
 */
@QuarkusTest
class AuditCoverageTest {

    record Route(String method, String path, String consumes, String where) {
    }

    @Test
    void everyApiAndFhirRouteWritesExactlyOneAuditRecord() throws Exception {
        List<Route> routes = routes();
        assertTrue(routes.stream().anyMatch(r -> r.path().equals("/api/v1/audit/events")), "discovery works: " + routes);
        List<String> missing = new ArrayList<>();
        for (Route route : routes) {
            String requestId = "coverage-" + UUID.randomUUID();
            String path = route.path().replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
            RequestSpecification request = AuditTestSupport.dpo().header("X-Request-Id", requestId);
            if (!route.method().equals("GET") && !route.method().equals("DELETE") && !route.method().equals("HEAD")) {
                request = request.contentType(route.consumes()).body("{}");
            }
            int status = request.when().request(route.method(), path).then().extract().statusCode();
            long records = Db.count("SELECT count(*) FROM audit_event WHERE request_id = ?", requestId);
            if (records != 1) {
                missing.add(route.method() + " " + route.path() + " (" + route.where() + ") answered " + status
                        + " and left " + records + " audit records");
            }
        }
        assertEquals(List.of(), missing);
    }

    /** Every resource method under /api and /fhir in the gateway's own compiled classes. */
    static List<Route> routes() throws IOException, ClassNotFoundException {
        java.nio.file.Path root = Paths.get("target", "classes");
        List<Route> routes = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(root.resolve("uk/safeguarding/gateway"))) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, Thread.currentThread().getContextClassLoader());
                Path base = type.getAnnotation(Path.class);
                if (base == null) {
                    continue;
                }
                for (Method method : type.getDeclaredMethods()) {
                    String verb = verb(method);
                    if (verb == null) {
                        continue;
                    }
                    Path sub = method.getAnnotation(Path.class);
                    String path = ("/" + base.value() + "/" + (sub == null ? "" : sub.value())).replaceAll("/+", "/");
                    path = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
                    if (path.startsWith("/api/") || path.startsWith("/fhir")) {
                        Consumes consumes = method.getAnnotation(Consumes.class) != null ? method.getAnnotation(Consumes.class)
                                : type.getAnnotation(Consumes.class);
                        routes.add(new Route(verb, path, consumes == null ? "application/json" : consumes.value()[0],
                                type.getSimpleName() + "." + method.getName()));
                    }
                }
            }
        }
        return routes;
    }

    private static String verb(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }
}
