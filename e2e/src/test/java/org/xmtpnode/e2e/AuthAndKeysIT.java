package org.xmtpnode.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmtpnode.devnet.Devnet;
import org.xmtpnode.testsupport.TestWallet;

/** Auth tokens, topic ownership, contact bundle checks, the key directory, rate limits and wallet lists. */
class AuthAndKeysIT {

    static Devnet devnet;
    static Api anonymous;

    @BeforeAll
    static void network() {
        devnet = SharedDevnet.get();
        anonymous = new Api(devnet.apiUrl());
    }

    static long nowNs() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    static String contactTopic(String wallet) {
        return "/xmtp/0/contact-" + wallet + "/proto";
    }

    static String publishOf(String topic, long timeNs, byte[] message) {
        return Api.publishBody(Api.envelope(topic, timeNs, message));
    }

    static void assertError(HttpResponse<String> r, int status, int code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.body())
                .as(r.body())
                .startsWith("{\"code\":" + code + ",\"message\":\"")
                .endsWith(",\"details\":[]}");
    }

    @Test
    void publishingNeedsAValidToken() throws Exception {
        TestWallet id = TestWallet.random();
        String body =
                publishOf("/xmtp/0/m-auth" + ThreadLocalRandom.current().nextLong() + "/proto", 1, "x".getBytes(UTF_8));
        assertError(anonymous.post("/message/v1/publish", body), 401, 16);
        assertError(anonymous.withToken("bm90IGEgdG9rZW4=").post("/message/v1/publish", body), 401, 16);
        assertError(
                anonymous
                        .withToken(id.token(nowNs() - Duration.ofMinutes(61).toNanos()))
                        .post("/message/v1/publish", body),
                401,
                16);
        byte[] raw = Base64.getDecoder().decode(id.token(nowNs()));
        raw[raw.length - 5] ^= 0x10; // inside the auth data signature
        assertError(
                anonymous.withToken(Base64.getEncoder().encodeToString(raw)).post("/message/v1/publish", body),
                401,
                16);
        assertThat(anonymous
                        .withToken(id.token(nowNs()))
                        .post("/message/v1/publish", body)
                        .statusCode())
                .isEqualTo(200);
        // reads need no token
        assertThat(anonymous
                        .post("/message/v1/query", "{\"contentTopics\":[\"/xmtp/0/m-x/proto\"]}")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void onlyTheWalletPublishesToItsContactAndPrivateStoreTopics() throws Exception {
        TestWallet victim = TestWallet.random();
        TestWallet attacker = TestWallet.random();
        Api asAttacker = anonymous.withToken(attacker.token(nowNs()));
        assertError(
                asAttacker.post(
                        "/message/v1/publish",
                        publishOf(
                                contactTopic(victim.walletAddress()),
                                nowNs(),
                                attacker.contactBundleV2().toByteArray())),
                403,
                7);
        assertError(
                asAttacker.post(
                        "/message/v1/publish",
                        publishOf(
                                "/xmtp/0/privatestore-" + victim.walletAddress() + "/key_bundle/proto",
                                nowNs(),
                                "secret".getBytes(UTF_8))),
                403,
                7);
        assertThat(anonymous.get("/keys/v1/contacts/" + victim.walletAddress()).statusCode())
                .isEqualTo(404);
    }

    @Test
    void aContactBundleMustBeSignedByItsWallet() throws Exception {
        TestWallet owner = TestWallet.random();
        TestWallet other = TestWallet.random();
        Api asOwner = anonymous.withToken(owner.token(nowNs()));
        HttpResponse<String> r = asOwner.post(
                "/message/v1/publish",
                publishOf(
                        contactTopic(owner.walletAddress()),
                        nowNs(),
                        other.contactBundleV2().toByteArray()));
        assertError(r, 400, 3);
        assertThat(r.body()).contains("invalid contact bundle").contains("not signed by wallet");
        assertError(
                asOwner.post(
                        "/message/v1/publish",
                        publishOf(contactTopic(owner.walletAddress()), nowNs(), "garbage".getBytes(UTF_8))),
                400,
                3);
        HttpResponse<String> stored = anonymous.post(
                "/message/v1/query", "{\"contentTopics\":[\"" + contactTopic(owner.walletAddress()) + "\"]}");
        assertThat(stored.body()).startsWith("{\"envelopes\":[]");
        String metrics = anonymousGet(devnet.gatewayManagementUrl() + "/actuator/prometheus");
        assertThat(metrics).contains("gateway_ratelimit_total");
    }

    @Test
    void theKeyDirectoryServesTheLatestValidBundlesAndFollowsRotation() throws Exception {
        TestWallet id = TestWallet.random();
        Api asOwner = anonymous.withToken(id.token(nowNs()));
        long t0 = nowNs();
        assertThat(asOwner.post(
                                "/message/v1/publish",
                                Api.publishBody(
                                        Api.envelope(
                                                contactTopic(id.walletAddress()),
                                                t0,
                                                id.contactBundleV1().toByteArray()),
                                        Api.envelope(
                                                contactTopic(id.walletAddress()),
                                                t0 + 1,
                                                id.contactBundleV2().toByteArray())))
                        .statusCode())
                .isEqualTo(200);
        String identityHex = "0x" + HexFormat.of().formatHex(id.identityPublicKey());
        String lower = id.walletAddress().toLowerCase(Locale.ROOT);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HttpResponse<String> r = anonymous.get("/keys/v1/contacts/" + lower);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body())
                    .contains("\"walletAddress\":\"" + id.walletAddress() + "\"")
                    .contains("\"version\":2")
                    .contains("\"version\":1")
                    .contains(identityHex);
        });
        // a rotation: a new identity for the same wallet, published later, replaces the V2 bundle
        TestWallet rotated = id.withNewIdentity();
        assertThat(asOwner.post(
                                "/message/v1/publish",
                                publishOf(
                                        contactTopic(id.walletAddress()),
                                        nowNs(),
                                        rotated.contactBundleV2().toByteArray()))
                        .statusCode())
                .isEqualTo(200);
        String rotatedHex = "0x" + HexFormat.of().formatHex(rotated.identityPublicKey());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String body =
                    anonymous.get("/keys/v1/contacts/" + id.walletAddress()).body();
            assertThat(body).contains(rotatedHex);
        });
        HttpResponse<String> batch = anonymous.post(
                "/keys/v1/contacts/batch-query",
                "{\"walletAddresses\":[\"" + lower + "\",\"0x0000000000000000000000000000000000000001\"]}");
        assertThat(batch.statusCode()).isEqualTo(200);
        assertThat(batch.body())
                .contains(rotatedHex)
                .contains("\"walletAddress\":\"0x0000000000000000000000000000000000000001\",\"bundles\":[]");

        HttpResponse<String> bad = anonymous.get("/keys/v1/contacts/not-an-address");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
        assertThat(anonymous.get("/keys/v1/contacts/0x" + "ab".repeat(20)).statusCode())
                .isEqualTo(404);
    }

    @Test
    void privateKeyBundlesAreKeptPerWallet() throws Exception {
        TestWallet id = TestWallet.random();
        byte[] sealed = "encrypted private key bundle".getBytes(UTF_8);
        assertThat(anonymous
                        .withToken(id.token(nowNs()))
                        .post(
                                "/message/v1/publish",
                                publishOf(
                                        "/xmtp/0/privatestore-" + id.walletAddress() + "/key_bundle/proto",
                                        nowNs(),
                                        sealed))
                        .statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HttpResponse<String> r = anonymous.get(
                    "/keys/v1/private-key-bundles/" + id.walletAddress().toLowerCase(Locale.ROOT));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains(Base64.getEncoder().encodeToString(sealed));
        });
    }

    @Test
    void aBurstOverThePublishLimitGets429AndRecoversAfterTheRefill() throws Exception {
        TestWallet id = TestWallet.random();
        String ip = "203.0.113." + ThreadLocalRandom.current().nextInt(1, 255);
        Api client = anonymous.withToken(id.token(nowNs())).forwardedFor(ip + ", 10.0.0.1");
        String topic = "/xmtp/0/m-burst" + ThreadLocalRandom.current().nextLong() + "/proto";
        HttpResponse<String> limited = null;
        int accepted = 0;
        for (int i = 0; i < 10 && limited == null; i++) {
            List<String> envelopes = new ArrayList<>();
            for (int j = 0; j < 100; j++) {
                envelopes.add(Api.envelope(topic, i * 100L + j, ("b" + i + "-" + j).getBytes(UTF_8)));
            }
            HttpResponse<String> r =
                    client.post("/message/v1/publish", Api.publishBody(envelopes.toArray(String[]::new)));
            if (r.statusCode() == 429) {
                limited = r;
            } else {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                accepted++;
            }
        }
        assertThat(limited).as("a burst of 100-envelope publishes is limited").isNotNull();
        assertThat(accepted).isGreaterThanOrEqualTo(SharedDevnet.PUBLISH_BURST / 100 - 1);
        assertError(limited, 429, 8);
        long retryAfter =
                Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        Thread.sleep(retryAfter * 1000 + 200);
        assertThat(client.post("/message/v1/publish", publishOf(topic, 99_999, "after".getBytes(UTF_8)))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void deniedWalletsAreRefusedAndTheListsAreNotOnThePublicPort() throws Exception {
        TestWallet id = TestWallet.random();
        Api client = anonymous.withToken(id.token(nowNs()));
        String body =
                publishOf("/xmtp/0/m-deny" + ThreadLocalRandom.current().nextLong() + "/proto", 1, "d".getBytes(UTF_8));
        assertThat(anonymous.get("/actuator/wallets").statusCode()).isEqualTo(404);
        String admin = devnet.gatewayManagementUrl() + "/actuator/wallets";
        HttpResponse<String> added = Api.HTTP.send(
                HttpRequest.newBuilder(URI.create(admin))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"list\":\"deny\",\"wallet\":\""
                                + id.walletAddress().toLowerCase(Locale.ROOT) + "\",\"action\":\"add\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        assertThat(added.body()).contains(id.walletAddress());
        try {
            assertError(client.post("/message/v1/publish", body), 403, 7);
        } finally {
            Api.HTTP.send(
                    HttpRequest.newBuilder(URI.create(admin))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"list\":\"deny\",\"wallet\":\""
                                    + id.walletAddress() + "\",\"action\":\"remove\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        assertThat(client.post("/message/v1/publish", body).statusCode()).isEqualTo(200);
    }

    static String anonymousGet(String url) throws Exception {
        return Api.HTTP
                .send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
