package org.xmtpnode.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.xmtpnode.devnet.Devnet;
import org.xmtpnode.proto.api.QueryRequest;
import org.xmtpnode.testsupport.TestWallet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ops console and the synthetic probe on a running network: the console's page and state are on
 * the gateway's management port only; the state lists the registry's nodes with their ready instances
 * and the rates read from the services' own metrics; the probe's round trips succeed through every node
 * and its meters appear.
 */
class OpsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Devnet devnet = SharedDevnet.get();
    private final Api admin = new Api(devnet.gatewayManagementUrl());

    JsonNode state() throws Exception {
        HttpResponse<String> r = admin.get("/ops/api/state");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void theConsoleIsOnTheManagementPortOnly() throws Exception {
        HttpResponse<String> page = admin.get("/ops/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("<title>XMTP network");
        assertThat(new Api(devnet.apiUrl()).get("/ops/").statusCode()).isEqualTo(404);
        assertThat(new Api(devnet.apiUrl()).get("/ops/api/state").statusCode()).isEqualTo(404);
    }

    @Test
    void theGatewayCountsTheAnswersOfItsPublicPortOnly() throws Exception {
        double before = notFound();
        for (int i = 0; i < 3; i++) {
            assertThat(admin.get("/no-such-page").statusCode()).isEqualTo(404);
        }
        assertThat(notFound()).isEqualTo(before);
        assertThat(new Api(devnet.apiUrl()).get("/no-such-page").statusCode()).isEqualTo(404);
        assertThat(notFound()).isEqualTo(before + 1);
    }

    /** {@code gateway.answers} of unknown paths answered 404. */
    private double notFound() throws Exception {
        return admin.get("/actuator/prometheus")
                .body()
                .lines()
                .filter(l -> l.startsWith("gateway_answers_total{")
                        && l.contains("code=\"not_found\"")
                        && l.contains("route=\"other\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void theStateListsTheNodesAndTheRatesOfTheirTraffic() throws Exception {
        Api api =
                new Api(devnet.apiUrl()).withToken(TestWallet.random().token(System.currentTimeMillis() * 1_000_000L));
        String topic = "/xmtp/0/m-ops-" + UUID.randomUUID() + "/proto";
        try (GrpcApi grpc = new GrpcApi(devnet.grpcPort())) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        // traffic until a sample has seen it: a publish and a query each time
                        long now = System.currentTimeMillis() * 1_000_000L;
                        assertThat(api.post(
                                                "/message/v1/publish",
                                                Api.publishBody(Api.envelope(
                                                        topic, now, "ops".getBytes(StandardCharsets.UTF_8))))
                                        .statusCode())
                                .isEqualTo(200);
                        assertThat(api.post("/message/v1/query", "{\"contentTopics\":[\"" + topic + "\"]}")
                                        .statusCode())
                                .isEqualTo(200);
                        // and the same query over gRPC, which the console counts beside REST
                        grpc.query(QueryRequest.newBuilder()
                                .addContentTopics(topic)
                                .build());
                        JsonNode state = state();
                        List<String> nodes = new ArrayList<>();
                        for (JsonNode n : state.path("nodes")) {
                            nodes.add(n.path("nodeId").asString());
                            assertThat(n.path("state").asString()).isEqualTo("serving");
                            assertThat(n.path("ready").path("relay").asInt()).isEqualTo(2);
                            assertThat(n.path("ready").path("topic").asInt()).isEqualTo(1);
                            assertThat(n.path("lastHeartbeat").asString()).isNotEmpty();
                        }
                        assertThat(nodes).containsExactlyInAnyOrderElementsOf(devnet.nodeIds());
                        String node = devnet.nodeIds().get(0);
                        assertThat(seen(state, "n." + node + ".envelopes_per_s"))
                                .isPositive();
                        assertThat(seen(state, "n." + node + ".publishes_per_s"))
                                .isPositive();
                        assertThat(seen(state, "n." + node + ".queries_per_s")).isPositive();
                        assertThat(seen(state, "n." + node + ".instances_scraped"))
                                .isEqualTo(4); // 2 relays, topic, keystore
                        assertThat(seen(state, "n." + node + ".store_bytes")).isPositive();
                        assertThat(seen(state, "g.requests.publish_per_s")).isPositive();
                        assertThat(seen(state, "g.grpc_calls.Query_per_s")).isPositive();
                        JsonNode last =
                                state.path("samples").get(state.path("samples").size() - 1);
                        assertThat(last.path("values").has("n." + node + ".consumer_lag.relay-fanout"))
                                .isTrue();
                        assertThat(last.path("values").has("n." + node + ".outbox_backlog"))
                                .isTrue();
                        // a later read returns only what is new
                        long seq = last.path("seq").asLong();
                        JsonNode next = JSON.readTree(
                                admin.get("/ops/api/state?since=" + seq).body());
                        for (JsonNode s : next.path("samples")) {
                            assertThat(s.path("seq").asLong()).isGreaterThan(seq);
                        }
                    });
        }
    }

    @Test
    void theProbeSucceedsThroughEveryNodeAndIsMeasured() throws Exception {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    JsonNode state = state();
                    assertThat(state.path("probeEnabled").asBoolean()).isTrue();
                    List<String> ok = new ArrayList<>();
                    for (JsonNode p : state.path("probe")) {
                        if (p.path("ok").asBoolean()) {
                            ok.add(p.path("node").asString());
                            assertThat(p.path("roundTripMillis").asLong()).isBetween(0L, 5_000L);
                        }
                    }
                    assertThat(ok).containsExactlyInAnyOrderElementsOf(devnet.nodeIds());
                });
        String metrics = admin.get("/actuator/prometheus").body();
        String node = devnet.nodeIds().get(0);
        assertThat(metrics)
                .contains("probe_roundtrip_seconds_count{node=\"" + node + "\"")
                .contains("probe_up{node=\"" + node + "\"");
        assertThat(metrics.lines().filter(l -> l.startsWith("probe_up{node=\"" + node + "\"")))
                .allSatisfy(l -> assertThat(l).endsWith(" 1.0"));
    }

    /** The largest value a series had in the samples of the state. */
    private static double seen(JsonNode state, String key) {
        double max = Double.NEGATIVE_INFINITY;
        for (JsonNode s : state.path("samples")) {
            JsonNode v = s.path("values").path(key);
            if (v.isNumber()) {
                max = Math.max(max, v.asDouble());
            }
        }
        return max;
    }
}
