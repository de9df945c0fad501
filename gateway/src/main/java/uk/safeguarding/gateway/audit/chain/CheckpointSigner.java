package uk.safeguarding.gateway.audit.chain;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.audit.AuditConfig;

/**
 * The gateway's checkpoint key, loaded at start-up: a broken key (unreadable, not Ed25519, public
 * and private not a pair) stops the gateway before it serves anything. In dev and demo a key pair is
 * generated once under .local/ and its fingerprint logged. Production must configure one
 * ({@code required} is on in %prod): without it the gateway refuses to start, because a chain whose
 * tail no signature covers can be truncated or rewritten unnoticed. With {@code required} off and no
 * key (a test profile) the chain runs unsigned and says so at ERROR.
 *
 * <p>Rotation: the configured private key signs; the public keys of rotated-out keys stay in
 * {@code trusted-public-keys}, so checkpoints they signed still verify (docs/OPERATIONS.md).
 */
@Startup
@ApplicationScoped
public class CheckpointSigner {

    private static final Logger LOG = Logger.getLogger(CheckpointSigner.class);
    static final String PRIVATE_FILE = "ed25519-private.pem";
    static final String PUBLIC_FILE = "ed25519-public.pem";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;
    private final boolean enabled;
    private final Map<String, PublicKey> trusted = new LinkedHashMap<>();

    /** For bench/audit, which signs outside Quarkus with a throwaway key. */
    public CheckpointSigner(KeyPair pair) {
        this.privateKey = pair.getPrivate();
        this.publicKey = pair.getPublic();
        this.keyId = SigningKeys.keyId(publicKey);
        this.enabled = true;
        trusted.put(keyId, publicKey);
    }

    /** How to provide a key, in the words an operator needs at a failed start. */
    static final String HOW_TO_CONFIGURE = "No audit checkpoint key configured, and this profile requires one "
            + "(gateway.audit.signing.required). Set gateway.audit.signing.private-key and "
            + "gateway.audit.signing.public-key to PEM files (environment: GATEWAY_AUDIT_SIGNING_PRIVATE_KEY and "
            + "GATEWAY_AUDIT_SIGNING_PUBLIC_KEY); in Kubernetes create the Secret gateway-audit-signing-key with the keys "
            + "private.pem and public.pem (openssl genpkey -algorithm ed25519; docs/OPERATIONS.md, Audit signing key).";

    @Inject
    CheckpointSigner(AuditConfig config) {
        this(config.signing());
    }

    /** Loads the key as the gateway does at start-up; public for the key-rotation tests and tools. */
    public CheckpointSigner(AuditConfig.Signing signing) {
        try {
            KeyPair pair;
            if (signing.privateKey().isPresent()) {
                if (signing.publicKey().isEmpty()) {
                    throw new IllegalStateException("gateway.audit.signing.public-key must be set with private-key");
                }
                for (String location : List.of(signing.privateKey().get(), signing.publicKey().get())) {
                    if (!location.startsWith("classpath:") && !Files.isReadable(Path.of(location))) {
                        throw new IllegalStateException("Cannot read " + location + ". " + HOW_TO_CONFIGURE);
                    }
                }
                pair = new KeyPair(SigningKeys.publicKey(SigningKeys.read(signing.publicKey().get())),
                        SigningKeys.privateKey(SigningKeys.read(signing.privateKey().get())));
            } else if (signing.generateIfMissing()) {
                pair = loadOrGenerate(Path.of(signing.generatedKeyDirectory()));
            } else {
                pair = null;
            }
            this.enabled = pair != null;
            this.privateKey = enabled ? pair.getPrivate() : null;
            this.publicKey = enabled ? pair.getPublic() : null;
            this.keyId = enabled ? SigningKeys.keyId(publicKey) : null;
            if (enabled) {
                trusted.put(keyId, publicKey);
            }
            for (String location : signing.trustedPublicKeys().orElse(List.of())) {
                PublicKey key = SigningKeys.publicKey(SigningKeys.read(location));
                trusted.put(SigningKeys.keyId(key), key);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the audit checkpoint key", e);
        }
        if (!enabled && signing.required()) {
            throw new IllegalStateException(HOW_TO_CONFIGURE);
        }
        if (!enabled) {
            LOG.error("No audit checkpoint key configured (gateway.audit.signing.private-key and public-key): "
                    + "the hash chain runs, but no checkpoint is signed, so its tail is not protected (docs/AUDIT.md)");
            return;
        }
        byte[] probe = "probe".getBytes(StandardCharsets.US_ASCII);
        if (!SigningKeys.verify(publicKey, probe, SigningKeys.sign(privateKey, probe))) {
            throw new IllegalStateException("gateway.audit.signing.public-key does not belong to private-key");
        }
        LOG.infof("Audit checkpoints are signed with Ed25519 key %s (SHA-256 fingerprint %s)", keyId,
                SigningKeys.fingerprint(publicKey));
    }

    private static KeyPair loadOrGenerate(Path directory) throws IOException {
        Path privatePath = directory.resolve(PRIVATE_FILE);
        Path publicPath = directory.resolve(PUBLIC_FILE);
        if (Files.exists(privatePath) && Files.exists(publicPath)) {
            return new KeyPair(SigningKeys.publicKey(Files.readString(publicPath)),
                    SigningKeys.privateKey(Files.readString(privatePath)));
        }
        if (LaunchMode.current() == LaunchMode.NORMAL) {
            LOG.warn("Generating an audit checkpoint key under " + directory.toAbsolutePath()
                    + ": fine for a demo, not for production (configure a managed key)");
        }
        KeyPair pair = SigningKeys.generate();
        Files.createDirectories(directory);
        Files.writeString(publicPath, SigningKeys.pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        Files.writeString(privatePath, SigningKeys.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        try {
            Files.setPosixFilePermissions(privatePath, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the directory's own permissions have to do.
        }
        return pair;
    }

    /** False when no key is configured: the checkpointer then signs nothing. */
    public boolean enabled() {
        return enabled;
    }

    public Checkpoint sign(long firstSeq, long lastSeq, byte[] root, byte[] lastHash, java.time.Instant signedAt) {
        if (!enabled) {
            throw new IllegalStateException("No audit checkpoint key configured");
        }
        byte[] signature = SigningKeys.sign(privateKey,
                Checkpoint.signedMessage(firstSeq, lastSeq, root, lastHash, signedAt, keyId));
        return new Checkpoint(firstSeq, lastSeq, root, lastHash, signedAt, keyId, SigningKeys.ALGORITHM, signature);
    }

    public String keyId() {
        return keyId;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** The keys checkpoints may be verified with: this gateway's and any configured rotated ones, by key id. */
    public Map<String, PublicKey> trustedKeys() {
        return Map.copyOf(trusted);
    }
}
