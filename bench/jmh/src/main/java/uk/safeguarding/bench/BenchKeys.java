package uk.safeguarding.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The bench-only token source: an RSA key pair generated at run time (never committed, never a
 * realm key) and tokens shaped like the Keycloak realm's client-credentials access tokens.
 */
public final class BenchKeys {

    public static final String ISSUER = "https://bench.local/realms/safeguarding";
    public static final String AUDIENCE = "safeguarding-gateway";
    public static final String KEY_ID = "bench-rs256";

    /** The realm's sample agency systems: client id and the agency claim its mapper adds. */
    public static final Map<String, String> SAMPLE_CLIENTS = sampleClients();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private BenchKeys() {
    }

    private static Map<String, String> sampleClients() {
        Map<String, String> clients = new LinkedHashMap<>();
        clients.put("police-met", "police:met");
        clients.put("police-lancashire", "police:lancashire");
        clients.put("la-tower-hamlets", "la:E09000030");
        clients.put("la-lancashire", "la:E10000017");
        clients.put("nhs-homerton", "nhs:RQX");
        clients.put("nhs-lsc-icb", "nhs:QE1");
        clients.put("school-100000", "school:100000");
        clients.put("provider-sc123456", "provider:SC123456");
        clients.put("provider-sc654321", "provider:SC654321");
        return clients;
    }

    public static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JWKS document with the one public key, as Keycloak's certs endpoint serves it. */
    public static String jwks(RSAPublicKey key) {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kid", KEY_ID);
        jwk.put("kty", "RSA");
        jwk.put("alg", "RS256");
        jwk.put("use", "sig");
        jwk.put("n", B64URL.encodeToString(unsigned(key.getModulus())));
        jwk.put("e", B64URL.encodeToString(unsigned(key.getPublicExponent())));
        try {
            return JSON.writeValueAsString(Map.of("keys", List.of(jwk)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            byte[] trimmed = new byte[bytes.length - 1];
            System.arraycopy(bytes, 1, trimmed, 0, trimmed.length);
            return trimmed;
        }
        return bytes;
    }

    /**
     * Claims as Keycloak 26 puts them in a client-credentials access token of the safeguarding realm
     * (service account, realm roles, the account client's roles, scope, and the agency mapper).
     */
    public static Map<String, Object> keycloakClaims(String clientId, String agency, List<String> roles, long ttlSeconds) {
        long now = System.currentTimeMillis() / 1000;
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("exp", now + ttlSeconds);
        claims.put("iat", now);
        claims.put("jti", "trrtcc:" + UUID.randomUUID());
        claims.put("iss", ISSUER);
        claims.put("aud", List.of(AUDIENCE, "account"));
        claims.put("sub", UUID.nameUUIDFromBytes(clientId.getBytes(StandardCharsets.UTF_8)).toString());
        claims.put("typ", "Bearer");
        claims.put("azp", clientId);
        claims.put("acr", "1");
        claims.put("allowed-origins", List.of("/*"));
        List<String> realmRoles = new java.util.ArrayList<>(roles);
        realmRoles.addAll(List.of("offline_access", "uma_authorization", "default-roles-safeguarding"));
        claims.put("realm_access", Map.of("roles", realmRoles));
        claims.put("resource_access", Map.of("account", Map.of("roles",
                List.of("manage-account", "manage-account-links", "view-profile"))));
        claims.put("scope", "profile email agency");
        claims.put("clientHost", "127.0.0.1");
        claims.put("email_verified", false);
        claims.put("agency", agency);
        claims.put("preferred_username", "service-account-" + clientId);
        claims.put("clientAddress", "127.0.0.1");
        claims.put("client_id", clientId);
        return claims;
    }

    /** A compact RS256 JWS over the claims, header as Keycloak writes it. */
    public static String sign(Map<String, Object> claims, PrivateKey key) {
        try {
            String header = B64URL.encodeToString(
                    ("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + KEY_ID + "\"}").getBytes(StandardCharsets.UTF_8));
            String payload = B64URL.encodeToString(JSON.writeValueAsBytes(claims));
            String input = header + "." + payload;
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64URL.encodeToString(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bare RS256 check of a compact JWS: the signature only, no claims, no JSON. */
    public static boolean bareVerify(String token, java.security.PublicKey key) {
        try {
            int last = token.lastIndexOf('.');
            if (last < 0) {
                return false;
            }
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initVerify(key);
            signature.update(token.substring(0, last).getBytes(StandardCharsets.US_ASCII));
            return signature.verify(Base64.getUrlDecoder().decode(token.substring(last + 1)));
        } catch (Exception e) {
            return false;
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    static byte[] unpem(String pem) {
        return Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    }

    public static PrivateKey readPrivateKey(Path file) throws Exception {
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(unpem(Files.readString(file))));
    }

    public static RSAPublicKey readPublicKey(Path file) throws Exception {
        return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(unpem(Files.readString(file))));
    }
}
