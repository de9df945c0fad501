package uk.safeguarding.bench;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the gateway does with every bearer token (SmallRye JWT on jose4j: parse the JWS, pick the
 * key from the realm's JWKS by kid, verify RS256, check iss/aud/exp with skew, map realm roles to
 * groups, read the agency claim) against the floor: one bare SHA256withRSA verify of the same token.
 * The settings mirror gateway/src/main/resources/application.properties.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenVerifyBenchmark {

    private DefaultJWTParser parser;
    private RSAPublicKey publicKey;
    private String token;

    @Setup
    public void setUp() throws Exception {
        KeyPair pair = BenchKeys.generate();
        publicKey = (RSAPublicKey) pair.getPublic();
        Path jwks = Files.createTempFile("bench-jwks", ".json");
        jwks.toFile().deleteOnExit();
        Files.writeString(jwks, BenchKeys.jwks(publicKey));

        JWTAuthContextInfo info = new JWTAuthContextInfo();
        info.setPublicKeyLocation(jwks.toUri().toString());
        info.setIssuedBy(BenchKeys.ISSUER);
        info.setExpectedAudience(Set.of(BenchKeys.AUDIENCE));
        info.setSignatureAlgorithm(Set.of(SignatureAlgorithm.RS256));
        info.setGroupsPath("realm_access/roles");
        info.setClockSkew(30);
        parser = new DefaultJWTParser(info);

        token = BenchKeys.sign(BenchKeys.keycloakClaims("police-met", "police:met", List.of("practitioner"), 24 * 3600), pair.getPrivate());
        JsonWebToken parsed = parser.parse(token);
        if (!"police:met".equals(parsed.getClaim("agency")) || !parsed.getGroups().contains("practitioner")) {
            throw new IllegalStateException("SmallRye JWT did not read the token as the gateway would");
        }
        if (!BenchKeys.bareVerify(token, publicKey)) {
            throw new IllegalStateException("bare verify failed");
        }
    }

    /** The gateway's path: full parse and validation of a Keycloak-shaped token. */
    @Benchmark
    public void smallryeJwtVerify(Blackhole bh) throws Exception {
        JsonWebToken jwt = parser.parse(token);
        bh.consume(jwt.getGroups());
        bh.consume((Object) jwt.getClaim("agency"));
    }

    /** Baseline: java.security.Signature SHA256withRSA over the same token's signing input. */
    @Benchmark
    public boolean bareRs256Verify() {
        return BenchKeys.bareVerify(token, publicKey);
    }
}
