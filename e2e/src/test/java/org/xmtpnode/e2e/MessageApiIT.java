package org.xmtpnode.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmtpnode.devnet.Devnet;
import org.xmtpnode.testsupport.TestWallet;

/** The message API through the gateway of a running local network (two relay instances). */
class MessageApiIT {

    static Api gateway;
    static Api secondRelay;
    static List<Api> relays;
    static String apiUrl;

    @BeforeAll
    static void network() {
        Devnet devnet = SharedDevnet.get();
        gateway =
                new Api(devnet.apiUrl()).withToken(TestWallet.random().token(System.currentTimeMillis() * 1_000_000L));
        secondRelay =
                new Api("http://127.0.0.1:" + devnet.ports(Devnet.Service.RELAY).get(1));
        apiUrl = devnet.apiUrl();
        relays = devnet.ports(Devnet.Service.RELAY).stream()
                .map(p -> new Api("http://127.0.0.1:" + p))
                .toList();
    }

    static String topic(String kind) {
        return "/xmtp/0/" + kind + UUID.randomUUID().toString().replace("-", "") + "/proto";
    }

    static String queryBody(String topic) {
        return "{\"contentTopics\":[\"" + topic + "\"],\"pagingInfo\":{\"direction\":\"SORT_DIRECTION_ASCENDING\"}}";
    }

    static void assertOk(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void aPublishIsQueryableAsSoonAsItIsAcknowledged() throws Exception {
        String topic = topic("m-");
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = gateway.post(
                    "/message/v1/publish", Api.publishBody(Api.envelope(topic, 1_000 + i, ("m" + i).getBytes(UTF_8))));
            assertOk(r);
            assertThat(r.body()).isEqualTo("{}");
            HttpResponse<String> q = gateway.post("/message/v1/query", queryBody(topic));
            assertOk(q);
            assertThat(q.body())
                    .as("read-your-writes after publish %d", i)
                    .contains(Base64.getEncoder().encodeToString(("m" + i).getBytes(UTF_8)));
        }
    }

