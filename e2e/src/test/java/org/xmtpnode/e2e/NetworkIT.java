package org.xmtpnode.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.xmtpnode.core.EnvelopeDigest;
import org.xmtpnode.core.crypto.Secp256k1;
import org.xmtpnode.core.nodes.NodeRecords;
import org.xmtpnode.devnet.Devnet;
import org.xmtpnode.devnet.Devnet.Service;
import org.xmtpnode.proto.internal.ExportPage;
import org.xmtpnode.proto.internal.ExportedEnvelope;
import org.xmtpnode.proto.internal.NodeRecord;
import org.xmtpnode.proto.internal.SignedNodeRecord;
import org.xmtpnode.runtime.catchup.EnvelopeExport;
import org.xmtpnode.runtime.kafka.EnvelopeRecords;
import org.xmtpnode.testsupport.TestWallet;

/**
 * Three nodes (each its own relay, store, key directory, bootstrap service and databases) sharing one
 * Kafka broker behind one gateway: the registry, replication between the stores, a node killed under
 * traffic, and a fourth node that joins after Kafka has forgotten the early history.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final Pattern NODE =
            Pattern.compile("\\{\"nodeId\":\"([^\"]+)\".*?\"state\":\"([a-z]+)\",\"live\":(true|false)"
                    + ".*?\"signingKey\":\"(0x[0-9a-f]+)\"");
    static Devnet devnet;
    static String token;

    @BeforeAll
    static void network() throws Exception {
        Path root =
                Path.of(System.getProperty("xmtp.root", "..")).toAbsolutePath().normalize();
        long started = System.nanoTime();
        devnet = Devnet.start(Devnet.Options.ephemeral(root, Files.createTempDirectory("devnet-network-"), 1)
                .withNodes(3)
                .withArgs(Service.GATEWAY, "--xmtp.gateway.rate-limits.enabled=false"));
        System.out.printf("network: 3 nodes ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
        token = TestWallet.random().token(System.currentTimeMillis() * 1_000_000L);
    }

    @AfterAll
    static void stop() {
        if (devnet != null) {
            devnet.close();
        }
    }

    record Listed(String id, String state, boolean live, String key) {}

    static List<Listed> nodes(String bootstrapUrl) throws Exception {
        HttpResponse<String> r = new Api(bootstrapUrl).get("/nodes/v1");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<Listed> out = new ArrayList<>();
        Matcher m = NODE.matcher(r.body());
        while (m.find()) {
            out.add(new Listed(m.group(1), m.group(2), Boolean.parseBoolean(m.group(3)), m.group(4)));
        }
        return out;
    }

    static List<String> ids(List<Listed> nodes) {
        return nodes.stream().map(Listed::id).toList();
    }

    @Test
    @Order(1)
    void everyBootstrapServiceListsTheSameLiveNodes() throws Exception {
        List<Listed> first = nodes(devnet.url(Service.BOOTSTRAP, 0));
        assertThat(ids(first)).containsExactly("node-1", "node-2", "node-3");
        assertThat(first).allMatch(n -> n.live() && n.state().equals("serving"));
        assertThat(first.stream().map(Listed::key).distinct())
                .as("each node its own key")
                .hasSize(3);
        for (int n = 1; n < 3; n++) {
            assertThat(nodes(devnet.url(Service.BOOTSTRAP, n))).isEqualTo(first);
        }
        assertThat(devnet.servingNodes()).containsExactly("node-1", "node-2", "node-3");
    }

    @Test
    @Order(2)
    void forgedRecordsAreRefusedAndASilentNodeDropsOut() throws Exception {
        String b1 = devnet.url(Service.BOOTSTRAP, 0);
        BigInteger visitorKey = new BigInteger(255, new SecureRandom()).add(BigInteger.ONE);
        long issued = System.currentTimeMillis() * 1_000_000L;
        NodeRecord visitor = record("visitor-" + RUN, visitorKey, issued);

        // signed by its own key: taken, and every bootstrap service lists it
        assertThat(announce(b1, NodeRecords.sign(visitor, visitorKey)).statusCode())
                .isEqualTo(202);
        for (int n = 0; n < 3; n++) {
            String b = devnet.url(Service.BOOTSTRAP, n);
            await().atMost(Duration.ofSeconds(10)).until(() -> ids(nodes(b)).contains(visitor.getNodeId()));
        }

        // node-2's id under another key
        HttpResponse<String> impostor =
                announce(b1, NodeRecords.sign(record("node-2", visitorKey, issued), visitorKey));
        assertThat(impostor.statusCode()).as(impostor.body()).isEqualTo(403);
        assertThat(impostor.body()).contains("another signing key");
        // a record changed after signing
        SignedNodeRecord signed = NodeRecords.sign(visitor, visitorKey);
        byte[] tampered = signed.getRecord().toByteArray();
        tampered[tampered.length - 1] ^= 1;
        HttpResponse<String> altered = announce(
                b1, signed.toBuilder().setRecord(ByteString.copyFrom(tampered)).build());
        assertThat(altered.statusCode()).as(altered.body()).isIn(400, 403);
        // a signature by someone else
        SignedNodeRecord wrongSigner = signed.toBuilder()
                .setSignature(NodeRecords.sign(visitor, visitorKey.add(BigInteger.ONE))
                        .getSignature())
                .build();
        assertThat(announce(b1, wrongSigner).statusCode()).isEqualTo(403);
        assertThat(post(b1, "/nodes/v1", "{\"record\":\"not base64!\"}").statusCode())
                .isEqualTo(400);

        // a forged record written straight into the registry topic, past the HTTP check
        double refusedBefore = metric(b1, "bootstrap_records_total", "result=\"refused\"");
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, devnet.kafkaBootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(
                            "xmtp.nodes.v1",
                            "node-2".getBytes(StandardCharsets.UTF_8),
                            NodeRecords.sign(
                                            record("node-2", visitorKey, System.currentTimeMillis() * 1_000_000L),
                                            visitorKey)
                                    .toByteArray()))
                    .get();
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> metric(b1, "bootstrap_records_total", "result=\"refused\"") > refusedBefore);
        String node2Key = nodes(b1).stream()
                .filter(n -> n.id().equals("node-2"))
                .findFirst()
                .orElseThrow()
                .key();
        assertThat(node2Key).isNotEqualTo("0x" + HexFormat.of().formatHex(Secp256k1.publicKey(visitorKey)));

        // the visitor never heartbeats again: gone from every list within the liveness TTL (10 s)
        long dropped = 0;
        for (int n = 0; n < 3; n++) {
            String b = devnet.url(Service.BOOTSTRAP, n);
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !ids(nodes(b)).contains(visitor.getNodeId()));
            dropped = Math.max(dropped, System.currentTimeMillis() - issued / 1_000_000L);
        }
        System.out.printf(
                "network: a silent node left every list %d ms after its last heartbeat (TTL 10 s)%n", dropped);
        assertThat(dropped).isLessThan(12_000);
    }

    @Test
    @Order(3)
    void publishedOnAIsStoredOnBAndCAndStreamedOnC() throws Exception {
        String topic = "/xmtp/0/m-net-" + RUN + "/proto";
        Api relayA = new Api(devnet.url(Service.RELAY, 0)).withToken(token);
        try (Api.Stream onC = new Api(devnet.url(Service.RELAY, 2))
                .subscribe("/message/v1/subscribe", "{\"contentTopics\":[\"" + topic + "\"]}")) {
            onC.awaitOpen();
            HttpResponse<String> r = relayA.post(
                    "/message/v1/publish",
                    Api.publishBody(Api.envelope(
                            topic,
                            System.currentTimeMillis() * 1_000_000L,
                            "hello from A".getBytes(StandardCharsets.UTF_8))));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            String line = onC.nextEnvelopeLine(Duration.ofSeconds(10));
            assertThat(line)
                    .as("streamed on node C")
                    .contains(Base64.getEncoder().encodeToString("hello from A".getBytes(StandardCharsets.UTF_8)));
        }
        for (int n = 1; n < 3; n++) {
            String store = devnet.url(Service.TOPIC, n);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Api.storedMessages(store, topic).contains("hello from A"));
        }
        try (Connection c = DriverManager.getConnection(devnet.jdbcUrl(2), devnet.postgresUser(), "");
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT origin_node FROM envelopes WHERE content_topic = '" + topic + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1))
                    .as("stamped with the node that took the publish")
                    .isEqualTo("node-1");
        }
    }

    /**
     * A gRPC subscriber through the gateway (its stream on one node's relay) receives what REST clients
     * publish straight to each node's relay: at least two of the three are another node.
     */
    @Test
    @Order(4)
    void aGrpcSubscriberOnOneNodeReceivesWhatRestPublishedOnAnother() throws Exception {
        String topic = "/xmtp/0/m-net-grpc-" + RUN + "/proto";
        try (GrpcApi grpc = new GrpcApi(devnet.grpcPort());
                GrpcApi.Stream stream = grpc.subscribe(topic)) {
            Api gateway = new Api(devnet.apiUrl()).withToken(token);
            AtomicReference<String> lastProbe = new AtomicReference<>("none");
            AtomicInteger probes = new AtomicInteger();
            try {
                await().atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(300))
                        .until(() -> {
                            if (!stream.received.isEmpty()) {
                                return true;
                            }
                            // each probe its own message: an envelope's identity is its topic and message, and
                            // the relays stream an identity once, so a repeated probe would never arrive
                            HttpResponse<String> r = gateway.post(
                                    "/message/v1/publish",
                                    Api.publishBody(Api.envelope(
                                            topic,
                                            System.currentTimeMillis() * 1_000_000L,
                                            ("probe " + probes.incrementAndGet()).getBytes(StandardCharsets.UTF_8))));
                            lastProbe.set(r.statusCode() + " " + r.body());
                            return false;
                        });
            } catch (ConditionTimeoutException e) {
                // read once, at the failure: the relays' metrics say whether the stream reached one
                throw new AssertionError(
                        "no envelope on the gRPC stream within 20 s (the last probe published through the gateway: "
                                + lastProbe.get() + "; the stream's end: " + stream.ended.get() + "; "
                                + streamsOnTheRelays() + ")",
                        e);
            }
            List<String> sent = new ArrayList<>();
            for (int n = 0; n < 3; n++) {
                String message = "over REST to node " + (n + 1);
                HttpResponse<String> r = new Api(devnet.url(Service.RELAY, n))
                        .withToken(token)
                        .post(
                                "/message/v1/publish",
                                Api.publishBody(Api.envelope(
                                        topic,
                                        System.currentTimeMillis() * 1_000_000L,
                                        message.getBytes(StandardCharsets.UTF_8))));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                sent.add(message);
            }
            await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> assertThat(stream.messages(topic)).containsAll(sent));
            assertThat(stream.messages(topic).stream().filter(sent::contains))
                    .as("each once")
                    .hasSize(3);
            assertThat(stream.ended.get()).isNull();
        }
    }

    /** Publish on A at a steady rate; the lag is C's commit time minus the sender time stamped just before sending. */
    @Test
    @Order(5)
    void replicationLagFromAToCAtSteadyLoad() throws Exception {
        int rate = 100;
        int seconds = 20;
        String prefix = "/xmtp/0/m-lag-" + RUN + "-";
        Api relayA = new Api(devnet.url(Service.RELAY, 0)).withToken(token);
        long start = System.nanoTime();
        int sent = 0;
        for (int i = 0; i < rate * seconds; i++) {
            long due = start + i * 1_000_000_000L / rate;
            while (System.nanoTime() < due) {
                Thread.onSpinWait();
            }
            String topic = prefix + (i % 20) + "/proto";
            long senderTime = System.currentTimeMillis() * 1_000_000L + i % 1_000_000;
            HttpResponse<String> r = relayA.post(
                    "/message/v1/publish",
                    Api.publishBody(Api.envelope(topic, senderTime, ("lag-" + i).getBytes(StandardCharsets.UTF_8))));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            sent++;
        }
        int total = sent;
        String where = "content_topic LIKE '" + prefix + "%'";
        try (Connection c = DriverManager.getConnection(devnet.jdbcUrl(2), devnet.postgresUser(), "")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> count(c, where) == total);
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("""
                    SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY lag), percentile_disc(0.99) WITHIN GROUP (ORDER BY lag),
                           percentile_disc(0.999) WITHIN GROUP (ORDER BY lag), max(lag)
                    FROM (SELECT extract(epoch FROM stored_at) * 1000 - sender_time_ns / 1e6 AS lag FROM envelopes WHERE\s""" + where + ") x")) {
                rs.next();
                String line = String.format(
                        Locale.ROOT,
                        "replication lag A -> C at %d envelopes/s for %d s (%d envelopes):"
                                + " p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms",
                        rate,
                        seconds,
                        total,
                        rs.getDouble(1),
                        rs.getDouble(2),
                        rs.getDouble(3),
                        rs.getDouble(4));
                System.out.println("network: " + line);
                Files.writeString(Path.of("target", "replication-lag.txt"), line + "\n");
            }
        }
        try (Connection c = DriverManager.getConnection(devnet.jdbcUrl(1), devnet.postgresUser(), "")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> count(c, where) == total);
        }
    }

    @Test
    @Order(6)
    void stoppingNodeBUnderTrafficLosesNothing() throws Exception {
        String topic = "/xmtp/0/m-net-kill-" + RUN + "/proto";
        try (Traffic traffic = new Traffic(devnet.apiUrl(), token, topic)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> traffic.acknowledged.size() >= 50);
            devnet.stopNode(1, true);
            long killed = System.nanoTime();
            int before = traffic.acknowledged.size();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !devnet.servingNodes().contains("node-2"));
            long droppedMs = (System.nanoTime() - killed) / 1_000_000;
            await().atMost(Duration.ofSeconds(60)).until(() -> traffic.acknowledged.size() > before + 200);
            traffic.stopPublishing();
            System.out.printf(
                    "network: node-2 killed under traffic: %d publishes acknowledged, failures %s, the gateway"
                            + " stopped routing to it after %d ms, the subscriber resubscribed %d times%n",
                    traffic.acknowledged.size(), traffic.failures, droppedMs, traffic.reconnects.get());
            assertThat(traffic.failures)
                    .as("the gateway itself always answered: %s", traffic.failureBodies)
                    .doesNotContainKey(-1);
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() ->
                            assertThat(traffic.acknowledgedButNotReceived()).isEmpty());
            for (int n : List.of(0, 2)) {
                String store = devnet.url(Service.TOPIC, n);
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(Api.storedMessages(store, topic))
                                .as("node %d has every acknowledged envelope", n + 1)
                                .containsAll(traffic.acknowledged));
            }
        }
    }

    @Test
    @Order(7)
    void aFourthNodeCatchesUpBeforeItReportsReady() throws Exception {
        // a wallet's contact bundle, published before Kafka forgets
        TestWallet wallet = TestWallet.random();
        HttpResponse<String> published = new Api(devnet.apiUrl())
                .withToken(wallet.token(System.currentTimeMillis() * 1_000_000L))
                .post(
                        "/message/v1/publish",
                        Api.publishBody(Api.envelope(
                                "/xmtp/0/contact-" + wallet.walletAddress() + "/proto",
                                System.currentTimeMillis() * 1_000_000L,
                                wallet.contactBundleV2().toByteArray())));
        assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
        // Kafka forgets everything so far: the new node must copy that part of history from a peer
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, devnet.kafkaBootstrapServers()))) {
            List<TopicPartition> partitions = admin
                    .describeTopics(List.of(EnvelopeRecords.DEFAULT_TOPIC))
                    .allTopicNames()
                    .get()
                    .get(EnvelopeRecords.DEFAULT_TOPIC)
                    .partitions()
                    .stream()
                    .map(i -> new TopicPartition(EnvelopeRecords.DEFAULT_TOPIC, i.partition()))
                    .toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
            admin.listOffsets(latest)
                    .all()
                    .get()
                    .forEach((tp, info) -> delete.put(tp, RecordsToDelete.beforeOffset(info.offset())));
            admin.deleteRecords(delete).all().get();
        }
        // and some history only after that, which Kafka still holds
        String topic = "/xmtp/0/m-net-after-trim-" + RUN + "/proto";
        Api gateway = new Api(devnet.apiUrl()).withToken(token);
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> r = gateway.post(
                    "/message/v1/publish",
                    Api.publishBody(Api.envelope(
                            topic,
                            System.currentTimeMillis() * 1_000_000L + i,
                            ("after-" + i).getBytes(StandardCharsets.UTF_8))));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        String storeA = devnet.url(Service.TOPIC, 0);
        String storeC = devnet.url(Service.TOPIC, 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> digests(storeA).equals(digests(storeC)));
        Set<String> history = digests(storeA);

        long joined = System.nanoTime();
        int d = devnet.addNode();
        String storeD = null;
        boolean sawNotReady = false;
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (true) {
            if (System.nanoTime() > deadline) {
                fail("node-4's store was not ready within 240 s");
            }
            List<Integer> ports = devnet.ports(Service.TOPIC, d);
            int status = -1;
            if (!ports.isEmpty()) {
                storeD = "http://127.0.0.1:" + ports.get(0);
                status = readiness(storeD);
            }
            if (status == 200) {
                break;
            }
            if (status == 503) {
                sawNotReady = true;
                assertThat(devnet.servingNodes())
                        .as("no traffic to a node that is catching up")
                        .doesNotContain("node-4");
            }
            Thread.sleep(50);
        }
        // the moment it says ready, it holds the whole history
        Set<String> onD = digests(storeD);
        assertThat(onD).as("node-4 at its first ready answer").containsAll(history);
        double copied = metric(storeD, "topic_catchup_envelopes_total", "source=\"peer\"");
        System.out.printf(
                "network: node-4 joined: ready after %.1f s with %d envelopes (%.0f copied from a peer's store"
                        + " because Kafka no longer held them); readiness seen down first: %s%n",
                (System.nanoTime() - joined) / 1e9, onD.size(), copied, sawNotReady);
        assertThat(copied).as("history Kafka no longer held came from a peer").isPositive();
        devnet.awaitNodeReady(d, Duration.ofMinutes(2));
        HttpResponse<String> key =
                new Api(devnet.url(Service.KEYSTORE, d)).get("/keys/v1/contacts/" + wallet.walletAddress());
        assertThat(key.statusCode())
                .as("node-4's key directory rebuilt the bundle Kafka forgot: %s", key.body())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> devnet.servingNodes().contains("node-4"));
        assertThat(devnet.servingNodes()).containsExactly("node-1", "node-3", "node-4");
        // queries through the gateway, balanced over the three, agree
        for (int i = 0; i < 6; i++) {
            assertThat(Api.storedMessages(devnet.apiUrl(), topic)).hasSize(100);
        }
    }

    static NodeRecord record(String id, BigInteger key, long issuedNs) {
        return NodeRecord.newBuilder()
                .setNodeId(id)
                .setPublicUrl("http://visitor.invalid")
                .setRegion("test")
                .setVersion("it")
                .setSigningKey(ByteString.copyFrom(Secp256k1.publicKey(key)))
                .setIssuedAtNs(issuedNs)
                .setState(NodeRecord.State.STATE_SERVING)
                .build();
    }

    static HttpResponse<String> announce(String bootstrapUrl, SignedNodeRecord signed) throws Exception {
        return post(bootstrapUrl, "/nodes/v1", JsonFormat.printer().print(signed));
    }

    static HttpResponse<String> post(String base, String path, String body) throws Exception {
        return Api.HTTP.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static int readiness(String base) {
        try {
            return Api.HTTP
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Each relay's open streams, lines streamed and records its fan-out read, and the gateway's gRPC calls. */
    static String streamsOnTheRelays() {
        StringBuilder out = new StringBuilder();
        try {
            for (int n = 0; n < 3; n++) {
                String relay = devnet.url(Service.RELAY, n);
                out.append("relay ")
                        .append(n + 1)
                        .append(": subscribers ")
                        .append(metric(relay, "relay_subscribers", ""))
                        .append(", delivered ")
                        .append(metric(relay, "relay_stream_delivered_total", ""))
                        .append(", read by its fan-out ")
                        .append(metric(relay, "log_consumer_records_total", "relay-fanout"))
                        .append("; ");
            }
            out.append("gateway gRPC calls ")
                    .append(metric(devnet.gatewayManagementUrl(), "grpc_server_calls_seconds_count", ""));
        } catch (Exception e) {
            out.append(e);
        }
        return out.toString();
    }

    /** Sum of a Prometheus counter's series whose labels contain {@code label}. */
    static double metric(String base, String name, String label) throws Exception {
        HttpResponse<String> r = new Api(base).get("/actuator/prometheus");
        double sum = 0;
        for (String line : r.body().split("\n")) {
            if (line.startsWith(name + "{") && line.contains(label)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    static long count(Connection c, String where) throws Exception {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM envelopes WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every digest in a node's store, read through the export its peers copy from. */
    static Set<String> digests(String store) throws Exception {
        Set<String> out = new HashSet<>();
        byte[] after = new byte[0];
        while (true) {
            ExportPage page = EnvelopeExport.page(Api.HTTP, URI.create(store), 5000, null, after);
            for (ExportedEnvelope e : page.getEnvelopesList()) {
                out.add(HexFormat.of().formatHex(EnvelopeDigest.of(e.getEnvelope())));
            }
            if (page.getNextAfter().isEmpty()) {
                return out;
            }
            after = page.getNextAfter().toByteArray();
        }
    }
}
