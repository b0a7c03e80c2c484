package org.xmtpnode.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmtpnode.devnet.Devnet;
import org.xmtpnode.devnet.Devnet.Service;
import org.xmtpnode.devnet.Ports;
import org.xmtpnode.testsupport.TestWallet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A real Prometheus (Debian's {@code prometheus}, started here like the other servers) scrapes a local
 * network under traffic with the project's alert rules: every expression of the Grafana dashboard returns
 * data (no dead panel), every alert rule's expression without its threshold does (no dead rule; the
 * Kubernetes-only volume rule aside), and a stopped node makes the service-down rule's expression fire.
 */
class PrometheusIT {

    static final Path ROOT =
            Path.of(System.getProperty("xmtp.root", "..")).toAbsolutePath().normalize();
    static final JsonMapper JSON = JsonMapper.builder().build();
    /** Rules over metrics only Kubernetes has (the kubelet's volume statistics). */
    static final List<String> KUBERNETES_ONLY = List.of("XmtpVolumeFilling");

    static Devnet devnet;
    static Process prometheus;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        devnet = Devnet.start(Devnet.Options.ephemeral(ROOT, Files.createTempDirectory("devnet-prometheus-"), 1)
                .withArgs(
                        Service.GATEWAY,
                        // a small publish bucket, so the traffic below is refused now and then
                        "--xmtp.gateway.rate-limits.publish.burst=20",
                        "--xmtp.gateway.rate-limits.publish.per-minute=600",
                        "--xmtp.gateway.ops.probe.interval=1s"));
        Path dir = Files.createTempDirectory("prometheus-");
        Files.copy(ROOT.resolve("deploy/prometheus/alerts.yml"), dir.resolve("alerts.yml"));
        List<String> targets = new ArrayList<>();
        for (Service s : List.of(Service.RELAY, Service.TOPIC, Service.KEYSTORE, Service.BOOTSTRAP)) {
            devnet.ports(s).forEach(p -> targets.add("'127.0.0.1:" + p + "'"));
        }
        targets.add("'" + devnet.gatewayManagementUrl().replace("http://", "") + "'");
        // the deployment's configuration, scraping every second
        String config = Files.readString(ROOT.resolve("deploy/prometheus/prometheus.yml"))
                .replace("scrape_interval: 15s", "scrape_interval: 1s")
                .replace("evaluation_interval: 15s", "evaluation_interval: 1s")
                .replace("/etc/prometheus/alerts.yml", dir.resolve("alerts.yml").toString());
        Matcher list = Pattern.compile("(?s)- targets:\\n.*?(?=\\n\\s+labels:)").matcher(config);
        assertThat(list.find()).isTrue();
        config = config.substring(0, list.start()) + "- targets: [" + String.join(", ", targets) + "]"
                + config.substring(list.end());
        Files.writeString(dir.resolve("prometheus.yml"), config);
        int port = Ports.free();
        prometheus = new ProcessBuilder(
                        "prometheus",
                        "--config.file=" + dir.resolve("prometheus.yml"),
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        api = new Api("http://127.0.0.1:" + port);
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> api.get("/-/ready").statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.destroy();
        }
        if (devnet != null) {
            devnet.close();
        }
    }

    static JsonNode query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = api.get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(promql + ": " + r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("status").asString()).isEqualTo("success");
        return body.path("data").path("result");
    }

    /** An alert's expression without its threshold: the part left of its last comparison. */
    static String withoutThreshold(String expr) {
        Matcher m = Pattern.compile("\\s(==|>|<)\\s").matcher(expr);
        int at = -1;
        while (m.find()) {
            at = m.start();
        }
        return at < 0 ? expr : expr.substring(0, at);
    }

    @Test
    void everyPanelAndRuleHasDataAndAStoppedNodeFiresServiceDown() throws Exception {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (JsonNode panel : JSON.readTree(ROOT.resolve("deploy/grafana/dashboards/xmtp-network.json")
                        .toFile())
                .path("panels")) {
            panel.path("targets")
                    .forEach(t -> expressions.put(
                            "panel '" + panel.path("title").asString() + "' "
                                    + t.path("refId").asString(),
                            t.path("expr").asString()));
        }
        JsonNode rules = new YAMLMapper()
                .readTree(ROOT.resolve("deploy/prometheus/alerts.yml").toFile());
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (!KUBERNETES_ONLY.contains(rule.path("alert").asString())) {
                    expressions.put(
                            "rule " + rule.path("alert").asString(),
                            withoutThreshold(rule.path("expr").asString()));
                }
            }
        }
        assertThat(expressions).hasSizeGreaterThan(35);
        Api gateway =
                new Api(devnet.apiUrl()).withToken(TestWallet.random().token(System.currentTimeMillis() * 1_000_000L));
        String topic = "/xmtp/0/m-prometheus-" + UUID.randomUUID() + "/proto";
        try (Traffic traffic = new Traffic(
                devnet.apiUrl(), TestWallet.random().token(System.currentTimeMillis() * 1_000_000L), topic)) {
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(() -> {
                        // now and then a burst past the bucket (429), an unknown path (404), a query and a batch query
                        for (int i = 0; i < 25; i++) {
                            gateway.post(
                                    "/message/v1/publish", Api.publishBody(Api.envelope(topic, i + 1, new byte[] {1})));
                        }
                        gateway.get("/no-such-page");
                        gateway.post(
                                "/message/v1/batch-query", "{\"requests\":[{\"contentTopics\":[\"" + topic + "\"]}]}");
                        List<String> dead = new ArrayList<>();
                        for (Map.Entry<String, String> e : expressions.entrySet()) {
                            if (query(e.getValue()).isEmpty()) {
                                dead.add(e.getKey() + ": " + e.getValue());
                            }
                        }
                        assertThat(dead).as("expressions without data").isEmpty();
                    });
        }
        String down = withoutThreshold(rules.path("groups")
                        .get(0)
                        .path("rules")
                        .get(0)
                        .path("expr")
                        .asString()) + " == 0";
        assertThat(query(down)).isEmpty();
        devnet.stopNode(0, true);
        await().atMost(Duration.ofSeconds(30)).until(() -> query(down).size() >= 4);
    }
}
