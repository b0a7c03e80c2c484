package org.xmtpnode.bootstrap.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.xmtpnode.bootstrap.registry.TestRecords.newKey;
import static org.xmtpnode.bootstrap.registry.TestRecords.signed;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xmtpnode.bootstrap.registry.Announcer;
import org.xmtpnode.bootstrap.registry.TestRecords;
import org.xmtpnode.core.nodes.NodeRecords;
import org.xmtpnode.devnet.Ports;
import org.xmtpnode.proto.internal.NodeRecord;
import org.xmtpnode.proto.internal.SignedNodeRecord;
import org.xmtpnode.runtime.kafka.KafkaClients;
import org.xmtpnode.testsupport.TestInfra;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * bootstrap-service as it runs, against a real Kafka broker and Redis: it announces its own node, lists
 * the live nodes, takes signed records over HTTP into the registry topic, and refuses malformed, forged,
 * mismatched and future-dated ones with problem+json, writing nothing for them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BootstrapServiceIT {

    static final String NODE_ID = "bootstrap-it-" + UUID.randomUUID().toString().substring(0, 8);
    static final String REGISTRY_TOPIC = "nodes-it-" + UUID.randomUUID();
    static final Path KEY_DIR = tempDir();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    Announcer announcer;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        // the node's own services do not answer: it is announced as joining
        String nobody = "http://127.0.0.1:" + Ports.free();
        registry.add("xmtp.node.id", () -> NODE_ID);
        registry.add("xmtp.kafka.bootstrap-servers", () -> TestInfra.kafka().bootstrapServers());
        registry.add("xmtp.bootstrap.registry-topic", () -> REGISTRY_TOPIC);
        registry.add("xmtp.bootstrap.signing-key-file", () -> KEY_DIR.resolve("node-key.hex"));
        registry.add("xmtp.bootstrap.heartbeat-interval", () -> "500ms");
        registry.add("xmtp.bootstrap.relay-urls", () -> nobody);
        registry.add("xmtp.bootstrap.topic-urls", () -> nobody);
        registry.add("xmtp.bootstrap.keystore-urls", () -> nobody);
        registry.add("spring.data.redis.port", () -> TestInfra.redis().port());
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("bootstrap-it-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void cleanUp(@Autowired StringRedisTemplate redis) throws IOException {
        Set<String> keys = redis.keys("xmtp:bootstrap:" + NODE_ID + ":live:*");
        if (keys != null && !keys.isEmpty()) {
            redis.delete(keys);
        }
        Files.deleteIfExists(KEY_DIR.resolve("node-key.hex"));
        Files.deleteIfExists(KEY_DIR);
    }

    static String newNodeId() {
        return "node-" + UUID.randomUUID().toString().substring(0, 8);
    }

    HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/nodes/v1"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String json(SignedNodeRecord record) throws Exception {
        return JsonFormat.printer().print(record);
    }

    /** The node as {@code GET /nodes/v1} lists it, if it does. */
    Optional<JsonNode> listed(String nodeId, boolean all) throws Exception {
        HttpResponse<String> r = get("/nodes/v1" + (all ? "?all=true" : ""));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode nodes = JSON.readTree(r.body()).get("nodes");
        return StreamSupport.stream(nodes.spliterator(), false)
                .filter(n -> n.get("nodeId").asString().equals(nodeId))
                .findFirst();
    }

    static void assertProblem(HttpResponse<String> r, int status, String type) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.get("type").asString()).isEqualTo("urn:xmtp-node:problem:" + type);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).isNotBlank();
    }

    double refused(String reason) {
        Counter counter = meters.find("bootstrap.records")
                .tag("result", "refused")
                .tag("reason", reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    /**
     * The node ids of the records written to the registry topic while {@code action} ran. A POST answers
     * after its write is acknowledged, so every record it wrote is below the end offset read afterwards.
     */
    static List<String> writtenDuring(Action action) throws Exception {
        TopicPartition partition = new TopicPartition(REGISTRY_TOPIC, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                KafkaClients.consumer(TestInfra.kafka().bootstrapServers(), "bootstrap-it-reader"))) {
            consumer.assign(List.of(partition));
            long start = consumer.endOffsets(List.of(partition)).get(partition);
            action.run();
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            consumer.seek(partition, start);
            List<String> keys = new ArrayList<>();
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end) {
                        keys.add(new String(r.key(), StandardCharsets.UTF_8));
                    }
                }
            }
            return keys;
        }
    }

    /** Only this service's own heartbeats, which go on meanwhile. */
    static void assertNothingButHeartbeats(List<String> written) {
        assertThat(written).allMatch(NODE_ID::equals);
    }

    @Test
    void theServiceAnnouncesItsOwnNodeAsJoiningWhileItsServicesDoNotAnswer() {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(listed(NODE_ID, false)).hasValueSatisfying(node -> {
                    assertThat(node.get("state").asString()).isEqualTo("joining");
                    assertThat(node.get("live").asBoolean()).isTrue();
                    assertThat(node.get("signingKey").asString())
                            .isEqualTo(announcer.key().publicKeyHex());
                    assertThat(node.get("relayUrls")).isEmpty();
                }));
    }

    @Test
    void aSignedRecordPostedIsWrittenToTheRegistryTopicAndListedAsLive() throws Exception {
        String nodeId = newNodeId();
        Instant issued = Instant.now();
        SignedNodeRecord record = signed(nodeId, newKey(), issued, NodeRecord.State.STATE_SERVING);

        List<String> written = writtenDuring(() -> {
            HttpResponse<String> r = post(json(record));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(JSON.readTree(r.body()).get("nodeId").asString()).isEqualTo(nodeId);
        });

        assertThat(written).contains(nodeId);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(listed(nodeId, false)).hasValueSatisfying(node -> {
                    assertThat(node.get("state").asString()).isEqualTo("serving");
                    assertThat(node.get("live").asBoolean()).isTrue();
                    assertThat(node.get("publicUrl").asString()).isEqualTo("https://" + nodeId + ".example.org");
                    assertThat(Instant.parse(node.get("lastHeartbeat").asString()))
                            .isEqualTo(issued);
                }));
    }

    @Test
    void aBodyThatIsNotASignedRecordIsA400ProblemAndNothingIsWritten() throws Exception {
        String garbage = Base64.getEncoder().encodeToString(new byte[] {0, 0, 0});
        List<String> bodies = List.of(
                "",
                "not json",
                "{\"record\": 12, \"signature\": []}",
                "{\"record\":\"" + garbage + "\",\"signature\":\"" + garbage + "\"}",
                "{\"record\":\"" + "A".repeat(20_000) + "\"}");

        List<String> written = writtenDuring(() -> {
            for (String body : bodies) {
                assertProblem(post(body), 400, "bad-request");
            }
        });

        assertNothingButHeartbeats(written);
    }

    @Test
    void aForgedSignatureIsA403ProblemCountedAndNothingIsWritten() throws Exception {
        String nodeId = newNodeId();
        BigInteger key = newKey();
        // names one key, signed by another
        SignedNodeRecord otherSigner = NodeRecords.sign(
                TestRecords.record(nodeId, key, Instant.now(), NodeRecord.State.STATE_SERVING), newKey());
        // signed by its key, then altered
        SignedNodeRecord genuine = signed(nodeId, key, Instant.now(), NodeRecord.State.STATE_SERVING);
        SignedNodeRecord altered = genuine.toBuilder()
                .setRecord(genuine.getRecord().concat(ByteString.copyFrom(new byte[] {0x50, 0x01})))
                .build();
        double before = refused("bad-signature");

        List<String> written = writtenDuring(() -> {
            assertProblem(post(json(otherSigner)), 403, "forbidden");
            assertProblem(post(json(altered)), 403, "forbidden");
        });

        assertNothingButHeartbeats(written);
        assertThat(refused("bad-signature") - before).isEqualTo(2);
        assertThat(listed(nodeId, true)).isEmpty();
    }

    @Test
    void anotherKeyForANodeIdAlreadyPinnedIsA403ProblemAndNothingIsWritten() throws Exception {
        String nodeId = newNodeId();
        assertThat(post(json(signed(nodeId, newKey(), Instant.now(), NodeRecord.State.STATE_SERVING)))
                        .statusCode())
                .isEqualTo(202);
        // pinned once the registry has read it back from the topic
        await().atMost(Duration.ofSeconds(10)).until(() -> listed(nodeId, false).isPresent());
        double before = refused("key-mismatch");

        List<String> written = writtenDuring(() -> {
            HttpResponse<String> r =
                    post(json(signed(nodeId, newKey(), Instant.now(), NodeRecord.State.STATE_LEAVING)));
            assertProblem(r, 403, "forbidden");
            assertThat(r.body()).contains("another signing key");
        });

        assertNothingButHeartbeats(written);
        assertThat(refused("key-mismatch") - before).isEqualTo(1);
        assertThat(listed(nodeId, false))
                .hasValueSatisfying(n -> assertThat(n.get("state").asString()).isEqualTo("serving"));
    }

    @Test
    void aRecordDatedMoreThanAMinuteAheadIsA400ProblemAndNothingIsWritten() throws Exception {
        SignedNodeRecord future = signed(
                newNodeId(), newKey(), Instant.now().plus(Duration.ofMinutes(2)), NodeRecord.State.STATE_SERVING);

        List<String> written = writtenDuring(() -> assertProblem(post(json(future)), 400, "bad-request"));

        assertNothingButHeartbeats(written);
    }

    @Test
    void aNodeThatSaysItIsLeavingIsListedOnlyWithAllTrue() throws Exception {
        String nodeId = newNodeId();
        BigInteger key = newKey();
        Instant start = Instant.now();
        assertThat(post(json(signed(nodeId, key, start, NodeRecord.State.STATE_SERVING)))
                        .statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> listed(nodeId, false).isPresent());

        assertThat(post(json(signed(nodeId, key, start.plusMillis(1), NodeRecord.State.STATE_LEAVING)))
                        .statusCode())
                .isEqualTo(202);

        await().atMost(Duration.ofSeconds(10)).until(() -> listed(nodeId, false).isEmpty());
        assertThat(listed(nodeId, true)).hasValueSatisfying(n -> {
            assertThat(n.get("state").asString()).isEqualTo("leaving");
            assertThat(n.get("live").asBoolean()).isFalse();
        });
    }
}