    /** The relays' totals of one summary: {count, sum}. */
    static double[] relaySummary(String name) throws Exception {
        double[] total = new double[2];
        for (Api relay : relays) {
            HttpResponse<String> r = relay.get("/actuator/prometheus");
            assertOk(r);
            for (String line : r.body().split("\n")) {
                if (line.startsWith(name + "_count{")) {
                    total[0] += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                } else if (line.startsWith(name + "_sum{")) {
                    total[1] += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return total;
    }

    @Test
    void concurrentPublishesShareStoreRequestsAndEachEnvelopeIsStoredOnce() throws Exception {
        String topic = topic("m-");
        double[] before = relaySummary("relay_store_batch_publishes");
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            for (int i = 0; i < 80; i++) {
                int n = i % 60; // the last 20 are a client's retries of the first 20
                answers.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return gateway.post(
                                        "/message/v1/publish",
                                        Api.publishBody(Api.envelope(topic, 1_000 + n, ("c" + n).getBytes(UTF_8))));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        pool));
            }
            for (var a : answers) {
                assertOk(a.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> stored = Api.storedMessages(apiUrl, topic);
        assertThat(stored).hasSize(60).doesNotHaveDuplicates();
        double[] after = relaySummary("relay_store_batch_publishes");
        // each publish went to the store in exactly one store request (which others may have shared)
        assertThat(after[1] - before[1]).isEqualTo(80);
        assertThat(after[0] - before[0]).isBetween(1.0, 80.0);
    }

    @Test
    void anEnvelopeIsStreamedOnEveryRelayInstanceExactlyOnce() throws Exception {
        String topic = topic("m-");
        String other = topic("m-");
        try (Api.Stream viaGateway =
                        gateway.subscribe("/message/v1/subscribe", "{\"contentTopics\":[\"" + topic + "\"]}");
                Api.Stream onSecondRelay = secondRelay.subscribe(
                        "/message/v1/subscribe", "{\"contentTopics\":[\"" + topic + "\",\"" + other + "\"]}")) {
            assertThat(viaGateway.status).isEqualTo(200);
            viaGateway.awaitOpen();
            onSecondRelay.awaitOpen();
            String first = Api.envelope(topic, 1_700_000_000_000_000_001L, "first".getBytes(UTF_8));
            String second = Api.envelope(topic, 1_700_000_000_000_000_002L, "second".getBytes(UTF_8));
            assertOk(gateway.post("/message/v1/publish", Api.publishBody(first)));
            assertOk(gateway.post("/message/v1/publish", Api.publishBody(first))); // a client's retry
            assertOk(gateway.post("/message/v1/publish", Api.publishBody(second)));
            for (Api.Stream s : new Api.Stream[] {viaGateway, onSecondRelay}) {
                assertThat(s.nextEnvelopeLine(Duration.ofSeconds(10))).isEqualTo("{\"result\":" + first + "}");
                // the retry is not streamed again: the next line is the second envelope
                assertThat(s.nextEnvelopeLine(Duration.ofSeconds(10))).isEqualTo("{\"result\":" + second + "}");
            }
            HttpResponse<String> q = gateway.post("/message/v1/query", queryBody(topic));
            assertThat(q.body().split("\"contentTopic\"", -1))
                    .as("stored once each")
                    .hasSize(3);
        }
    }

    @Test
    void subscribeAllSeesEveryXmtpTopic() throws Exception {
        try (Api.Stream all = gateway.subscribe("/message/v1/subscribe-all", "{}")) {
            all.awaitOpen();
            String topic = topic("invite-");
            String env = Api.envelope(topic, 42, "hi".getBytes(UTF_8));
            assertOk(gateway.post("/message/v1/publish", Api.publishBody(env)));
            String line;
            do {
                line = all.nextEnvelopeLine(Duration.ofSeconds(10));
                assertThat(line).as("the envelope arrives").isNotNull();
            } while (!line.contains(topic));
            assertThat(line).isEqualTo("{\"result\":" + env + "}");
        }
    }

    @Test
    void ephemeralEnvelopesAreStreamedButNeverStored() throws Exception {
        String topic = topic("mE-");
        try (Api.Stream s = gateway.subscribe("/message/v1/subscribe", "{\"contentTopics\":[\"" + topic + "\"]}")) {
            s.awaitOpen();
            String env = Api.envelope(topic, 7, "typing".getBytes(UTF_8));
            assertOk(gateway.post("/message/v1/publish", Api.publishBody(env)));
            assertThat(s.nextEnvelopeLine(Duration.ofSeconds(10))).isEqualTo("{\"result\":" + env + "}");
        }
        HttpResponse<String> q = gateway.post("/message/v1/query", queryBody(topic));
        assertOk(q);
        assertThat(q.body()).startsWith("{\"envelopes\":[]");
    }

    @Test
    void badInputGetsAClearErrorAndStoresNothing() throws Exception {
        String topic = topic("m-");
        String ok = Api.envelope(topic, 1, "fine".getBytes(UTF_8));
        Map<String, Integer> publishes = new LinkedHashMap<>();
        publishes.put("{\"envelopes\":[", 400); // malformed JSON
        publishes.put("{\"envelopes\":{\"contentTopic\":1}}", 400); // wrong type
        publishes.put(
                "{\"envelopes\":[{\"contentTopic\":\"" + topic + "\",\"timestampNs\":\"1\",\"message\":\"***\"}]}",
                400);
        publishes.put(
                "{\"envelopes\":[{\"contentTopic\":\"" + topic + "\",\"timestampNs\":\"yesterday\",\"message\":\"\"}]}",
                400);
        publishes.put(
                "{\"envelopes\":[{\"contentTopic\":\"/xmtp/0/" + "x".repeat(300) + "/proto\",\"timestampNs\":\"1\"}]}",
                400);
        publishes.put("{\"envelopes\":[]}", 400);
        publishes.put("{}", 400);
        publishes.put(
                Api.publishBody(ok, Api.envelope(topic, 2, new byte[1_048_215])), 413); // one too large: none stored
        publishes.put("{\"envelopes\":[" + ok + ",{\"contentTopic\":\"\",\"timestampNs\":\"1\"}]}", 400);
        for (var e : publishes.entrySet()) {
            HttpResponse<String> r = gateway.post("/message/v1/publish", e.getKey());
            String shown = e.getKey().length() > 120 ? e.getKey().substring(0, 120) + "…" : e.getKey();
            assertThat(r.statusCode()).as(shown).isEqualTo(e.getValue());
            assertThat(r.body()).as(shown).matches("\\{\"code\":3,\"message\":\".+\",\"details\":\\[\\]}");
        }
        HttpResponse<String> invalidUtf8 = gateway.postBytes(
                "/message/v1/publish", new byte[] {'{', '"', 'e', '"', ':', (byte) 0xC3, (byte) 0x28, '}'});
        assertThat(invalidUtf8.statusCode()).isEqualTo(400);
        assertThat(invalidUtf8.body()).contains("\"code\":3");

        HttpResponse<String> huge = gateway.postBytes("/message/v1/publish", new byte[9 * 1024 * 1024]);
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(huge.body()).contains("\"code\":3");

        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("{\"contentTopics\":[\"" + topic + "\"],\"pagingInfo\":{\"limit\":101}}", "limit");
        queries.put("{\"contentTopics\":[]}", "topic");
        queries.put("{\"contentTopics\":[\"/xmtp/0/" + "y".repeat(300) + "/proto\"]}", "300");
        for (var e : queries.entrySet()) {
            HttpResponse<String> r = gateway.post("/message/v1/query", e.getKey());
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
            assertThat(r.body()).contains("\"code\":3").contains(e.getValue());
        }
        HttpResponse<String> noTopics = gateway.post("/message/v1/subscribe", "{\"contentTopics\":[]}");
        assertThat(noTopics.statusCode()).isEqualTo(400);
        assertThat(noTopics.body()).contains("\"code\":3");

        HttpResponse<String> stored = gateway.post("/message/v1/query", queryBody(topic));
        assertOk(stored);
        assertThat(stored.body())
                .as("nothing of the refused publishes was stored")
                .startsWith("{\"envelopes\":[]");
    }

    @Test
    void unknownPathsAndMethodsAnswerInTheWireShape() throws Exception {
        HttpResponse<String> r = gateway.post("/message/v1/nothing-here", "{}");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("{\"code\":5,\"message\":\"not found\",\"details\":[]}");
        HttpResponse<String> get = Api.HTTP.send(
                HttpRequest.newBuilder(URI.create(SharedDevnet.get().apiUrl() + "/message/v1/query"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isIn(404, 405);
        assertThat(get.body()).startsWith("{\"code\":");
    }

    @Test
    void browsersMayCallTheApiFromAnyOrigin() throws Exception {
        HttpResponse<String> preflight = Api.HTTP.send(
                HttpRequest.newBuilder(URI.create(SharedDevnet.get().apiUrl() + "/message/v1/publish"))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", "https://app.example")
                        .header("Access-Control-Request-Method", "POST")
                        .header("Access-Control-Request-Headers", "authorization,content-type,x-client-version")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .hasValue("https://app.example");
    }

    @Test
    void limitZeroMeansOneHundredAndCursorsComeOnlyWithFullPages() throws Exception {
        String topic = topic("m-");
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            batch.append(i == 0 ? "" : ",").append(Api.envelope(topic, 10_000 + i, ("p" + i).getBytes(UTF_8)));
        }
        assertOk(gateway.post("/message/v1/publish", "{\"envelopes\":[" + batch + "]}"));
        assertOk(gateway.post(
                "/message/v1/publish", Api.publishBody(Api.envelope(topic, 20_000, "last".getBytes(UTF_8)))));
        HttpResponse<String> first = gateway.post(
                "/message/v1/query", "{\"contentTopics\":[\"" + topic + "\"],\"pagingInfo\":{\"limit\":0}}");
        assertOk(first);
        assertThat(first.body().split("\"contentTopic\"", -1)).hasSize(101);
        assertThat(first.body())
                .contains("\"cursor\":{\"index\":{\"digest\":\"")
                .contains("\"direction\":\"SORT_DIRECTION_DESCENDING\"")
                .contains(Base64.getEncoder().encodeToString("last".getBytes(StandardCharsets.UTF_8)));
        String cursor = first.body()
                .substring(first.body().indexOf("\"cursor\":") + 9, first.body().indexOf("},\"direction\"") + 1);
        HttpResponse<String> second = gateway.post(
                "/message/v1/query",
                "{\"contentTopics\":[\"" + topic + "\"],\"pagingInfo\":{\"limit\":100,\"cursor\":" + cursor + "}}");
        assertOk(second);
        assertThat(second.body().split("\"contentTopic\"", -1)).hasSize(2);
        assertThat(second.body())
                .doesNotContain("\"cursor\"")
                .contains(Base64.getEncoder().encodeToString("p0".getBytes(StandardCharsets.UTF_8)));
    }
}
