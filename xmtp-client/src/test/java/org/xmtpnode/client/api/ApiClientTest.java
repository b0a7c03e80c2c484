package org.xmtpnode.client.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xmtpnode.client.identity.IdentityKeys;
import org.xmtpnode.client.identity.LocalWallet;
import org.xmtpnode.proto.api.Envelope;

/** The API client's retries and token renewal, against a local HTTP server that answers as told. */
class ApiClientTest {

    static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(40));
    static final Envelope ENVELOPE = Envelope.newBuilder()
            .setContentTopic("/xmtp/0/test-1/proto")
            .setTimestampNs(1)
            .setMessage(ByteString.copyFromUtf8("x"))
            .build();

    /** One scripted answer: status, body and headers. */
    record Answer(int status, String body, String retryAfter) {}

    HttpServer server;
    final List<Answer> script = Collections.synchronizedList(new ArrayList<>());
    final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    final List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger calls = new AtomicInteger();

    ApiClient start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        return new ApiClient(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), FAST, Duration.ofSeconds(5));
    }

    void answer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        arrivals.add(System.nanoTime());
        authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        Answer a = script.isEmpty() ? new Answer(200, "{}", null) : script.remove(0);
        calls.incrementAndGet();
        if (a.retryAfter() != null) {
            exchange.getResponseHeaders().add("Retry-After", a.retryAfter());
        }
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(a.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void unavailableAnswersAreRetriedUntilOneSucceeds() throws Exception {
        ApiClient api = start();
        script.add(new Answer(503, "{\"code\":14,\"message\":\"down\",\"details\":[]}", null));
        script.add(new Answer(503, "{\"code\":14,\"message\":\"down\",\"details\":[]}", null));

        assertThat(api.query("/xmtp/0/test-1/proto", QueryOptions.all())).isEmpty();
        assertThat(calls).hasValue(3);
    }

    @Test
    void aRefusalIsNotRetriedAndSaysWhatTheNodeSaid() throws Exception {
        ApiClient api = start();
        script.add(new Answer(400, "{\"code\":3,\"message\":\"content topic is empty\",\"details\":[]}", null));

        assertThatThrownBy(() -> api.query("/xmtp/0/test-1/proto", QueryOptions.all()))
                .isInstanceOf(XmtpApiException.class)
                .hasMessageContaining("content topic is empty")
                .satisfies(e -> assertThat(((XmtpApiException) e).code()).isEqualTo(3));
        assertThat(calls).hasValue(1);
    }

    @Test
    void aRateLimitIsWaitedOutForRetryAfter() throws Exception {
        ApiClient api = start();
        script.add(new Answer(429, "{\"code\":8,\"message\":\"slow down\",\"details\":[]}", "1"));

        api.query("/xmtp/0/test-1/proto", QueryOptions.all());

        assertThat(calls).hasValue(2);
        assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void anUnauthenticatedPublishIsRetriedOnceWithAFreshToken() throws Exception {
        ApiClient api = start();
        IdentityKeys keys = IdentityKeys.generate(LocalWallet.generate(), Clock.systemUTC());
        api.authenticateWith(new AuthTokenIssuer(keys, Clock.offset(Clock.systemUTC(), Duration.ofMillis(-5))));
        script.add(new Answer(401, "{\"code\":16,\"message\":\"auth token has expired\",\"details\":[]}", null));

        api.publish(List.of(ENVELOPE));

        assertThat(calls).hasValue(2);
        assertThat(authorizations.get(0)).startsWith("Bearer ");
        assertThat(authorizations.get(1)).startsWith("Bearer ").isNotEqualTo(authorizations.get(0));

        script.add(new Answer(401, "{\"code\":16,\"message\":\"no\",\"details\":[]}", null));
        script.add(new Answer(401, "{\"code\":16,\"message\":\"still no\",\"details\":[]}", null));
        assertThatThrownBy(() -> api.publish(List.of(ENVELOPE))).hasMessageContaining("still no");
    }

    @Test
    void aNodeThatDoesNotAnswerFailsAfterTheRetries() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ApiClient api = new ApiClient(URI.create("http://127.0.0.1:" + port), FAST, Duration.ofSeconds(2));

        assertThatThrownBy(() -> api.query("/xmtp/0/test-1/proto", QueryOptions.all()))
                .isInstanceOf(XmtpApiException.class)
                .hasMessageContaining("does not answer")
                .satisfies(e -> assertThat(((XmtpApiException) e).unreachable()).isTrue());
    }

    @Test
    void pagesAreFollowedByTheirCursorUpToTheLimit() throws Exception {
        ApiClient api = start();
        String env = "{\"contentTopic\":\"/xmtp/0/test-1/proto\",\"timestampNs\":\"1\",\"message\":\"eA==\"}";
        String cursor =
                ",\"pagingInfo\":{\"limit\":2,\"cursor\":{\"index\":{\"digest\":\"AA==\",\"senderTimeNs\":\"1\"}},"
                        + "\"direction\":\"SORT_DIRECTION_ASCENDING\"}";
        script.add(new Answer(200, "{\"envelopes\":[" + env + "," + env + "]" + cursor + "}", null));
        script.add(new Answer(200, "{\"envelopes\":[" + env + "," + env + "]" + cursor + "}", null));

        assertThat(api.query(
                        "/xmtp/0/test-1/proto", QueryOptions.all().withLimit(3).withPageSize(2)))
                .hasSize(3);
        assertThat(calls).hasValue(2);
    }
}
