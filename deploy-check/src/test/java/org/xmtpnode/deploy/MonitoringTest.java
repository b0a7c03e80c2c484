package org.xmtpnode.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The monitoring stack: the alert rules and the Prometheus configuration pass {@code promtool} (Debian's
 * {@code prometheus} package; .ci/run installs it), the alerts' unit tests pass, every expression of
 * the Grafana dashboard parses; the Kubernetes copies (PrometheusRule, dashboard ConfigMap) equal the
 * files in deploy/; the PodMonitors scrape named container ports of the pods they select; the compose
 * Prometheus scrapes the ports the services listen on.
 */
class MonitoringTest {

    static final Path PROMETHEUS = Manifests.ROOT.resolve("deploy/prometheus");
    static final Path DASHBOARD = Manifests.ROOT.resolve("deploy/grafana/dashboards/xmtp-network.json");
    static final JsonMapper JSON = JsonMapper.builder().build();

    static String promtool(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new AssertionError("promtool is missing: install Debian's prometheus package (.ci/run does)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as("promtool " + String.join(" ", args) + "\n" + out)
                .isZero();
        return out;
    }

    @Test
    void theAlertRulesAndTheirUnitTestsPass() throws Exception {
        assertThat(promtool(PROMETHEUS, "check", "rules", "alerts.yml")).contains("SUCCESS");
        assertThat(promtool(PROMETHEUS, "test", "rules", "alerts-test.yml")).contains("SUCCESS");
    }

    @Test
    void thePrometheusConfigurationIsValid(@TempDir Path dir) throws Exception {
        // as mounted in docker-compose.yml: the rules next to the configuration
        String config = Files.readString(PROMETHEUS.resolve("prometheus.yml"));
        assertThat(config).contains("/etc/prometheus/alerts.yml");
        Files.writeString(dir.resolve("prometheus.yml"), config.replace("/etc/prometheus/alerts.yml", "alerts.yml"));
        Files.copy(PROMETHEUS.resolve("alerts.yml"), dir.resolve("alerts.yml"));
        assertThat(promtool(dir, "check", "config", "prometheus.yml")).contains("SUCCESS");
    }

    @Test
    void everyExpressionOfTheDashboardParses(@TempDir Path dir) throws Exception {
        // promtool parses a rule file's expressions: each panel's becomes a recording rule
        List<Map<String, String>> rules = new ArrayList<>();
        for (String expr : expressions(JSON.readTree(DASHBOARD.toFile()))) {
            rules.add(Map.of("record", "dashboard:expr" + rules.size(), "expr", expr));
        }
        assertThat(rules).hasSizeGreaterThan(20);
        Map<String, Object> file = Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules)));
        Files.writeString(dir.resolve("dashboard.yml"), JSON.writeValueAsString(file));
        assertThat(promtool(dir, "check", "rules", "dashboard.yml")).contains("SUCCESS");
    }

    static List<String> expressions(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panel.path("targets").forEach(t -> out.add(t.path("expr").asString()));
        }
        return out;
    }

    @Test
    void theKubernetesCopiesAreTheFilesOfDeploy() throws Exception {
        List<ObjectNode> prod = Manifests.render("k8s/overlays/prod");
        ObjectNode rule = Manifests.ofKind(prod, "PrometheusRule").get(0);
        JsonNode alerts =
                Manifests.YAML.readTree(PROMETHEUS.resolve("alerts.yml").toFile());
        assertThat(rule.path("spec").path("groups")).isEqualTo(alerts.path("groups"));
        ObjectNode dashboards = Manifests.find(prod, "ConfigMap", "xmtp", "xmtp-grafana-dashboard")
                .orElseThrow();
        assertThat(dashboards
                        .path("metadata")
                        .path("labels")
                        .path("grafana_dashboard")
                        .asString())
                .isEqualTo("1");
        assertThat(JSON.readTree(
                        dashboards.path("data").path("xmtp-network.json").asString()))
                .isEqualTo(JSON.readTree(DASHBOARD.toFile()));
    }

    @Test
    void podMonitorsScrapeNamedPortsOfThePodsTheySelect() {
        List<ObjectNode> prod = Manifests.render("k8s/overlays/prod");
        List<ObjectNode> monitors = Manifests.ofKind(prod, "PodMonitor");
        assertThat(monitors).isNotEmpty();
        Map<String, String> scraped = new LinkedHashMap<>();
        for (ObjectNode m : monitors) {
            JsonNode selector = m.path("spec").path("selector");
            for (ObjectNode w : CrossReferenceTest.workloads(prod)) {
                JsonNode labels = Manifests.podLabels(w);
                if (!Manifests.matches(selector.path("matchLabels"), labels) || !inExpressions(selector, labels)) {
                    continue;
                }
                for (JsonNode endpoint : m.path("spec").path("podMetricsEndpoints")) {
                    String port = endpoint.path("port").asString();
                    assertThat(CrossReferenceTest.containerPorts(w))
                            .as(Manifests.id(m) + " scrapes port " + port + " of " + Manifests.id(w))
                            .anyMatch(p -> p.path("name").asString().equals(port));
                    assertThat(endpoint.path("path").asString()).isEqualTo("/actuator/prometheus");
                    scraped.put(Manifests.name(w), port);
                }
            }
        }
        assertThat(scraped).containsOnlyKeys(ServiceProperties.SERVICES).containsEntry("gateway-service", "management");
    }

    private static boolean inExpressions(JsonNode selector, JsonNode labels) {
        for (JsonNode e : selector.path("matchExpressions")) {
            List<String> values = new ArrayList<>();
            e.path("values").forEach(v -> values.add(v.asString()));
            String value = labels.path(e.path("key").asString()).asString(null);
            boolean in = value != null && values.contains(value);
            if (e.path("operator").asString().equals("In") != in) {
                return false;
            }
        }
        return true;
    }

    @Test
    void composePrometheusScrapesThePortsTheServicesServeMetricsOn() throws Exception {
        JsonNode config =
                Manifests.YAML.readTree(PROMETHEUS.resolve("prometheus.yml").toFile());
        List<String> targets = new ArrayList<>();
        config.path("scrape_configs")
                .get(0)
                .path("static_configs")
                .get(0)
                .path("targets")
                .forEach(t -> targets.add(t.asString()));
        Map<String, Map<String, String>> env = ComposeFile.environments();
        List<String> expected = new ArrayList<>();
        for (String service : ServiceProperties.SERVICES) {
            Map<String, String> e = env.get(service);
            expected.add(service + ":" + e.getOrDefault("MANAGEMENT_SERVER_PORT", e.get("SERVER_PORT")));
        }
        assertThat(targets).containsExactlyInAnyOrderElementsOf(expected);
        JsonNode volumes =
                ComposeFile.read().path("services").path("prometheus").path("volumes");
        List<String> mounts = new ArrayList<>();
        volumes.forEach(v -> mounts.add(v.asString()));
        assertThat(mounts)
                .contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro")
                .contains("./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
    }
}
