package org.xmtpnode.topic;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xmtpnode.core.EnvelopeDigest;
import org.xmtpnode.core.WireJson;
import org.xmtpnode.proto.api.BatchQueryResponse;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.api.QueryResponse;
import org.xmtpnode.proto.internal.StoreRequest;
import org.xmtpnode.proto.internal.StoreResponse;
import org.xmtpnode.runtime.config.KafkaProperties;
import org.xmtpnode.runtime.kafka.EnvelopeRecords;
import org.xmtpnode.testsupport.TestInfra;

/** topic-service against a real PostgreSQL and a real Kafka broker. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TopicServiceIT {

    private static final String DATABASE = TestInfra.postgres().createFreshDatabase("topic_it");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfra.datasource(DATABASE, registry::add);
        TestInfra.kafka("envelopes-" + UUID.randomUUID(), registry::add);
        registry.add("xmtp.node.id", () -> "node-a");
        registry.add("xmtp.topic.outbox.grace", () -> "1s");
        registry.add("xmtp.topic.outbox.interval", () -> "300ms");
    }

    @AfterAll
    static void dropDatabase() {
        // the context keeps connections until the JVM ends; FORCE closes them
        TestInfra.postgres().drop(DATABASE);
    }

    static String topic() {
        return "/xmtp/0/m-" + UUID.randomUUID().toString().replace("-", "") + "/proto";
    }

    static Envelope envelope(String topic, long timeNs, String text) {
        return Envelope.newBuilder()
                .setContentTopic(topic)
                .setTimestampNs(timeNs)
                .setMessage(ByteString.copyFromUtf8(text))
                .build();
    }

    StoreResponse store(List<Envelope> envelopes) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base() + "/internal/v1/envelopes"))
                        .header("Content-Type", "application/x-protobuf")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(StoreRequest.newBuilder()
                                .addAllEnvelopes(envelopes)
                                .setOriginNode("node-a")
                                .build()
                                .toByteArray()))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode())
                .as(new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        return StoreResponse.parseFrom(r.body());
    }

    HttpResponse<String> post(String path, String json) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base() + path))
                        .header("Content-Type", "text/plain;charset=UTF-8")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    QueryResponse query(String json) throws Exception {
        HttpResponse<String> r = post("/message/v1/query", json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return WireJson.parse(r.body().getBytes(StandardCharsets.UTF_8), QueryResponse.newBuilder())
                .build();
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    long rows() {
        return jdbc.queryForObject("SELECT count(*) FROM envelopes", Long.class);
    }

    @Test
    void storesOnceAndQueriesBackTheSameEnvelope() throws Exception {
        String topic = topic();
        Envelope e = envelope(topic, 1_700_000_000_123_456_789L, "hello");
        assertThat(store(List.of(e)).getInserted()).isEqualTo(1);
        assertThat(store(List.of(e)).getInserted()).isZero();

        HttpResponse<String> raw = post("/message/v1/query", "{\"contentTopics\":[\"" + topic + "\"]}");
        assertThat(raw.body())
                .contains("\"timestampNs\":\"1700000000123456789\"")
                .contains("\"message\":\"" + Base64.getEncoder().encodeToString("hello".getBytes(UTF_8)) + "\"")
                .contains("\"direction\":\"SORT_DIRECTION_DESCENDING\"")
                .contains("\"limit\":100");
        QueryResponse response = query("{\"contentTopics\":[\"" + topic + "\"]}");
        assertThat(response.getEnvelopesList()).containsExactly(e);
        assertThat(response.getPagingInfo().hasCursor())
                .as("cursor only on a full page")
                .isFalse();
    }

    @Test
    void pagesThroughATopicByCursorInBothDirections() throws Exception {
        String topic = topic();
        List<Envelope> all = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            // pairs share a timestamp, so the digest must break ties without losing or repeating any
            all.add(envelope(topic, 1_000 + i / 2, "m" + i));
        }
        for (int i = 0; i < all.size(); i += 50) {
            store(all.subList(i, i + 50));
        }
        for (String direction : List.of("SORT_DIRECTION_ASCENDING", "SORT_DIRECTION_DESCENDING")) {
            List<Envelope> seen = new ArrayList<>();
            String cursor = null;
            List<Integer> pageSizes = new ArrayList<>();
            do {
                String paging = "{\"limit\":100,\"direction\":\"" + direction + "\""
                        + (cursor == null ? "" : ",\"cursor\":" + cursor) + "}";
                QueryResponse page = query("{\"contentTopics\":[\"" + topic + "\"],\"pagingInfo\":" + paging + "}");
                pageSizes.add(page.getEnvelopesCount());
                seen.addAll(page.getEnvelopesList());
                cursor = page.getPagingInfo().hasCursor()
                        ? WireJson.print(page.getPagingInfo().getCursor())
                        : null;
            } while (cursor != null);
            assertThat(pageSizes).containsExactly(100, 100, 50);
            assertThat(new HashSet<>(seen)).hasSize(250).containsAll(all);
            List<Long> times = seen.stream().map(Envelope::getTimestampNs).toList();
            List<Long> sorted = new ArrayList<>(times);
            sorted.sort(direction.endsWith("ASCENDING") ? null : Comparator.reverseOrder());
            assertThat(times).isEqualTo(sorted);
        }
    }

    @Test
    void timeBoundsAreInclusiveOnSenderTime() throws Exception {
        String topic = topic();
        for (int t = 10; t <= 50; t += 10) {
            store(List.of(envelope(topic, t, "t" + t)));
        }
        QueryResponse r = query("{\"contentTopics\":[\"" + topic + "\"],\"startTimeNs\":\"20\",\"endTimeNs\":\"40\","
                + "\"pagingInfo\":{\"direction\":\"SORT_DIRECTION_ASCENDING\"}}");
        assertThat(r.getEnvelopesList()).extracting(Envelope::getTimestampNs).containsExactly(20L, 30L, 40L);
    }

    @Test
    void batchQueryAnswersEachQueryInOrder() throws Exception {
        String a = topic();
        String b = topic();
        store(List.of(envelope(a, 1, "a"), envelope(b, 2, "b")));
        HttpResponse<String> r = post(
                "/message/v1/batch-query",
                "{\"requests\":[{\"contentTopics\":[\"" + b + "\"]},{\"contentTopics\":[\"" + a
                        + "\"]},{\"contentTopics\":[\"" + topic() + "\"]}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        BatchQueryResponse batch = WireJson.parse(r.body().getBytes(UTF_8), BatchQueryResponse.newBuilder())
                .build();
        assertThat(batch.getResponsesCount()).isEqualTo(3);
        assertThat(batch.getResponses(0).getEnvelopes(0).getMessage().toStringUtf8())
                .isEqualTo("b");
        assertThat(batch.getResponses(1).getEnvelopes(0).getMessage().toStringUtf8())
                .isEqualTo("a");
        assertThat(batch.getResponses(2).getEnvelopesList()).isEmpty();
        assertThat(post("/message/v1/batch-query", "{}").body()).isEqualTo("{\"responses\":[]}");
    }

    @Test
    void storesWhatOtherNodesOriginatedFromKafkaButNotItsOwn() throws Exception {
        String topic = topic();
        String kafkaTopic = logTopic();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafka().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            Envelope remote = envelope(topic, 5, "from node-b");
            Envelope own = envelope(topic, 6, "from node-a, never stored by the relay");
            Envelope ephemeral = envelope("/xmtp/0/mE-abc/proto", 7, "ephemeral");
            for (var pair :
                    List.of(Map.entry(remote, "node-b"), Map.entry(own, "node-a"), Map.entry(ephemeral, "node-b"))) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                        kafkaTopic,
                        pair.getKey().getContentTopic().getBytes(UTF_8),
                        pair.getKey().toByteArray());
                record.headers().add(EnvelopeRecords.ORIGIN_HEADER, EnvelopeRecords.originBytes(pair.getValue()));
                producer.send(record).get();
            }
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(query("{\"contentTopics\":[\"" + topic + "\"]}")
                                    .getEnvelopesList())
                            .containsExactly(remote));
            assertThat(jdbc.queryForObject(
                            "SELECT origin_node FROM envelopes WHERE content_topic = ?", String.class, topic))
                    .isEqualTo("node-b");
            assertThat(query("{\"contentTopics\":[\"/xmtp/0/mE-abc/proto\"]}").getEnvelopesList())
                    .isEmpty();
        }
    }

    @Autowired
    MeterRegistry meters;

    @Test
    void measuresTheReplicationLagOfWhatOtherNodesOriginatedAndTheStoreSize() throws Exception {
        Timer lag = meters.get("topic.replication.lag").timer();
        long before = lag.count();
        double secondsBefore = lag.totalTime(TimeUnit.SECONDS);
        long sentNs = (System.currentTimeMillis() - 3_000) * 1_000_000L;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafka().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (var pair : List.of(
                    Map.entry(envelope(topic(), sentNs, "from node-b, sent 3 s ago"), "node-b"),
                    Map.entry(envelope(topic(), sentNs, "from node-a: not replicated"), "node-a"))) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                        logTopic(),
                        pair.getKey().getContentTopic().getBytes(UTF_8),
                        pair.getKey().toByteArray());
                record.headers().add(EnvelopeRecords.ORIGIN_HEADER, EnvelopeRecords.originBytes(pair.getValue()));
                producer.send(record).get();
            }
        }
        // only node-b's envelope counts: node-a is this node
        await().atMost(Duration.ofSeconds(30)).until(() -> lag.count() == before + 1);
        assertThat(lag.totalTime(TimeUnit.SECONDS) - secondsBefore).isBetween(3.0, 60.0);
        assertThat(meters.get("topic.store.bytes").gauge().value()).isGreaterThan(0);
    }

    @Autowired
    KafkaProperties kafka;

    String logTopic() {
        return kafka.topic();
    }

    @Test
    void anEnvelopeStoredButNeverSentToKafkaGetsThereThroughTheOutbox() throws Exception {
        // a relay stores, then dies before its Kafka send: nothing but the outbox sends this one
        String topic = topic();
        Envelope e = envelope(topic, 77, "orphan");
        assertThat(store(List.of(e)).getInserted()).isEqualTo(1);
        byte[] digest = EnvelopeDigest.of(e);
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                "bootstrap.servers", TestInfra.kafka().bootstrapServers(),
                "key.deserializer", ByteArrayDeserializer.class,
                "value.deserializer", ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(logTopic()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<Envelope> carried = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (Arrays.equals(EnvelopeRecords.digest(r.headers()), digest)) {
                        assertThat(EnvelopeRecords.origin(r.headers())).isEqualTo("node-a");
                        carried.add(Envelope.parseFrom(r.value()));
                    }
                }
                assertThat(carried).contains(e);
            });
        }
        // seen in the log by this node's ingest: it leaves the outbox
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(
                                jdbc.queryForObject("SELECT count(*) FROM outbox WHERE digest = ?", Long.class, digest))
                        .isZero());
    }

    @Test
    void badQueriesGetCode3AndChangeNothing() throws Exception {
        long before = rows();
        String longTopic = "/xmtp/0/" + "x".repeat(300) + "/proto";
        Map<String, String> bad = Map.of(
                "{\"contentTopics\":[\"/xmtp/0/a/proto\"],\"pagingInfo\":{\"limit\":101}}",
                "limit",
                "{\"contentTopics\":[]}",
                "at least one",
                "{}",
                "at least one",
                "{\"contentTopics\":[\"" + longTopic + "\"]}",
                "300 bytes",
                "{\"contentTopics\":\"notalist\"}",
                "",
                "{\"contentTopics\":[\"/xmtp/0/a/proto\"],\"startTimeNs\":\"soon\"}",
                "",
                "{\"contentTopics\":[\"/xmtp/0/a/proto\"],\"pagingInfo\":{\"direction\":99}}",
                "direction",
                "{\"contentTopics\":[\"/xmtp/0/a/proto\"",
                "");
        for (var entry : bad.entrySet()) {
            HttpResponse<String> r = post("/message/v1/query", entry.getKey());
            assertThat(r.statusCode()).as(entry.getKey()).isEqualTo(400);
            assertThat(r.body())
                    .as(entry.getKey())
                    .startsWith("{\"code\":3,\"message\":\"")
                    .endsWith(",\"details\":[]}")
                    .contains(entry.getValue());
        }
        StringBuilder many = new StringBuilder("{\"requests\":[");
        for (int i = 0; i < 51; i++) {
            many.append(i == 0 ? "" : ",").append("{\"contentTopics\":[\"/xmtp/0/a/proto\"]}");
        }
        HttpResponse<String> batch =
                post("/message/v1/batch-query", many.append("]}").toString());
        assertThat(batch.statusCode()).isEqualTo(400);
        assertThat(batch.body()).contains("\"code\":3").contains("50");

        HttpResponse<String> unknownPath = post("/message/v1/nope", "{}");
        assertThat(unknownPath.statusCode()).isEqualTo(404);
        assertThat(unknownPath.body()).contains("\"code\":5");
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void unknownEnumNamesAreIgnoredAsGrpcGatewayDid() throws Exception {
        String topic = topic();
        store(List.of(envelope(topic, 1, "x"), envelope(topic, 2, "y")));
        QueryResponse r = query("{\"contentTopics\":[\"" + topic + "\"],\"pagingInfo\":{\"direction\":\"SIDEWAYS\"}}");
        assertThat(r.getEnvelopesList()).extracting(Envelope::getTimestampNs).containsExactly(2L, 1L);
    }

    @Test
    void unknownFieldsAreIgnoredAsGrpcGatewayDid() throws Exception {
        String topic = topic();
        store(List.of(envelope(topic, 1, "x")));
        QueryResponse r = query("{\"contentTopics\":[\"" + topic + "\"],\"somethingNew\":{\"a\":[1,2]}}");
        assertThat(r.getEnvelopesCount()).isEqualTo(1);
    }

    @Test
    void storeRefusesInvalidEnvelopes() throws Exception {
        long before = rows();
        for (Envelope bad : List.of(
                envelope("", 1, "no topic"),
                envelope("/xmtp/0/" + "y".repeat(300) + "/proto", 1, "long topic"),
                envelope("/xmtp/0/mE-x/proto", 1, "ephemeral"),
                Envelope.newBuilder()
                        .setContentTopic(topic())
                        .setTimestampNs(1)
                        .setMessage(ByteString.copyFrom(new byte[1_048_215]))
                        .build())) {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(base() + "/internal/v1/envelopes"))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(StoreRequest.newBuilder()
                                    .addEnvelopes(bad)
                                    .setOriginNode("node-a")
                                    .build()
                                    .toByteArray()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isIn(400, 413);
            // the node's own (internal) API answers problem+json, as /keys/v1 and /nodes/v1 do
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(r.body()).contains("\"status\":" + r.statusCode());
        }
        assertThat(rows()).isEqualTo(before);
    }
}
