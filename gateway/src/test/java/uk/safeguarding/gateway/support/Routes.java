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
        Map<String, Map<String, Object>> paths = given().queryParam("format", "json")
                .when().get("/q/openapi")
                .then().statusCode(200)
                .extract().path("paths");
        List<Route> routes = new ArrayList<>();
        paths.forEach((path, operations) -> {
            if (!path.startsWith("/api/") && !path.startsWith("/fhir")) {
                return;
            }
            operations.keySet().stream().filter(METHODS::contains).sorted()
                    .forEach(method -> routes.add(new Route(method.toUpperCase(), path)));
        });
        return routes;
    }
}
