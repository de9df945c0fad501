package uk.safeguarding.gateway.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import uk.safeguarding.protocol.load.ProtocolLoader;
import uk.safeguarding.protocol.load.ProtocolSet;
import uk.safeguarding.protocol.model.Protocol;

/**
 * Renders every overlay of k8s/ with {@code kubectl kustomize} and checks the objects a cluster would
 * get: that they are Kubernetes objects, that the gateway is hardened and probed, that no secret value
 * is committed, and that prod has its replicas, autoscaler, disruption budget, network policy,
 * replicated and backed-up PostgreSQL, Keycloak and a realm import without dev-only secrets.
 *
 * <p>Plain JUnit (no Quarkus). kubectl must be installed: the test fails, it does not skip, when it is
 * missing, because a skipped check here would let a broken deployment through.
 */
class KustomizeRenderTest {

    private static final List<String> OVERLAYS = List.of("dev", "prod");
    private static final Pattern SECRET_LIKE_NAME = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|CREDENTIAL|PRIVATE_?KEY).*");
    private static final Pattern DEV_ONLY = Pattern.compile("dev-secret-|dev-password-");
    private static final Set<String> TEST_ONLY_CLIENTS = Set.of("e2e-tests", "e2e-wrong-audience", "e2e-short-lived");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");
    private static final String GATEWAY = "safeguarding-gateway";

    private static final Map<String, Rendered> CACHE = new HashMap<>();

    record Rendered(String text, List<Map<String, Object>> objects) {

        List<Map<String, Object>> ofKind(String kind) {
            return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
        }

        Map<String, Object> one(String kind, String name) {
            return objects.stream()
                    .filter(o -> kind.equals(o.get("kind")) && name.equals(str(o, "metadata", "name")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in the rendered objects"));
        }
    }

    // --- every overlay ---------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyObjectIsAKubernetesObject(String overlay) {
        Rendered r = render(overlay);
        assertFalse(r.objects().isEmpty(), overlay + " renders no objects");
        Set<String> seen = new HashSet<>();
        String namespace = null;
        for (Map<String, Object> o : r.objects()) {
            String id = o.get("kind") + "/" + str(o, "metadata", "name");
            assertNonEmpty(o.get("apiVersion"), overlay + ": apiVersion of " + id);
            assertNonEmpty(o.get("kind"), overlay + ": kind of " + id);
            assertNonEmpty(str(o, "metadata", "name"), overlay + ": metadata.name of an object of kind " + o.get("kind"));
            assertTrue(seen.add(id), overlay + ": " + id + " is rendered twice");
            if (!CLUSTER_SCOPED.contains(o.get("kind"))) {
                String ns = str(o, "metadata", "namespace");
                assertNonEmpty(ns, overlay + ": " + id + " has no namespace");
                namespace = namespace == null ? ns : namespace;
                assertEquals(namespace, ns, overlay + ": " + id + " is in another namespace");
            }
        }
        assertEquals(namespace, str(r.one("Namespace", namespace), "metadata", "name"),
                overlay + ": the namespace the objects live in is itself rendered");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void gatewayIsProbedLimitedAndHardened(String overlay) {
        Map<String, Object> deployment = render(overlay).one("Deployment", GATEWAY);
        Map<String, Object> pod = map(deployment, "spec", "template", "spec");
        assertEquals(Boolean.TRUE, get(pod, "securityContext", "runAsNonRoot"), overlay + ": pod runAsNonRoot");
        assertEquals("RuntimeDefault", get(pod, "securityContext", "seccompProfile", "type"), overlay + ": pod seccomp");
        assertEquals(Boolean.FALSE, pod.get("automountServiceAccountToken"), overlay + ": no API token in the pod");

        List<Map<String, Object>> containers = maps(pod, "containers");
        assertFalse(containers.isEmpty(), overlay + ": no containers");
        for (Map<String, Object> c : containers) {
            String where = overlay + ": container " + c.get("name") + ": ";
            assertEquals("/q/health/started", get(c, "startupProbe", "httpGet", "path"), where + "startup probe");
            assertEquals("/q/health/ready", get(c, "readinessProbe", "httpGet", "path"), where + "readiness probe");
            assertEquals("/q/health/live", get(c, "livenessProbe", "httpGet", "path"), where + "liveness probe");
            for (String kind : List.of("requests", "limits")) {
                for (String resource : List.of("cpu", "memory")) {
                    assertNonEmpty(get(c, "resources", kind, resource), where + "resources." + kind + "." + resource);
                }
            }
            assertEquals(Boolean.TRUE, get(c, "securityContext", "runAsNonRoot"), where + "runAsNonRoot");
            assertEquals(Boolean.TRUE, get(c, "securityContext", "readOnlyRootFilesystem"), where + "readOnlyRootFilesystem");
            assertEquals(Boolean.FALSE, get(c, "securityContext", "allowPrivilegeEscalation"), where + "allowPrivilegeEscalation");
            assertEquals(List.of("ALL"), get(c, "securityContext", "capabilities", "drop"), where + "capabilities.drop");
            assertEquals("RuntimeDefault", get(c, "securityContext", "seccompProfile", "type"), where + "seccompProfile");
            String tmpVolume = maps(c, "volumeMounts").stream()
                    .filter(m -> "/tmp".equals(m.get("mountPath"))).map(m -> (String) m.get("name")).findFirst()
                    .orElseThrow(() -> new AssertionError(where + "nothing mounted at /tmp (the root filesystem is read-only)"));
            Map<String, Object> volume = maps(pod, "volumes").stream().filter(v -> tmpVolume.equals(v.get("name"))).findFirst()
                    .orElseThrow(() -> new AssertionError(where + "no volume " + tmpVolume));
            assertTrue(volume.containsKey("emptyDir"), where + "/tmp is an emptyDir");
        }
        assertEquals("0.0.0.0", env(deployment, "GATEWAY_HTTP_HOST").get("value"), overlay + ": the gateway listens on all interfaces");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void noSecretValueIsCommitted(String overlay) {
        Rendered r = render(overlay);
        assertTrue(r.ofKind("Secret").isEmpty(), overlay + ": Secrets are created out of band, never rendered from git");
        assertFalse(DEV_ONLY.matcher(r.text()).find(), overlay + ": a dev-only secret or password is in the rendered objects");
        for (Map<String, Object> o : Stream.concat(r.ofKind("Deployment").stream(), r.ofKind("Job").stream()).toList()) {
            for (Map<String, Object> c : maps(map(o, "spec", "template", "spec"), "containers")) {
                for (Map<String, Object> e : maps(c, "env")) {
                    String name = (String) e.get("name");
                    if (SECRET_LIKE_NAME.matcher(name).matches()) {
                        assertFalse(e.containsKey("value"), overlay + ": " + name + " has a literal value");
                        assertNotNull(get(e, "valueFrom", "secretKeyRef", "name"), overlay + ": " + name + " must come from a secretKeyRef");
                        assertNotNull(get(e, "valueFrom", "secretKeyRef", "key"), overlay + ": " + name + " must name the secret's key");
                    }
                }
            }
        }
        for (Map<String, Object> kc : r.ofKind("Keycloak")) {
            assertNotNull(get(kc, "spec", "db", "passwordSecret", "name"), overlay + ": Keycloak's database password is a secret reference");
            Object password = get(kc, "spec", "db", "password");
            assertEquals(null, password, overlay + ": Keycloak's database password is written in the CR");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void selectorsPickTheGatewayPods(String overlay) {
        Rendered r = render(overlay);
        Map<String, Object> deployment = r.one("Deployment", GATEWAY);
        Map<String, Object> podLabels = map(deployment, "spec", "template", "metadata", "labels");
        assertSubset(map(deployment, "spec", "selector", "matchLabels"), podLabels, overlay + ": Deployment selector");
        assertSubset(map(r.one("Service", GATEWAY), "spec", "selector"), podLabels, overlay + ": Service selector");
        assertSubset(map(r.one("PodDisruptionBudget", GATEWAY), "spec", "selector", "matchLabels"), podLabels, overlay + ": PDB selector");
        assertSubset(map(r.one("NetworkPolicy", GATEWAY), "spec", "podSelector", "matchLabels"), podLabels, overlay + ": NetworkPolicy podSelector");
        Map<String, Object> hpa = r.one("HorizontalPodAutoscaler", GATEWAY);
        assertEquals("autoscaling/v2", hpa.get("apiVersion"), overlay + ": HPA API version");
        assertEquals("Deployment", get(hpa, "spec", "scaleTargetRef", "kind"), overlay + ": HPA target kind");
        assertEquals(GATEWAY, get(hpa, "spec", "scaleTargetRef", "name"), overlay + ": HPA target");
    }

    /** From outside only the APIs and the console are reachable: never "/" (which would include /q/metrics and the rest of /q/). */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void ingressRoutesOnlyTheApisAndTheConsole(String overlay) {
        Rendered r = render(overlay);
        List<Map<String, Object>> ingresses = r.ofKind("Ingress").stream()
                .filter(i -> maps(i, "spec", "rules").stream().flatMap(rule -> maps(rule, "http", "paths").stream())
                        .anyMatch(p -> GATEWAY.equals(get(p, "backend", "service", "name"))))
                .toList();
        assertFalse(ingresses.isEmpty(), overlay + ": no Ingress for the gateway");
        for (Map<String, Object> ingress : ingresses) {
            assertFalse(maps(ingress, "spec", "tls").isEmpty(), overlay + ": the gateway's Ingress terminates TLS");
            String publicUrl = (String) env(r.one("Deployment", GATEWAY), "GATEWAY_PUBLIC_BASE_URL").get("value");
            for (Map<String, Object> rule : maps(ingress, "spec", "rules")) {
                assertNonEmpty(rule.get("host"), overlay + ": an Ingress rule without a host");
                assertEquals("https://" + rule.get("host"), publicUrl, overlay + ": GATEWAY_PUBLIC_BASE_URL is the Ingress host");
                for (Map<String, Object> path : maps(rule, "http", "paths")) {
                    String p = (String) path.get("path");
                    assertTrue(p != null && (p.startsWith("/api/") || p.equals("/fhir") || p.startsWith("/fhir/")
                                    || p.equals("/console") || p.startsWith("/console/")),
                            overlay + ": the Ingress routes " + p + " (only /api/, /fhir and /console are public; /q/ stays inside)");
                }
                Set<String> routed = maps(rule, "http", "paths").stream().map(x -> (String) x.get("path")).collect(Collectors.toSet());
                assertTrue(routed.containsAll(Set.of("/api/", "/fhir", "/console")), overlay + ": the Ingress routes the APIs and the console: " + routed);
            }
        }
    }

    /** The protocols ConfigMap is the one mounted where GATEWAY_PROTOCOLS_DIRECTORY points, and is the shipped protocols. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void protocolsConfigMapIsMountedAndCurrent(String overlay) throws IOException {
        Rendered r = render(overlay);
        Map<String, Object> deployment = r.one("Deployment", GATEWAY);
        String directory = (String) env(deployment, "GATEWAY_PROTOCOLS_DIRECTORY").get("value");
        assertNonEmpty(directory, overlay + ": GATEWAY_PROTOCOLS_DIRECTORY");
        Map<String, Object> pod = map(deployment, "spec", "template", "spec");
        Map<String, Object> container = maps(pod, "containers").get(0);
        String volumeName = maps(container, "volumeMounts").stream().filter(m -> directory.equals(m.get("mountPath")))
                .map(m -> (String) m.get("name")).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": nothing is mounted at " + directory));
        String configMapName = maps(pod, "volumes").stream().filter(v -> volumeName.equals(v.get("name")))
                .map(v -> str(v, "configMap", "name")).findFirst().orElse(null);
        assertNonEmpty(configMapName, overlay + ": the volume at " + directory + " is a ConfigMap");
        Map<String, Object> configMap = r.one("ConfigMap", configMapName);
        Map<String, Object> data = map(configMap, "data");

        Path source = root().resolve("protocol-policies/src/main/resources/protocols");
        assertTrue(Files.isRegularFile(source.resolve("index.txt")), "no protocols index at " + source);
        // Expected keys: NN-<file> in the order of index.txt (the folder loader reads name order), then the vocabulary.
        Map<String, String> expected = new HashMap<>();
        int position = 0;
        for (String line : Files.readAllLines(source.resolve("index.txt"), StandardCharsets.UTF_8)) {
            String file = line.replaceAll("#.*", "").strip();
            if (!file.isEmpty()) {
                expected.put(String.format("%02d-%s", ++position, file), Files.readString(source.resolve(file), StandardCharsets.UTF_8));
            }
        }
        assertTrue(position > 0, "index.txt lists no protocol");
        expected.put("vocabulary.yaml", Files.readString(source.resolve("vocabulary.yaml"), StandardCharsets.UTF_8));
        String hint = " (run k8s/sync-protocols.sh)";
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(data.keySet()), overlay + ": protocol files in the ConfigMap" + hint);
        expected.forEach((name, text) -> assertEquals(text, data.get(name), overlay + ": " + name + " differs from the shipped protocol" + hint));

        // What the gateway will do with the mounted folder: load it, and evaluate in the shipped order.
        Path mounted = Files.createTempDirectory("protocols-configmap");
        try {
            for (Map.Entry<String, Object> e : data.entrySet()) {
                Files.writeString(mounted.resolve(e.getKey()), (String) e.getValue(), StandardCharsets.UTF_8);
            }
            ProtocolSet fromConfigMap = ProtocolLoader.loadDirectory(mounted);
            ProtocolSet shipped = ProtocolLoader.loadShipped();
            assertEquals(shipped.protocols().stream().map(Protocol::ref).toList(),
                    fromConfigMap.protocols().stream().map(Protocol::ref).toList(),
                    overlay + ": the mounted protocols load in the shipped order");
        } finally {
            try (Stream<Path> files = Files.list(mounted)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(mounted);
        }
    }

    /**
     * The audit checkpoint key is mounted read-only from the Secret gateway-audit-signing-key where
     * GATEWAY_AUDIT_SIGNING_DIR points (production refuses to start without it), and the encryption key of
     * stored secrets and the console client secret come from Secret references.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theSigningKeyIsMountedAndTheEncryptionKeyReferencedFromSecrets(String overlay) {
        Map<String, Object> deployment = render(overlay).one("Deployment", GATEWAY);
        assertEquals("prod", env(deployment, "QUARKUS_PROFILE").get("value"), overlay + ": the prod profile, which requires the keys");
        String directory = (String) env(deployment, "GATEWAY_AUDIT_SIGNING_DIR").get("value");
        Map<String, Object> pod = map(deployment, "spec", "template", "spec");
        Map<String, Object> mount = maps(maps(pod, "containers").get(0), "volumeMounts").stream()
                .filter(m -> directory.equals(m.get("mountPath"))).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": nothing is mounted at " + directory));
        assertEquals(Boolean.TRUE, mount.get("readOnly"), overlay + ": the key is mounted read-only");
        Map<String, Object> volume = maps(pod, "volumes").stream().filter(v -> mount.get("name").equals(v.get("name")))
                .findFirst().orElseThrow();
        assertEquals("gateway-audit-signing-key", get(volume, "secret", "secretName"), overlay + ": the key comes from its Secret");
        assertFalse(Boolean.TRUE.equals(get(volume, "secret", "optional")), overlay + ": the key is not optional");
        assertEquals(Set.of("private.pem", "public.pem"), maps(volume, "secret", "items").stream()
                .map(i -> (String) i.get("path")).collect(Collectors.toSet()), overlay + ": the files the gateway reads");
        assertEquals("gateway-secrets-key", get(env(deployment, "GATEWAY_SECRETS_KEY"), "valueFrom", "secretKeyRef", "name"));
        assertFalse(Boolean.TRUE.equals(get(env(deployment, "GATEWAY_SECRETS_KEY"), "valueFrom", "secretKeyRef", "optional")),
                overlay + ": the encryption key is not optional");
        assertEquals("gateway-console-client",
                get(env(deployment, "GATEWAY_CONSOLE_CLIENT_SECRET"), "valueFrom", "secretKeyRef", "name"));
    }

    /**
     * Every gateway replica at full pool size, and the surge pod of a rolling update at the HPA maximum,
     * must fit in PostgreSQL's max_connections with its 3 superuser slots and 10 for the operator and people.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void connectionPoolsFitTheDatabase(String overlay) {
        Rendered r = render(overlay);
        int maxReplicas = ((Number) get(r.one("HorizontalPodAutoscaler", GATEWAY), "spec", "maxReplicas")).intValue();
        int pool = Integer.parseInt((String) env(r.one("Deployment", GATEWAY), "GATEWAY_DB_POOL_SIZE").get("value"));
        int jdbc = 2; // quarkus.datasource.jdbc.max-size: the verifier's pool
        int migration = 1; // the migration Job's Flyway connection (Flyway no longer runs in the pods)
        Object surge = get(r.one("Deployment", GATEWAY), "spec", "strategy", "rollingUpdate", "maxSurge");
        int pods = maxReplicas + (surge == null ? 1 : ((Number) surge).intValue());
        Object max = get(r.one("Cluster", "gateway-db"), "spec", "postgresql", "parameters", "max_connections");
        int maxConnections = Integer.parseInt(String.valueOf(max == null ? "100" : max));
        int reserved = 3; // superuser_reserved_connections (PostgreSQL's default)
        assertTrue(pods * (pool + jdbc) + migration + reserved + 10 <= maxConnections,
                overlay + ": " + pods + " pods (HPA maximum + surge) x (" + pool + " + " + jdbc + ") connections + " + migration
                        + " for the migration Job + " + reserved + " reserved + 10 for the operator and people exceed max_connections "
                        + maxConnections);
    }

    /**
     * Two database roles: the serving pods connect as gateway_app and never migrate nor see the owner's
     * secret; a Job running the same image with QUARKUS_INIT_AND_EXIT migrates as gateway_owner; the
     * CloudNativePG cluster creates both roles from secrets.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void migrationsRunInAJobThatAloneHoldsTheOwnerSecret(String overlay) {
        Rendered r = render(overlay);
        Map<String, Object> cluster = r.one("Cluster", "gateway-db");
        assertEquals("gateway_owner", get(cluster, "spec", "bootstrap", "initdb", "owner"), overlay + ": the database's owner");
        assertEquals("gateway-db-owner", get(cluster, "spec", "bootstrap", "initdb", "secret", "name"), overlay + ": the owner's secret");
        Map<String, String> roles = new HashMap<>();
        for (Map<String, Object> role : maps(cluster, "spec", "managed", "roles")) {
            roles.put((String) role.get("name"), str(role, "passwordSecret", "name"));
            assertNotEquals(Boolean.TRUE, role.get("superuser"), overlay + ": " + role.get("name") + " is no superuser");
        }
        assertEquals(Map.of("gateway_owner", "gateway-db-owner", "gateway_app", "gateway-db-app"), roles, overlay + ": managed roles");

        Map<String, Object> deployment = r.one("Deployment", GATEWAY);
        assertEquals("false", env(deployment, "GATEWAY_DB_MIGRATE").get("value"), overlay + ": the serving pods do not migrate");
        assertEquals("gateway-db-app", get(env(deployment, "GATEWAY_DB_USER"), "valueFrom", "secretKeyRef", "name"), overlay + ": runtime user");
        assertEquals("gateway-db-app", get(env(deployment, "GATEWAY_DB_PASSWORD"), "valueFrom", "secretKeyRef", "name"), overlay + ": runtime password");
        assertFalse(new Yaml(new SafeConstructor(new LoaderOptions())).dump(deployment).contains("gateway-db-owner"),
                overlay + ": the Deployment never references the owner's secret");

        Map<String, Object> job = r.one("Job", GATEWAY + "-migrate");
        assertEquals("true", env(job, "QUARKUS_INIT_AND_EXIT").get("value"), overlay + ": the Job migrates and exits");
        assertEquals("true", env(job, "GATEWAY_DB_MIGRATE").get("value"), overlay + ": the Job migrates");
        assertEquals("prod", env(job, "QUARKUS_PROFILE").get("value"), overlay + ": the Job runs the production profile");
        assertEquals("gateway-db-owner", get(env(job, "GATEWAY_DB_OWNER_PASSWORD"), "valueFrom", "secretKeyRef", "name"), overlay + ": owner password");
        assertEquals("gateway-db-owner", get(env(job, "GATEWAY_DB_OWNER_USER"), "valueFrom", "secretKeyRef", "name"), overlay + ": owner user");
        assertEquals(env(deployment, "GATEWAY_DB_URL").get("value"), env(job, "GATEWAY_DB_URL").get("value"), overlay + ": same database");
        Map<String, Object> jobContainer = maps(map(job, "spec", "template", "spec"), "containers").get(0);
        assertEquals(maps(map(deployment, "spec", "template", "spec"), "containers").get(0).get("image"), jobContainer.get("image"),
                overlay + ": the Job runs the gateway's own image");
        assertEquals(Boolean.FALSE, get(jobContainer, "securityContext", "allowPrivilegeEscalation"), overlay + ": Job hardened");
        assertEquals(Boolean.TRUE, get(jobContainer, "securityContext", "readOnlyRootFilesystem"), overlay + ": Job read-only root");
    }

    // --- prod ------------------------------------------------------------------------------------

    @Test
    void prodRunsThreeReplicasAutoscaledWithADisruptionBudget() {
        Rendered r = render("prod");
        Map<String, Object> deployment = r.one("Deployment", GATEWAY);
        assertTrue(((Number) get(deployment, "spec", "replicas")).intValue() >= 3, "prod: at least 3 gateway replicas");
        Map<String, Object> hpa = r.one("HorizontalPodAutoscaler", GATEWAY);
        int min = ((Number) get(hpa, "spec", "minReplicas")).intValue();
        int max = ((Number) get(hpa, "spec", "maxReplicas")).intValue();
        assertTrue(min >= 3 && max > min, "prod: HPA keeps at least 3 replicas and may add more (" + min + ".." + max + ")");
        assertFalse(maps(hpa, "spec", "metrics").isEmpty(), "prod: HPA has a metric");
        Map<String, Object> pdb = r.one("PodDisruptionBudget", GATEWAY);
        assertEquals("policy/v1", pdb.get("apiVersion"));
        assertTrue(get(pdb, "spec", "minAvailable") != null || get(pdb, "spec", "maxUnavailable") != null, "prod: PDB sets a budget");
    }

    @Test
    void prodNetworkPolicyAdmitsOnlyTheIngressControllerAndPrometheusAndLimitsEgress() {
        Map<String, Object> policy = render("prod").one("NetworkPolicy", GATEWAY);
        assertEquals(Set.of("Ingress", "Egress"), Set.copyOf((List<?>) get(policy, "spec", "policyTypes")), "both directions are restricted");
        List<Map<String, Object>> ingress = maps(policy, "spec", "ingress");
        Set<Object> namespaces = new HashSet<>();
        for (Map<String, Object> rule : ingress) {
            for (Map<String, Object> from : maps(rule, "from")) {
                assertNotNull(get(from, "namespaceSelector", "matchLabels"), "ingress comes from a selected namespace only: " + from);
                assertFalse(from.containsKey("ipBlock"), "no ingress from IP blocks");
                namespaces.add(get(from, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name"));
            }
            assertEquals(Set.of(8080), ports(rule), "ingress only to the gateway port");
        }
        assertEquals(Set.of("ingress-nginx", "monitoring"), namespaces, "the ingress controller and Prometheus only");

        List<Map<String, Object>> egress = maps(policy, "spec", "egress");
        Set<Integer> egressPorts = egress.stream().flatMap(rule -> ports(rule).stream()).collect(Collectors.toSet());
        assertTrue(egressPorts.containsAll(Set.of(53, 5432, 443)), "egress to DNS, PostgreSQL and HTTPS: " + egressPorts);
        for (Map<String, Object> rule : egress) {
            assertFalse(maps(rule, "ports").isEmpty(), "every egress rule names its ports: " + rule);
            assertFalse(maps(rule, "to").isEmpty(), "every egress rule names its destinations: " + rule);
        }
        assertTrue(egress.stream().anyMatch(rule -> maps(rule, "to").stream()
                        .anyMatch(to -> "gateway-db".equals(get(to, "podSelector", "matchLabels", "cnpg.io/cluster")))),
                "egress to the gateway-db pods");
        assertTrue(egress.stream().anyMatch(rule -> maps(rule, "to").stream()
                        .anyMatch(to -> "keycloak".equals(get(to, "podSelector", "matchLabels", "app.kubernetes.io/instance")))),
                "egress to the Keycloak pods");
    }

    @Test
    void prodPostgresIsReplicatedAndBackedUp() {
        Rendered r = render("prod");
        Map<String, Object> cluster = r.one("Cluster", "gateway-db");
        assertEquals("postgresql.cnpg.io/v1", cluster.get("apiVersion"));
        assertEquals(3, ((Number) get(cluster, "spec", "instances")).intValue(), "gateway-db: 3 instances");
        assertNonEmpty(get(cluster, "spec", "storage", "size"), "gateway-db: storage size");
        for (Map<String, Object> c : r.ofKind("Cluster")) {
            String name = str(c, "metadata", "name");
            assertNonEmpty(get(c, "spec", "backup", "barmanObjectStore", "destinationPath"), name + ": backup destination");
            assertNonEmpty(get(c, "spec", "backup", "retentionPolicy"), name + ": backup retention");
            assertNonEmpty(get(c, "spec", "backup", "barmanObjectStore", "s3Credentials", "secretAccessKey", "name"),
                    name + ": object store credentials from a secret");
            assertTrue(r.ofKind("ScheduledBackup").stream().anyMatch(b -> name.equals(get(b, "spec", "cluster", "name"))),
                    name + ": a ScheduledBackup");
        }
        Map<String, Object> deployment = r.one("Deployment", GATEWAY);
        assertTrue(((String) env(deployment, "GATEWAY_DB_URL").get("value")).contains("gateway-db-rw"),
                "the gateway uses gateway-db's read-write service");
    }

    @Test
    void prodKeycloakAndItsRealmImportCarryNoDevSecrets() {
        Rendered r = render("prod");
        Map<String, Object> keycloak = r.ofKind("Keycloak").stream().findFirst()
                .orElseThrow(() -> new AssertionError("prod: no Keycloak CR"));
        assertEquals("k8s.keycloak.org/v2alpha1", keycloak.get("apiVersion"));
        Map<String, Object> imp = r.ofKind("KeycloakRealmImport").stream().findFirst()
                .orElseThrow(() -> new AssertionError("prod: no KeycloakRealmImport"));
        assertEquals(str(keycloak, "metadata", "name"), get(imp, "spec", "keycloakCRName"), "the import targets the Keycloak CR");
        Map<String, Object> realm = map(imp, "spec", "realm");
        assertEquals("safeguarding", realm.get("realm"));
        assertFalse(DEV_ONLY.matcher(new Yaml().dump(imp)).find(), "a dev-only secret or password in the realm import");
        for (Map<String, Object> client : maps(realm, "clients")) {
            assertFalse(client.containsKey("secret"), "client " + client.get("clientId") + " has a committed secret");
            assertFalse(TEST_ONLY_CLIENTS.contains(client.get("clientId")), "test-only client " + client.get("clientId"));
        }
        for (Map<String, Object> user : maps(realm, "users")) {
            assertFalse(user.containsKey("credentials"), "user " + user.get("username") + " has credentials");
        }
        String issuer = (String) env(r.one("Deployment", GATEWAY), "GATEWAY_OIDC_ISSUER").get("value");
        assertEquals(str(keycloak, "spec", "hostname", "hostname") + "/realms/safeguarding", issuer,
                "the gateway trusts the issuer that this Keycloak writes into tokens");
    }

    /** The committed realm import is regenerated from keycloak/realm-safeguarding.json, not edited by hand. */
    @Test
    void realmImportHasEveryProductionClientOfTheRealm() throws IOException {
        Map<String, Object> source = load(Files.readString(root().resolve("keycloak/realm-safeguarding.json"))).get(0);
        Set<String> expected = maps(source, "clients").stream().map(c -> (String) c.get("clientId"))
                .filter(id -> !TEST_ONLY_CLIENTS.contains(id)).collect(Collectors.toCollection(TreeSet::new));
        Map<String, Object> imp = render("prod").ofKind("KeycloakRealmImport").get(0);
        Set<String> actual = maps(map(imp, "spec", "realm"), "clients").stream().map(c -> (String) c.get("clientId"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, actual, "clients of the realm import (run k8s/generate-realm-import.py)");
        assertEquals(source.get("clientScopes"), get(imp, "spec", "realm", "clientScopes"),
                "client scopes of the realm import (run k8s/generate-realm-import.py)");
        assertEquals(source.get("roles"), get(imp, "spec", "realm", "roles"), "roles of the realm import (run k8s/generate-realm-import.py)");
    }

    // --- rendering -------------------------------------------------------------------------------

    static synchronized Rendered render(String overlay) {
        assertTrue(OVERLAYS.contains(overlay), "unknown overlay " + overlay);
        return CACHE.computeIfAbsent(overlay, KustomizeRenderTest::runKustomize);
    }

    private static Rendered runKustomize(String overlay) {
        String kubectl = kubectl().orElseThrow(() -> new AssertionError(
                "kubectl is not installed (not on PATH): install it to check the k8s/ overlays, e.g. "
                        + "'apt-get install kubernetes-client' on Debian; this test does not skip without it"));
        Path dir = root().resolve("k8s/overlays").resolve(overlay);
        assertTrue(Files.isDirectory(dir), "no overlay at " + dir);
        try {
            Process p = new ProcessBuilder(kubectl, "kustomize", dir.toString()).directory(root().toFile()).start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            String out = read(p.getInputStream());
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("kubectl kustomize " + dir + " did not finish in 120 s");
            }
            if (p.exitValue() != 0) {
                fail("kubectl kustomize " + dir + " failed (exit " + p.exitValue() + "):\n" + err.join());
            }
            return new Rendered(out, load(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> load(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (doc == null) {
                continue;
            }
            assertTrue(doc instanceof Map, "a rendered document is not a mapping: " + doc);
            docs.add((Map<String, Object>) doc);
        }
        return docs;
    }

    private static Optional<String> kubectl() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator)).map(d -> Path.of(d, "kubectl"))
                .filter(Files::isExecutable).map(Path::toString).findFirst();
    }

    static Path root() {
        String configured = System.getProperty("project.root");
        Path start = configured != null && !configured.isBlank() ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("k8s/overlays"))) {
                return p;
            }
        }
        throw new AssertionError("no k8s/overlays above " + start + " (system property project.root)");
    }

    private static String read(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- navigating the parsed objects ------------------------------------------------------------

    static Object get(Map<String, Object> node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    static String str(Map<String, Object> node, String... path) {
        Object v = get(node, path);
        return v == null ? null : String.valueOf(v);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> node, String... path) {
        Object v = get(node, path);
        assertTrue(v instanceof Map, String.join(".", path) + " is missing or not a mapping");
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Map<String, Object> node, String... path) {
        Object v = get(node, path);
        return v instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    static Map<String, Object> env(Map<String, Object> deployment, String name) {
        List<Map<String, Object>> containers = maps(map(deployment, "spec", "template", "spec"), "containers");
        return containers.stream().flatMap(c -> maps(c, "env").stream())
                .filter(e -> name.equals(e.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("the gateway has no environment variable " + name));
    }

    static Set<Integer> ports(Map<String, Object> rule) {
        return maps(rule, "ports").stream()
                .map(p -> ((Number) p.get("port")).intValue()).collect(Collectors.toSet());
    }

    private static void assertSubset(Map<String, Object> selector, Map<String, Object> labels, String what) {
        assertFalse(selector.isEmpty(), what + " is empty");
        selector.forEach((k, v) -> assertEquals(v, labels.get(k), what + ": label " + k + " does not match the pod template"));
    }

    private static void assertNonEmpty(Object value, String what) {
        assertTrue(value != null && !String.valueOf(value).isBlank(), what + " is missing");
    }
}
