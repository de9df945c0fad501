package uk.safeguarding.gateway.support;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Tokens shaped like the Keycloak realm's, signed with the test key under src/test/resources.
 * Each builder method changes one thing so a negative test says exactly what is wrong.
 */
public final class TestTokens {

    public static final String ISSUER = "https://issuer.test/realms/safeguarding";
    public static final String AUDIENCE = "safeguarding-gateway";

    private String issuer = ISSUER;
    private Set<String> audience = Set.of(AUDIENCE);
    private String agency = "police:met";
    private List<String> roles = List.of("practitioner");
    private String subject = UUID.randomUUID().toString();
    private String clientId = "police-met";
    private Instant issuedAt = Instant.now();
    private Instant expiresAt = Instant.now().plusSeconds(300);
    private Instant notBefore;
    private String privateKeyLocation = "test-keys/privateKey.pem";
    private String keyId = "test-key";

    private TestTokens() {
    }

    public static TestTokens forAgency(String agency) {
        TestTokens tokens = new TestTokens();
        tokens.agency = agency;
        tokens.clientId = agency.replace(':', '-').toLowerCase();
        return tokens;
    }

    public static String police() {
        return forAgency("police:met").sign();
    }

    public TestTokens roles(String... roles) {
        this.roles = List.of(roles);
        return this;
    }

    public TestTokens subject(String subject) {
        this.subject = subject;
        return this;
    }

    public TestTokens issuer(String issuer) {
        this.issuer = issuer;
        return this;
    }

    public TestTokens audience(String... audience) {
        this.audience = Set.of(audience);
        return this;
    }

    public TestTokens withoutAgency() {
        this.agency = null;
        return this;
    }

    public TestTokens expiredSecondsAgo(long seconds) {
        this.issuedAt = Instant.now().minusSeconds(seconds + 300);
        this.expiresAt = Instant.now().minusSeconds(seconds);
        return this;
    }

    public TestTokens notBeforeInSeconds(long seconds) {
        this.notBefore = Instant.now().plusSeconds(seconds);
        return this;
    }

    /** Signs with another RSA key, as a token from another realm or server would be. */
    public TestTokens signedWithForeignKey() {
        this.privateKeyLocation = "test-keys/otherRealmPrivateKey.pem";
        return this;
    }

    /** The token's client ({@code azp}), e.g. one with its own rate limit in the test profile. */
    public TestTokens clientId(String clientId) {
        this.clientId = clientId;
        return this;
    }

    public TestTokens keyId(String keyId) {
        this.keyId = keyId;
        return this;
    }

    public String sign() {
        JwtClaimsBuilder claims = Jwt.issuer(issuer)
                .audience(audience)
                .subject(subject)
                .issuedAt(issuedAt)
                .expiresAt(expiresAt)
                .claim("azp", clientId)
                .claim("typ", "Bearer")
                .claim("realm_access", Map.of("roles", roles));
        if (agency != null) {
            claims.claim("agency", agency);
        }
        if (notBefore != null) {
            claims.claim("nbf", notBefore.getEpochSecond());
        }
        return claims.jws().keyId(keyId).sign(loadKey(privateKeyLocation));
    }

    private static PrivateKey loadKey(String location) {
        try (var in = TestTokens.class.getClassLoader().getResourceAsStream(location)) {
            String pem = new String(in.readAllBytes())
                    .replaceAll("-----[A-Z ]+-----", "")
                    .replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot load test key " + location, e);
        }
    }
}
