package uk.safeguarding.gateway.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uk.safeguarding.gateway.k8s.KustomizeRenderTest.env;
import static uk.safeguarding.gateway.k8s.KustomizeRenderTest.get;
import static uk.safeguarding.gateway.k8s.KustomizeRenderTest.map;
import static uk.safeguarding.gateway.k8s.KustomizeRenderTest.maps;
import static uk.safeguarding.gateway.k8s.KustomizeRenderTest.ports;
import static uk.safeguarding.gateway.k8s.KustomizeRenderTest.render;
import static uk.safeguarding.gateway.k8s.KustomizeRenderTest.root;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The prod overlay's operations (issue 23, items 8 and 9), from the objects `kubectl kustomize` renders
 * (rendering and navigation are {@link KustomizeRenderTest}'s): Prometheus scrapes the gateway and may
 * reach it, the alert rules and the dashboard cover every operations meter, a stopping pod drains, and
 * the autoscaler's bounds are the ones docs/SCALING.md sizes.
 */
class KustomizeOperationsRenderTest {

    private static final String GATEWAY = "safeguarding-gateway";
    /** Prometheus names of the meters operators alert on: the gateway's own, the witness's and the verifier's. */
    private static final List<String> ALERTED = List.of("gateway_alerts_oldest_pending_age_seconds", "gateway_dead_letters",
            "gateway_audit_seal_lag_events", "gateway_audit_checkpoint_age_seconds", "gateway_audit_witness_behind",
            "gateway_audit_verification_lag_events", "gateway_audit_verification_failures_total",
            "gateway_http_rate_limited_total", "gateway_denials_total", "gateway_audit_witness_last_ack_age_seconds",
            "gateway_audit_checkpoint_invalid_total", "gateway_audit_verification_state_tampered_total",
            "gateway_audit_full_pass_age_seconds");
    private static final List<String> CHARTED = List.of("gateway_alerts_pending", "gateway_alerts_oldest_pending_age_seconds",
            "gateway_dead_letters", "gateway_escalations_total", "gateway_audit_seal_lag_events", "gateway_http_rate_limited_total",
            "gateway_denials_total", "gateway_audit_checkpoint_age_seconds", "gateway_audit_witness_behind",
            "gateway_audit_verification_lag_events", "gateway_audit_verification_failures_total");

    @Test
    void prometheusScrapesEveryGatewayPodAndTheNetworkPolicyLetsItIn() {
        KustomizeRenderTest.Rendered r = render("prod");
        Map<String, Object> monitor = r.one("ServiceMonitor", GATEWAY);
        assertEquals("monitoring.coreos.com/v1", monitor.get("apiVersion"));
        Map<String, Object> service = r.one("Service", GATEWAY);
        Map<String, Object> serviceLabels = map(service, "metadata", "labels");
        map(monitor, "spec", "selector", "matchLabels").forEach((k, v) ->
                assertEquals(v, serviceLabels.get(k), "the ServiceMonitor selects the gateway's Service by " + k));
        Map<String, Object> endpoint = maps(monitor, "spec", "endpoints").get(0);
        assertEquals("/q/metrics", endpoint.get("path"));
        Map<String, Object> port = maps(service, "spec", "ports").stream().filter(p -> endpoint.get("port").equals(p.get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("the Service has no port " + endpoint.get("port")));
        // The Service's target port is the container port Prometheus connects to.
        Map<String, Object> container = maps(map(r.one("Deployment", GATEWAY), "spec", "template", "spec"), "containers").get(0);
        int podPort = maps(container, "ports").stream().filter(p -> port.get("targetPort").equals(p.get("name")))
                .map(p -> ((Number) p.get("containerPort")).intValue()).findFirst().orElseThrow();
        List<Map<String, Object>> fromMonitoring = maps(r.one("NetworkPolicy", GATEWAY), "spec", "ingress").stream()
                .filter(rule -> maps(rule, "from").stream().anyMatch(f ->
                        "monitoring".equals(get(f, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name"))))
                .toList();
        assertFalse(fromMonitoring.isEmpty(), "the NetworkPolicy admits the namespace monitoring");
        assertTrue(fromMonitoring.stream().allMatch(rule -> ports(rule).contains(podPort)),
                "Prometheus may reach the metrics port " + podPort);
    }

    @Test
    void alertRulesCoverEveryOperationsMeterWithTheCheckpointAgeBoundOf60Seconds() {
        Map<String, Object> rule = render("prod").one("PrometheusRule", GATEWAY);
        assertEquals("monitoring.coreos.com/v1", rule.get("apiVersion"));
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (Map<String, Object> group : maps(rule, "spec", "groups")) {
            alerts.addAll(maps(group, "rules"));
        }
        String expressions = String.join("\n", alerts.stream().map(a -> String.valueOf(a.get("expr"))).toList());
        for (String metric : ALERTED) {
            assertTrue(Pattern.compile("\\b" + metric + "\\b").matcher(expressions).find(), "no alert rule on " + metric);
        }
        assertTrue(expressions.contains("status=~\"5..\""), "an alert on the 5xx rate");
        assertTrue(alerts.stream().anyMatch(a -> String.valueOf(a.get("expr")).matches("(?s).*gateway_audit_checkpoint_age_seconds\\)? > 60\\b.*")),
                "the checkpoint-age alert fires above 60 s");
        for (Map<String, Object> a : alerts) {
            assertFalse(String.valueOf(a.get("alert")).isBlank(), "every rule is an alert");
            assertTrue(List.of("warning", "critical").contains(get(a, "labels", "severity")), a.get("alert") + ": severity");
            assertFalse(String.valueOf(get(a, "annotations", "summary")).isBlank(), a.get("alert") + ": summary");
        }
    }

    @Test
    void theGrafanaDashboardIsPickedUpAndChartsEveryOperationsMeter() throws IOException {
        Map<String, Object> configMap = render("prod").one("ConfigMap", "safeguarding-gateway-dashboard");
        assertEquals("1", get(configMap, "metadata", "labels", "grafana_dashboard"), "the Grafana sidecar's label");
        Map<String, Object> data = map(configMap, "data");
        assertEquals(1, data.size());
        JsonNode dashboard = new ObjectMapper().readTree((String) data.values().iterator().next());
        StringBuilder expressions = new StringBuilder();
        for (JsonNode panel : dashboard.get("panels")) {
            if (panel.has("targets")) {
                panel.get("targets").forEach(t -> expressions.append(t.get("expr").asText()).append('\n'));
            }
        }
        for (String metric : CHARTED) {
            assertTrue(Pattern.compile("\\b" + metric + "\\b").matcher(expressions).find(), "no dashboard panel charts " + metric);
        }
    }

    /** SIGTERM comes after preStop; the gateway then drains for its shutdown timeout; the kubelet waits for both. */
    @Test
    void aStoppingPodDrainsWithinItsGracePeriod() {
        Map<String, Object> deployment = render("prod").one("Deployment", GATEWAY);
        Map<String, Object> pod = map(deployment, "spec", "template", "spec");
        Map<String, Object> container = maps(pod, "containers").get(0);
        @SuppressWarnings("unchecked")
        List<String> preStop = (List<String>) get(container, "lifecycle", "preStop", "exec", "command");
        assertEquals("sleep", preStop.get(0), "preStop waits for the endpoints to drop the pod");
        long sleep = Long.parseLong(preStop.get(1));
        String timeout = (String) env(deployment, "GATEWAY_SHUTDOWN_TIMEOUT").get("value");
        long drain = Duration.parse("PT" + timeout.toUpperCase()).toSeconds();
        assertTrue(drain >= 10, "the gateway drains in-flight requests for at least 10 s: " + timeout);
        long grace = ((Number) pod.get("terminationGracePeriodSeconds")).longValue();
        assertTrue(grace >= sleep + drain + 5, "terminationGracePeriodSeconds " + grace + " < preStop " + sleep + " s + drain "
                + drain + " s + 5 s to stop the JVM");
        assertEquals("/q/health/started", get(container, "startupProbe", "httpGet", "path"));
    }

    /** docs/SCALING.md states the HPA bounds it sized ("HPA 3..16"); the prod overlay must have the same. */
    @Test
    void theAutoscalerBoundsAreTheOnesScalingMdSizes() throws IOException {
        Map<String, Object> hpa = render("prod").one("HorizontalPodAutoscaler", GATEWAY);
        String bounds = get(hpa, "spec", "minReplicas") + ".." + get(hpa, "spec", "maxReplicas");
        String scaling = Files.readString(root().resolve("docs/SCALING.md"));
        Matcher m = Pattern.compile("HPA (\\d+)\\.\\.(\\d+)").matcher(scaling);
        int found = 0;
        while (m.find()) {
            found++;
            assertEquals(bounds, m.group(1) + ".." + m.group(2), "docs/SCALING.md says HPA " + m.group() + "; k8s/ has " + bounds);
        }
        assertTrue(found > 0, "docs/SCALING.md states the HPA bounds as 'HPA min..max'");
    }
}
