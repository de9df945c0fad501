package uk.safeguarding.gateway.support;

import static io.restassured.RestAssured.given;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's routes as the running application publishes them in its OpenAPI document, so a
 * test built on this list covers a new route the moment it exists.
 */
public final class Routes {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    /** One method on one path template, e.g. {@code GET /api/v1/referrals/{id}}. */
    public record Route(String method, String path) {

        public String key() {
            return method + " " + path;
        }

        public boolean takesId() {
            return path.contains("{");
        }

        /** The path with every {@code {param}} filled with {@code id}. */
        public String withIds(String id) {
            return path.replaceAll("\\{[^}]+}", id);
        }
    }

    private Routes() {
    }

    /** Every route under /api and /fhir. */
    public static List<Route> all() {
        List<Route> routes = new ArrayList<>();
        document().paths.forEach((path, operations) -> {
            if (!path.startsWith("/api/") && !path.startsWith("/fhir")) {
                return;
            }
            operations.keySet().stream().filter(METHODS::contains).sorted()
                    .forEach(method -> routes.add(new Route(method.toUpperCase(), path)));
        });
        return routes;
    }

    /** The query parameters each route declares (resolved through {@code $ref}), by route key. */
    @SuppressWarnings("unchecked")
    public static Map<String, Set<String>> queryParameters() {
        Document doc = document();
        Map<String, Set<String>> out = new java.util.TreeMap<>();
        doc.paths.forEach((path, operations) -> operations.forEach((method, op) -> {
            if (!METHODS.contains(method) || !(op instanceof Map<?, ?> operation)
                    || !(path.startsWith("/api/") || path.startsWith("/fhir"))) {
                return;
            }
            Set<String> names = new java.util.TreeSet<>();
            Object params = operation.get("parameters");
            if (params instanceof List<?> list) {
                for (Object p : list) {
                    Map<String, Object> param = (Map<String, Object>) p;
                    if (param.get("$ref") instanceof String ref) {
                        param = (Map<String, Object>) doc.parameters.getOrDefault(ref.substring(ref.lastIndexOf('/') + 1), Map.of());
                    }
                    if ("query".equals(param.get("in"))) {
                        names.add((String) param.get("name"));
                    }
                }
            }
            out.put(method.toUpperCase() + " " + path, names);
        }));
        return out;
    }

    /** Every path the document lists, with the methods it declares. */
    public static Map<String, Set<String>> methodsByPath() {
        Map<String, Set<String>> out = new java.util.TreeMap<>();
        document().paths.forEach((path, operations) -> {
            if (!path.startsWith("/api/") && !path.startsWith("/fhir")) {
                return;
            }
            Set<String> methods = new java.util.TreeSet<>();
            operations.keySet().stream().filter(METHODS::contains).forEach(m -> methods.add(m.toUpperCase()));
            out.put(path, methods);
        });
        return out;
    }

    private record Document(Map<String, Map<String, Object>> paths, Map<String, Object> parameters) {
    }

    private static Document document() {
        var json = given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> paths = json.getMap("paths");
        Map<String, Object> parameters = json.getMap("components.parameters");
        return new Document(paths, parameters == null ? Map.of() : parameters);
    }
}
