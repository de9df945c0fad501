package uk.safeguarding.gateway.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.security.Authenticated;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * Who may call each JAX-RS method is written on it or its class: every resource method of the gateway
 * carries {@code @RolesAllowed}, {@code @Authenticated}, {@code @PermitAll} or {@code @DenyAll}, and
 * {@code @PermitAll} is on the console's signed-out page alone. A method that says nothing is refused
 * ({@code quarkus.security.jaxrs.deny-unannotated-endpoints}), shown with a test-only resource.
 */
@QuarkusTest
class SecurityAnnotationsTest {

    private static final List<Class<? extends Annotation>> SECURITY = List.of(RolesAllowed.class, Authenticated.class,
            PermitAll.class, DenyAll.class);

    @Test
    void everyResourceMethodSaysWhoMayCallIt() throws Exception {
        List<String> unannotated = new ArrayList<>();
        List<String> open = new ArrayList<>();
        List<Method> methods = resourceMethods();
        assertFalse(methods.size() < 80, "found only " + methods.size() + " resource methods: is the scan broken?");
        for (Method m : methods) {
            Class<? extends Annotation> rule = SECURITY.stream().filter(m::isAnnotationPresent).findFirst()
                    .orElse(SECURITY.stream().filter(m.getDeclaringClass()::isAnnotationPresent).findFirst().orElse(null));
            String name = m.getDeclaringClass().getSimpleName() + "." + m.getName();
            if (rule == null) {
                unannotated.add(name);
            } else if (rule == PermitAll.class) {
                open.add(name);
            }
        }
        assertEquals(List.of(), unannotated, "resource methods without a security annotation");
        assertEquals(List.of("ConsoleResource.signedOut"), open, "the only public JAX-RS method");
    }

    @Test
    void anUnannotatedResourceIsRefusedToEveryone() {
        given().when().get("/api/v1/test-only/unannotated").then().statusCode(401).body("code", equalTo("TOKEN_REQUIRED"));
        given().auth().oauth2(TestTokens.forAgency("police:met").roles("practitioner", "supervisor", "dpo", "admin").sign())
                .when().get("/api/v1/test-only/unannotated").then().statusCode(403).body("code", equalTo("ROLE_REQUIRED"));
    }

    @Test
    void healthAndMetricsAreOpen() {
        given().when().get("/q/health/ready").then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200);
    }

    /** Public methods with an HTTP method (or a sub-resource locator's @Path) on the gateway's @Path classes. */
    private static List<Method> resourceMethods() throws IOException, ClassNotFoundException {
        java.nio.file.Path root = java.nio.file.Path.of("target/classes");
        List<Method> out = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(root.resolve("uk/safeguarding/gateway"))) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, SecurityAnnotationsTest.class.getClassLoader());
                if (!type.isAnnotationPresent(Path.class)) {
                    continue;
                }
                for (Method m : type.getDeclaredMethods()) {
                    boolean http = Stream.of(m.getAnnotations()).anyMatch(a -> a.annotationType().isAnnotationPresent(HttpMethod.class));
                    if (Modifier.isPublic(m.getModifiers()) && (http || m.isAnnotationPresent(Path.class))) {
                        out.add(m);
                    }
                }
            }
        }
        return out;
    }
}
