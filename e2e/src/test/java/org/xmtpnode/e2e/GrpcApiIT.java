package org.xmtpnode.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmtpnode.core.Limits;
import org.xmtpnode.core.MessageApiGrpc;
import org.xmtpnode.devnet.Devnet;
import org.xmtpnode.proto.api.BatchQueryRequest;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.api.PagingInfo;
import org.xmtpnode.proto.api.PublishRequest;
import org.xmtpnode.proto.api.QueryRequest;
import org.xmtpnode.proto.api.QueryResponse;
import org.xmtpnode.proto.api.SortDirection;
import org.xmtpnode.testsupport.TestWallet;

/**
 * The gateway's gRPC MessageApi (port 5556 in a devnet on 5555): the REST API's semantics, checks and
 * codes over gRPC, streams that forward what is published over either surface, and Subscribe2's topic
 * changes on an open stream without a lost or duplicated envelope.
 */
class GrpcApiIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static Devnet devnet;
    static GrpcApi grpc;
    static TestWallet wallet;
    static String token;

    @BeforeAll
    static void connect() {
        devnet = SharedDevnet.get();
        grpc = new GrpcApi(devnet.grpcPort());
        wallet = TestWallet.random();
        token = wallet.token(System.currentTimeMillis() * 1_000_000L);
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        grpc.close();
    }

    static String topic(String name) {
        return "/xmtp/0/m-grpc-" + RUN + "-" + name + "/proto";
    }

    static final AtomicLong CLOCK = new AtomicLong();

    /** The time in ns, strictly increasing: envelopes published one after another sort in that order. */
    static long now() {
        return CLOCK.updateAndGet(last -> Math.max(last + 1, System.currentTimeMillis() * 1_000_000L));
    }

    static Envelope envelope(String topic, String message) {
        return GrpcApi.envelope(topic, now(), message.getBytes(UTF_8));
    }

    /** Publishes probes on the topic until one arrives on the stream: the stream is then live. */
    static void awaitLive(GrpcApi.Stream stream, String topic) {
        AtomicInteger n = new AtomicInteger();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    if (stream.messages(topic).stream().anyMatch(m -> m.startsWith("probe-"))) {
                        return true;
                    }
                    grpc.publish(token, envelope(topic, "probe-" + n.incrementAndGet()));
                    return false;
                });
    }

    static List<String> withoutProbes(List<String> messages) {
        return messages.stream().filter(m -> !m.startsWith("probe-")).toList();
    }

    @Test
    void publishQueryAndStreamOverGrpcAndRestAlike() throws Exception {
        String topic = topic("basic");
        try (GrpcApi.Stream stream = grpc.subscribe(topic)) {
            awaitLive(stream, topic);
            grpc.publish(token, envelope(topic, "one"), envelope(topic, "two"));
            HttpResponse<String> rest = new Api(devnet.apiUrl())
                    .withToken(token)
                    .post("/message/v1/publish", Api.publishBody(Api.envelope(topic, now(), "three".getBytes(UTF_8))));
            assertThat(rest.statusCode()).as(rest.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> withoutProbes(stream.messages(topic)).size() == 3);
            assertThat(withoutProbes(stream.messages(topic))).containsExactly("one", "two", "three");
            assertThat(stream.ended.get()).isNull();
        }

        QueryResponse page = grpc.query(QueryRequest.newBuilder()
                .addContentTopics(topic)
                .setPagingInfo(PagingInfo.newBuilder().setDirection(SortDirection.SORT_DIRECTION_ASCENDING))
                .build());
        assertThat(withoutProbes(page.getEnvelopesList().stream()
                        .map(e -> e.getMessage().toStringUtf8())
                        .toList()))
                .containsExactly("one", "two", "three");
        assertThat(withoutProbes(Api.storedMessages(devnet.apiUrl(), topic)))
                .containsExactlyInAnyOrder("one", "two", "three");

        // paging: a cursor comes back with a full page and leads to the next
        QueryResponse first = grpc.query(QueryRequest.newBuilder()
                .addContentTopics(topic)
                .setPagingInfo(PagingInfo.newBuilder().setLimit(1))
                .build());
        assertThat(first.getEnvelopesCount()).isEqualTo(1);
        assertThat(first.getPagingInfo().hasCursor()).isTrue();
        QueryResponse second = grpc.query(QueryRequest.newBuilder()
                .addContentTopics(topic)
                .setPagingInfo(PagingInfo.newBuilder()
                        .setLimit(1)
                        .setCursor(first.getPagingInfo().getCursor()))
                .build());
        assertThat(second.getEnvelopes(0)).isNotEqualTo(first.getEnvelopes(0));

        var batch = grpc.batchQuery(BatchQueryRequest.newBuilder()
                .addRequests(QueryRequest.newBuilder().addContentTopics(topic))
                .addRequests(QueryRequest.newBuilder().addContentTopics(topic("nothing-here")))
                .build());
        assertThat(batch.getResponsesCount()).isEqualTo(2);
        assertThat(batch.getResponses(1).getEnvelopesCount()).isZero();
    }

    @Test
    void badInputGetsTheRestCodeAndStoresNothing() throws Exception {
        String topic = topic("refused");
        Envelope ok = envelope(topic, "refused");
        assertThat(GrpcApi.failure(() -> grpc.publish(null, ok)).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(GrpcApi.failure(() -> grpc.publish("Zm9yZ2Vk", ok)).getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        String someoneElse = "/xmtp/0/contact-" + TestWallet.random().walletAddress() + "/proto";
        assertThat(GrpcApi.failure(() -> grpc.publish(token, envelope(someoneElse, "spoof")))
                        .getCode())
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        Status unsigned = GrpcApi.failure(
                () -> grpc.publish(token, envelope("/xmtp/0/contact-" + wallet.walletAddress() + "/proto", "x")));
        assertThat(unsigned.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(unsigned.getDescription()).contains("contact bundle");
        assertThat(GrpcApi.failure(() -> grpc.publish(token, PublishRequest.getDefaultInstance()))
                        .getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        // a message over the protocol's limit: the node's 413 / code 3
        Status tooBig = GrpcApi.failure(() ->
                grpc.publish(token, GrpcApi.envelope(topic, now(), new byte[Limits.MAX_MESSAGE_BYTES + 1])));
        assertThat(tooBig.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        // a request over the largest body cap (8 MiB) is refused by the transport before it is read
        List<Envelope> many = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            many.add(GrpcApi.envelope(topic, now(), new byte[1_000_000]));
        }
        assertThat(GrpcApi.failure(() -> grpc.publish(
                                token,
                                PublishRequest.newBuilder()
                                        .addAllEnvelopes(many)
                                        .build()))
                        .getCode())
                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(GrpcApi.failure(() -> grpc.query(QueryRequest.newBuilder()
                                .addContentTopics(topic)
                                .setPagingInfo(PagingInfo.newBuilder().setLimit(101))
                                .build()))
                        .getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        BatchQueryRequest.Builder tooManyQueries = BatchQueryRequest.newBuilder();
        for (int i = 0; i <= Limits.MAX_BATCH_QUERIES; i++) {
            tooManyQueries.addRequests(QueryRequest.newBuilder().addContentTopics(topic));
        }
        assertThat(GrpcApi.failure(() -> grpc.batchQuery(tooManyQueries.build()))
                        .getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        String[] tooManyTopics = new String[Limits.MAX_SUBSCRIBE_TOPICS + 1];
        for (int i = 0; i < tooManyTopics.length; i++) {
            tooManyTopics[i] = topic("t" + i);
        }
        try (GrpcApi.Stream s = grpc.subscribe(tooManyTopics)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> s.ended.get() != null);
            assertThat(s.ended.get().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
        try (GrpcApi.Stream s = grpc.subscribe2("/xmtp/0/" + "x".repeat(Limits.MAX_TOPIC_BYTES))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> s.ended.get() != null);
            assertThat(s.ended.get().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
        // bytes that are no PublishRequest
        assertThat(BadInputFuzzIT.grpcCall(grpc.channel, BadInputFuzzIT.raw(MessageApiGrpc.PUBLISH), new byte[] {
                            (byte) 0xff, (byte) 0xff, (byte) 0xff
                        })
                        .getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Api.storedMessages(devnet.apiUrl(), topic)).isEmpty();
    }

    /**
     * Subscribe2: a second request on the open stream adds a topic; envelopes of the topic it keeps,
     * published all through the change, arrive exactly once each; a third request drops that topic.
     */
    @Test
    void subscribe2ChangesTopicsWithoutLosingOrRepeatingAnEnvelope() throws Exception {
        String kept = topic("kept");
        String added = topic("added");
        String later = topic("later");
        try (GrpcApi.Stream stream = grpc.subscribe2(kept)) {
            awaitLive(stream, kept);
            List<String> published = new ArrayList<>();
            IntConsumer publishKept = i -> {
                grpc.publish(token, envelope(kept, "k" + i));
                published.add("k" + i);
            };
            int i = 0;
            for (; i < 20; i++) {
                publishKept.accept(i);
            }
            stream.send(kept, added); // the change, while envelopes of the kept topic keep coming
            for (; i < 40; i++) {
                publishKept.accept(i);
            }
            // the added topic is live (probes until one arrives), and kept envelopes go on meanwhile
            AtomicInteger more = new AtomicInteger(i);
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!stream.messages(added).isEmpty()) {
                            return true;
                        }
                        grpc.publish(token, envelope(added, "probe-a"));
                        publishKept.accept(more.getAndIncrement());
                        return false;
                    });
            for (int j = more.get(); j < more.get() + 10; j++) {
                publishKept.accept(j);
            }
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> withoutProbes(stream.messages(kept)).size() >= published.size());
            assertThat(withoutProbes(stream.messages(kept)))
                    .as("every envelope of the kept topic once, in order")
                    .containsExactlyElementsOf(published);

            // a third request: only the later topic; the kept one is no longer streamed
            stream.send(later);
            awaitLive(stream, later);
            int keptBefore = stream.messages(kept).size();
            grpc.publish(token, envelope(kept, "after-drop"));
            grpc.publish(token, envelope(later, "marker"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> stream.messages(later).contains("marker"));
            assertThat(stream.messages(kept)).hasSize(keptBefore);
            assertThat(stream.ended.get()).isNull();
        }
    }

    @Test
    void callsAreCountedByMethodAndStatus() throws Exception {
        grpc.query(QueryRequest.newBuilder().addContentTopics(topic("counted")).build());
        GrpcApi.failure(() -> grpc.publish(null, envelope(topic("counted"), "x")));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String metrics = new Api(devnet.gatewayManagementUrl())
                    .get("/actuator/prometheus")
                    .body();
            assertThat(metrics)
                    .containsPattern("grpc_server_calls_seconds_count\\{[^}]*method=\"Query\"[^}]*status=\"OK\"")
                    .containsPattern(
                            "grpc_server_calls_seconds_count\\{[^}]*method=\"Publish\"[^}]*status=\"UNAUTHENTICATED\"");
        });
    }
}
