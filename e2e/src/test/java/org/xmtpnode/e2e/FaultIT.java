package org.xmtpnode.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.xmtpnode.core.EnvelopeDigest;
import org.xmtpnode.core.MessageApiGrpc;
import org.xmtpnode.devnet.Devnet;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.api.SubscribeRequest;
import org.xmtpnode.runtime.kafka.EnvelopeRecords;
import org.xmtpnode.testsupport.TestWallet;

/**
 * Faults under continuous publishing and streaming, on a local network of its own: the Kafka broker
 * and PostgreSQL stopped and restarted, every service restarted with SIGTERM, a subscriber that stops
 * reading, a relay that dies between the store and Kafka, a relay whose fan-out stops. The guarantee
 * checked each time: every acknowledged envelope is stored and reached the subscriber (which
 * resubscribes when its stream ends and queries for the gap); failures while a dependency is down are
 * 503 / code 14 within a bounded time. The relay faults come from the {@code faults} jar, which the
 * devnet puts on those two relays' class paths only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultIT {

    static final String CRASH_TOPIC = "/xmtp/0/m-fault-crash-" + UUID.randomUUID() + "/proto";
    static final String POISON_TOPIC = "/xmtp/0/m-fault-poison-" + UUID.randomUUID() + "/proto";
    static Devnet devnet;
    static String token;

    @BeforeAll
    static void network() throws Exception {
        Path root =
                Path.of(System.getProperty("xmtp.root", "..")).toAbsolutePath().normalize();
        devnet = Devnet.start(Devnet.Options.ephemeral(root, Files.createTempDirectory("devnet-faults-"), 2)
                .withArgs(Devnet.Service.GATEWAY, "--xmtp.gateway.rate-limits.enabled=false")
                .withArgs(Devnet.Service.RELAY, "--xmtp.relay.subscriber-buffer=64", "--xmtp.kafka.delivery-timeout=3s")
                .withArgs(Devnet.Service.TOPIC, "--xmtp.topic.outbox.grace=3s", "--xmtp.topic.outbox.interval=500ms")
                .withFault("relay-service", "--xmtp.faults.crash-after-store-topic=" + CRASH_TOPIC)
                .withFault(
                        "relay-service-2",
                        "--xmtp.faults.stall-log-consumer-topic=" + POISON_TOPIC,
                        "--xmtp.kafka.poll-stall-timeout=3s"));
        token = TestWallet.random().token(System.currentTimeMillis() * 1_000_000L);
    }

    @AfterAll
    static void stop() {
        if (devnet != null) {
            devnet.close();
        }
    }

    static String topic(String what) {
        return "/xmtp/0/m-fault-" + what + "-" + UUID.randomUUID() + "/proto";
    }

    /** Waits until every acknowledged envelope is stored and was received, then checks both. */
    static void assertNothingAcknowledgedWasLost(Traffic traffic) throws Exception {
        traffic.stopPublishing();
        assertThat(traffic.acknowledged)
                .as("publishes succeeded around the fault")
                .isNotEmpty();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> assertThat(traffic.acknowledgedButNotReceived()).isEmpty());
        List<String> stored = storedMessages(traffic.topic);
        assertThat(stored).containsAll(traffic.acknowledged);
        System.out.printf(
                "fault %s: acknowledged %d, failed %s, slowest failure %d ms, resubscribed %d times,"
                        + " acknowledged but lost 0%n",
                traffic.topic.replaceAll(".*m-fault-([a-z-]+)-.*", "$1"),
                traffic.acknowledged.size(),
                traffic.failures,
                traffic.slowestFailureMs.get(),
                traffic.reconnects.get());
    }

    static List<String> storedMessages(String topic) throws Exception {
        return Api.storedMessages(devnet.apiUrl(), topic);
    }

    static void assertFailuresWereUnavailable(Traffic traffic) {
        assertThat(traffic.failures.keySet())
                .as("failures: %s", traffic.failureBodies)
                .isNotEmpty();
        for (String f : traffic.failureBodies) {
            if (!f.startsWith("-1 ")) { // the gateway itself restarting refuses connections
                assertThat(f).as("a failed publish is 503 / code 14").startsWith("503 {\"code\":14,");
            }
        }
        assertThat(traffic.slowestFailureMs.get())
                .as("a failing publish answers within a bounded time")
                .isLessThan(15_000);
    }

    @Test
    @Order(1)
    void kafkaStoppedForTenSeconds() throws Exception {
        try (Traffic traffic = new Traffic(devnet.apiUrl(), token, topic("kafka"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> traffic.acknowledged.size() >= 20);
            devnet.stopKafka();
            try {
                Thread.sleep(10_000);
            } finally {
                devnet.startKafka();
            }
            int before = traffic.acknowledged.size();
            await().atMost(Duration.ofSeconds(60)).until(() -> traffic.acknowledged.size() > before + 20);
            assertFailuresWereUnavailable(traffic);
            assertNothingAcknowledgedWasLost(traffic);
        }
    }

    @Test
    @Order(2)
    void postgresStoppedAndRestarted() throws Exception {
        try (Traffic traffic = new Traffic(devnet.apiUrl(), token, topic("postgres"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> traffic.acknowledged.size() >= 20);
            devnet.stopPostgres();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> devnet.readiness(Devnet.Service.TOPIC, 0) == 503);
                Thread.sleep(5_000);
            } finally {
                devnet.startPostgres();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> devnet.readiness(Devnet.Service.TOPIC, 0) == 200);
            int before = traffic.acknowledged.size();
            await().atMost(Duration.ofSeconds(60)).until(() -> traffic.acknowledged.size() > before + 20);
            assertFailuresWereUnavailable(traffic);
            assertNothingAcknowledgedWasLost(traffic);
        }
    }

    @Test
    @Order(3)
    void everyServiceRestartedWithSigtermUnderTraffic() throws Exception {
        for (Devnet.Service service :
                List.of(Devnet.Service.TOPIC, Devnet.Service.KEYSTORE, Devnet.Service.RELAY, Devnet.Service.GATEWAY)) {
            try (Traffic traffic = new Traffic(
                    devnet.apiUrl(), token, topic("sigterm-" + service.name().toLowerCase(Locale.ROOT)))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> traffic.acknowledged.size() >= 20);
                // both relays: the stream is on one of them
                for (int i = 0; i < devnet.ports(service).size(); i++) {
                    int exit = devnet.restart(service, i, Duration.ofMinutes(2));
                    assertThat(exit).as("%s exits cleanly on SIGTERM", service).isIn(0, 143);
                }
                int before = traffic.acknowledged.size();
                await().atMost(Duration.ofSeconds(60)).until(() -> traffic.acknowledged.size() > before + 20);
                assertNothingAcknowledgedWasLost(traffic);
                if (service == Devnet.Service.RELAY || service == Devnet.Service.GATEWAY) {
                    assertThat(traffic.reconnects.get())
                            .as("the stream ended and the client resubscribed")
                            .isPositive();
                }
            }
        }
    }

    @Test
    @Order(4)
    void aSubscriberThatStopsReadingIsClosedAndDelaysNoOne() throws Exception {
        String topic = topic("slow");
        long overflowsBefore = overflows();
        // a client that subscribes and then never reads its socket
        try (Socket slow = new Socket("127.0.0.1", URI.create(devnet.apiUrl()).getPort())) {
            slow.setReceiveBufferSize(4096);
            String body = "{\"contentTopics\":[\"" + topic + "\"]}";
            OutputStream out = slow.getOutputStream();
            out.write(("POST /message/v1/subscribe HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
                            + "Content-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Api api = new Api(devnet.apiUrl()).withToken(token);
            try (Api.Stream fast = api.subscribe("/message/v1/subscribe", body)) {
                fast.awaitOpen();
                Thread.sleep(500);
                byte[] payload = new byte[32 * 1024];
                int count = 1000; // ~43 MB of stream lines: far past socket buffers and 64 envelopes of buffer
                long start = System.nanoTime();
                for (int i = 0; i < count; i += 10) {
                    List<String> envelopes = new ArrayList<>();
                    for (int j = i; j < i + 10; j++) {
                        payload[0] = (byte) j;
                        payload[1] = (byte) (j >> 8);
                        envelopes.add(Api.envelope(topic, j + 1, payload));
                    }
                    HttpResponse<String> r =
                            api.post("/message/v1/publish", Api.publishBody(envelopes.toArray(String[]::new)));
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                }
                for (int i = 0; i < count; i++) {
                    assertThat(fast.nextEnvelopeLine(Duration.ofSeconds(20)))
                            .as("envelope %d reached the reading subscriber", i)
                            .isNotNull();
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
            }
            // the slow stream, on one of the two relays, was closed for overflowing
            await().atMost(Duration.ofSeconds(30)).until(() -> overflows() > overflowsBefore);
            // the error line that ends an overflowed stream is checked at the registry (SubscriptionRegistryTest)
        }
    }

    /**
     * The same over gRPC: a subscriber that takes one envelope and then no more holds up only the relay's
     * bounded buffer (the gateway forwards what the client takes), and once it reads again its stream ends
     * with RESOURCE_EXHAUSTED.
     */
    @Test
    @Order(4)
    void aGrpcSubscriberThatStopsReadingEndsWithResourceExhausted() throws Exception {
        String topic = topic("slow-grpc");
        long overflowsBefore = overflows();
        try (GrpcApi grpc = new GrpcApi(devnet.grpcPort())) {
            AtomicInteger received = new AtomicInteger();
            AtomicReference<Status> closed = new AtomicReference<>();
            ClientCall<SubscribeRequest, Envelope> call =
                    grpc.channel.newCall(MessageApiGrpc.SUBSCRIBE, CallOptions.DEFAULT);
            call.start(
                    new ClientCall.Listener<>() {
                        @Override
                        public void onMessage(Envelope message) {
                            received.incrementAndGet();
                        }

                        @Override
                        public void onClose(Status status, Metadata trailers) {
                            closed.set(status);
                        }
                    },
                    new Metadata());
            call.sendMessage(
                    SubscribeRequest.newBuilder().addContentTopics(topic).build());
            call.halfClose();
            call.request(1); // one envelope, then the client stops reading
            Api api = new Api(devnet.apiUrl()).withToken(token);
            // until the stream is live: a new envelope each time (a repeated one is a duplicate, not delivered again)
            AtomicInteger attempt = new AtomicInteger();
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> {
                        if (received.get() > 0) {
                            return true;
                        }
                        int n = attempt.incrementAndGet();
                        api.post("/message/v1/publish", Api.publishBody(Api.envelope(topic, n, new byte[] {
                            1, (byte) n, (byte) (n >> 8)
                        })));
                        return false;
                    });
            byte[] payload = new byte[32 * 1024];
            for (int i = 0; i < 1000; i += 10) {
                List<String> envelopes = new ArrayList<>();
                for (int j = i; j < i + 10; j++) {
                    payload[0] = (byte) j;
                    payload[1] = (byte) (j >> 8);
                    envelopes.add(Api.envelope(topic, j + 2, payload));
                }
                HttpResponse<String> r =
                        api.post("/message/v1/publish", Api.publishBody(envelopes.toArray(String[]::new)));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> overflows() > overflowsBefore);
            assertThat(closed.get())
                    .as("still open while the client does not read")
                    .isNull();
            call.request(Integer.MAX_VALUE); // reads again: what was buffered, then the end
            await().atMost(Duration.ofSeconds(30)).until(() -> closed.get() != null);
            assertThat(closed.get().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(received.get()).as("fewer than were published").isLessThan(1000);
        }
    }

    /** The streams the relays have closed for overflowing, summed over the relays (from their metrics). */
    private long overflows() throws Exception {
        long total = 0;
        for (int port : devnet.ports(Devnet.Service.RELAY)) {
            String metrics = Api.HTTP
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            for (String line : metrics.split("\n")) {
                if (line.startsWith("relay_subscriber_overflow_total")) {
                    total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return total;
    }

    @Test
    @Order(5)
    void aRelayThatDiesBetweenTheStoreAndKafkaLosesNothingItStored() throws Exception {
        // straight to the relay that carries the fault, not through the gateway (which may pick the other)
        Api api =
                new Api("http://127.0.0.1:" + devnet.ports(Devnet.Service.RELAY).get(0)).withToken(token);
        String envelope =
                Api.envelope(CRASH_TOPIC, 4242, "stored, then the relay died".getBytes(StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = api.post("/message/v1/publish", Api.publishBody(envelope));
            assertThat(r.statusCode())
                    .as("the relay died before answering: %s", r.body())
                    .isEqualTo(503);
            assertThat(r.body()).startsWith("{\"code\":14,");
        } catch (IOException e) {
            // the connection died with the relay: also not acknowledged
        }
        assertThat(devnet.restart(Devnet.Service.RELAY, 0, Duration.ofMinutes(2)))
                .as("the relay had halted")
                .isEqualTo(137);
        byte[] digest = EnvelopeDigest.of(CRASH_TOPIC, ByteString.copyFromUtf8("stored, then the relay died"));
        // the store's outbox sent it to Kafka, so every node and every relay gets it
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                "bootstrap.servers", devnet.kafkaBootstrapServers(),
                "key.deserializer", ByteArrayDeserializer.class,
                "value.deserializer", ByteArrayDeserializer.class))) {
            var partitions = consumer.partitionsFor(EnvelopeRecords.DEFAULT_TOPIC).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            AtomicBoolean seen = new AtomicBoolean();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (var rec : consumer.poll(Duration.ofMillis(300))) {
                    var h = rec.headers().lastHeader(EnvelopeRecords.DIGEST_HEADER);
                    if (h != null && Arrays.equals(h.value(), digest)) {
                        seen.set(true);
                    }
                }
                return seen.get();
            });
        }
        assertThat(storedMessages(CRASH_TOPIC)).containsExactly("stored, then the relay died");
        System.out.println("fault relay-crash-after-store: stored 1, reached Kafka through the outbox 1, lost 0");
    }

    @Test
    @Order(6)
    void aRelayWhoseFanOutStopsLeavesRotationAndNewSubscribersGoToTheOther() throws Exception {
        Api api = new Api(devnet.apiUrl()).withToken(token);
        assertThat(devnet.readiness(Devnet.Service.RELAY, 1)).isEqualTo(200);
        // the second relay's fan-out fails on this record from now on, as a handler with a bug would
        HttpResponse<String> poison =
                api.post("/message/v1/publish", Api.publishBody(Api.envelope(POISON_TOPIC, 1, new byte[] {1})));
        assertThat(poison.statusCode()).as(poison.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> devnet.readiness(Devnet.Service.RELAY, 1) == 503);
        assertThat(devnet.readiness(Devnet.Service.RELAY, 0)).isEqualTo(200);

        // once the registry lists the relay as not ready, every new subscriber lands on the one that delivers
        String topic = topic("after-fanout-death");
        String body = "{\"contentTopics\":[\"" + topic + "\"]}";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Api.Stream> streams = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    Api.Stream s = api.subscribe("/message/v1/subscribe", body);
                    streams.add(s);
                    s.awaitOpen();
                }
                Thread.sleep(300); // subscribe answers before the relay registers the stream
                String message = "m-" + UUID.randomUUID();
                assertThat(api.post(
                                        "/message/v1/publish",
                                        Api.publishBody(Api.envelope(
                                                topic, System.nanoTime(), message.getBytes(StandardCharsets.UTF_8))))
                                .statusCode())
                        .isEqualTo(200);
                for (Api.Stream s : streams) {
                    assertThat(s.nextEnvelopeLine(Duration.ofSeconds(5)))
                            .as("every new subscriber receives what is published")
                            .isNotNull();
                }
            } finally {
                for (Api.Stream s : streams) {
                    s.close();
                }
            }
        });
        System.out.println("fault fan-out-death: relay 2 not ready, 6 of 6 new subscribers served by relay 1");
    }
}
