package uk.safeguarding.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The bench token source, so no benchmark needs Keycloak.
 *
 * <pre>
 *   TokenMint init   DIR                       RSA key pair + DIR/jwks.json + DIR/public-key.pem (once per run)
 *   TokenMint mint   DIR CLIENT AGENCY [ROLES] [TTL]   print one token (ROLES comma-separated, default practitioner)
 *   TokenMint sample DIR [TTL]                 DIR/tokens.txt: one token per sample agency client, one a line
 * </pre>
 */
public final class TokenMint {

    private TokenMint() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: TokenMint init|mint|sample DIR ...");
            System.exit(64);
        }
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "init" -> init(dir);
            case "mint" -> System.out.println(BenchKeys.sign(BenchKeys.keycloakClaims(args[2], args[3],
                    args.length > 4 ? Arrays.asList(args[4].split(",")) : List.of("practitioner"),
                    args.length > 5 ? Long.parseLong(args[5]) : 3600), BenchKeys.readPrivateKey(dir.resolve("private-key.pem"))));
            case "sample" -> {
                long ttl = args.length > 2 ? Long.parseLong(args[2]) : 7200;
                var key = BenchKeys.readPrivateKey(dir.resolve("private-key.pem"));
                List<String> lines = new ArrayList<>();
                for (Map.Entry<String, String> client : BenchKeys.SAMPLE_CLIENTS.entrySet()) {
                    lines.add(BenchKeys.sign(BenchKeys.keycloakClaims(client.getKey(), client.getValue(),
                            List.of("practitioner"), ttl), key));
                }
                Files.write(dir.resolve("tokens.txt"), lines);
            }
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(64);
            }
        }
    }

    private static void init(Path dir) throws Exception {
        Files.createDirectories(dir);
        KeyPair pair = BenchKeys.generate();
        Path privateKey = dir.resolve("private-key.pem");
        Files.writeString(privateKey, BenchKeys.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve("public-key.pem"), BenchKeys.pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        Files.writeString(dir.resolve("jwks.json"), BenchKeys.jwks((RSAPublicKey) pair.getPublic()));
    }
}
