package org.xmtpnode.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xmtpnode.core.EnvelopeDigest;
import org.xmtpnode.keystore.ingest.KeyIngest;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.contents.ContactBundle;
import org.xmtpnode.runtime.config.KafkaProperties;
import org.xmtpnode.runtime.kafka.EnvelopeRecords;
import org.xmtpnode.runtime.kafka.KafkaClients;
import org.xmtpnode.testsupport.TestInfra;
import org.xmtpnode.testsupport.TestWallet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * keystore-service as it runs, against a real PostgreSQL (its Flyway schema), Kafka broker and Redis: which
 * contact bundles it keeps (only those signed by their wallet), key rotation (a later envelope replaces an
 * earlier one per wallet and version, an older one never rolls it back), private key bundles, the cache
 * evicted on rotation, and the lookup API with its problem+json errors.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KeystoreServiceIT {

    static final String DATABASE = TestInfra.postgres().createFreshDatabase("keystore_it");
    static final String NODE_ID = "keystore-it-" + UUID.randomUUID().toString().substring(0, 8);
    static final String ENVELOPE_TOPIC = "envelopes-it-" + UUID.randomUUID();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HexFormat HEX = HexFormat.of();
    static final long T1 = 1_700_000_000_000_000_000L;
    static final long T2 = T1 + 60_000_000_000L;

    @LocalServerPort
    int port;

    @Autowired
    KeyIngest ingest;

    @Autowired
    KafkaProperties kafka;

    @Autowired
    MeterRegistry meters;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfra.datasource(DATABASE, registry::add);
        TestInfra.kafka(ENVELOPE_TOPIC, registry::add);
        registry.add("xmtp.kafka.partitions", () -> "1");
        registry.add("xmtp.node.id", () -> NODE_ID);
        registry.add("spring.data.redis.port", () -> TestInfra.redis().port());
    }

    @AfterAll
    static void cleanUp(@Autowired StringRedisTemplate redis) {
        Set<String> cached = redis.keys(cachePrefix() + "*");
        if (cached != null && !cached.isEmpty()) {
            redis.delete(cached);
        }
        // the context keeps connections until the JVM ends; FORCE closes them
        TestInfra.postgres().drop(DATABASE);
    }

    static String cachePrefix() {
        return "xmtp:keystore:" + NODE_ID + ":contacts:";
    }

    // ---- envelopes as the SDKs publish them

    static Envelope contact(String wallet, ContactBundle bundle, long timeNs) {
        return Envelope.newBuilder()
                .setContentTopic("/xmtp/0/contact-" + wallet + "/proto")
                .setTimestampNs(timeNs)
                .setMessage(bundle.toByteString())
                .build();
    }

    static Envelope privateKeyBundle(String wallet, byte[] bundle, long timeNs) {
        return Envelope.newBuilder()
                .setContentTopic("/xmtp/0/privatestore-" + wallet + "/key_bundle/proto")
                .setTimestampNs(timeNs)
                .setMessage(ByteString.copyFrom(bundle))
                .build();
    }

    /** The same wallet with a new identity key and pre-key, made later: a key rotation. */
    static TestWallet rotated(TestWallet identity) {
        return identity.withNewIdentity();
    }

    /** Publishes both bundle versions of an identity in envelopes sent at {@code timeNs}. */
    void publishBundles(TestWallet identity, long timeNs) {
        ingest.handle(contact(identity.walletAddress(), identity.contactBundleV2(), timeNs));
        ingest.handle(contact(identity.walletAddress(), identity.contactBundleV1(), timeNs));
    }

    static String hex(byte[] key) {
        return "0x" + HEX.formatHex(key);
    }

    // ---- HTTP

    HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> batch(String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/keys/v1/contacts/batch-query"))
                        .header("Content-Type", "text/plain;charset=UTF-8")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String batchOf(List<String> wallets) {
        return JSON.writeValueAsString(Map.of("walletAddresses", wallets));
    }

    JsonNode contactsOf(String wallet) throws Exception {
        HttpResponse<String> r = get("/keys/v1/contacts/" + wallet);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static void assertProblem(HttpResponse<String> r, int status, String type) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.get("type").asString()).isEqualTo("urn:xmtp-node:problem:" + type);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
    }

    /** The identity keys served for a wallet, newest bundle version first. */
    static List<String> identityKeys(JsonNode contacts) {
        List<String> keys = new ArrayList<>();
        contacts.get("bundles").forEach(b -> keys.add(b.get("identityKey").asString()));
        return keys;
    }

    double count(String name) {
        return meters.get(name).counter().count();
    }

    // ---- contact bundles

    @Test
    void aValidContactBundleIsStoredAndServedForItsWalletAskedInAnyCase() throws Exception {
        TestWallet alice = TestWallet.random();
        ContactBundle v1 = alice.contactBundleV1();
        ContactBundle v2 = alice.contactBundleV2();
        double stored = meters.get("keystore.bundles.stored")
                .tag("kind", "contact")
                .counter()
                .count();

        ingest.handle(contact(alice.walletAddress(), v1, T1));
        ingest.handle(contact(alice.walletAddress(), v2, T1 + 1));

        String lower = alice.walletAddress().toLowerCase(Locale.ROOT);
        String upper = "0x" + alice.walletAddress().substring(2).toUpperCase(Locale.ROOT);
        for (String asked : List.of(lower, upper, alice.walletAddress())) {
            JsonNode contacts = contactsOf(asked);
            assertThat(contacts.get("walletAddress").asString()).isEqualTo(alice.walletAddress());
            JsonNode bundles = contacts.get("bundles");
            assertThat(bundles).hasSize(2);
            JsonNode newest = bundles.get(0);
            assertThat(newest.get("version").asInt()).isEqualTo(2);
            assertThat(newest.get("identityKey").asString()).isEqualTo(hex(alice.identityPublicKey()));
            assertThat(newest.get("preKey").asString()).isEqualTo(hex(alice.prePublicKey()));
            assertThat(newest.get("createdNs").asString()).isEqualTo(Long.toString(alice.createdNs()));
            assertThat(newest.get("envelopeTimeNs").asString()).isEqualTo(Long.toString(T1 + 1));
            assertThat(Base64.getDecoder().decode(newest.get("bundle").asString()))
                    .isEqualTo(v2.toByteArray());
            JsonNode legacy = bundles.get(1);
            assertThat(legacy.get("version").asInt()).isEqualTo(1);
            assertThat(legacy.get("identityKey").asString()).isEqualTo(hex(alice.identityPublicKey()));
            assertThat(Base64.getDecoder().decode(legacy.get("bundle").asString()))
                    .isEqualTo(v1.toByteArray());
        }
        assertThat(meters.get("keystore.bundles.stored")
                                .tag("kind", "contact")
                                .counter()
                                .count()
                        - stored)
                .isEqualTo(2);
    }

    @Test
    void aBundleNotSignedByTheTopicsWalletIsRefusedCountedAndNeverServed() throws Exception {
        TestWallet owner = TestWallet.random();
        TestWallet mallory = TestWallet.random();
        double invalid = count("keystore.signature.invalid");

        // mallory's own valid bundles, published on the owner's contact topic
        ingest.handle(contact(owner.walletAddress(), mallory.contactBundleV2(), T1));
        ingest.handle(contact(owner.walletAddress(), mallory.contactBundleV1(), T1));
        // a bundle whose identity key the owner signed, with mallory's pre-key signed by mallory's identity
        ContactBundle spliced = owner.contactBundleV1().toBuilder()
                .setV1(owner.contactBundleV1().getV1().toBuilder()
                        .setKeyBundle(owner.contactBundleV1().getV1().getKeyBundle().toBuilder()
                                .setPreKey(mallory.contactBundleV1()
                                        .getV1()
                                        .getKeyBundle()
                                        .getPreKey())))
                .build();
        ingest.handle(contact(owner.walletAddress(), spliced, T1));
        // not a bundle at all
        ingest.handle(contact(owner.walletAddress(), ContactBundle.getDefaultInstance(), T1).toBuilder()
                .setMessage(ByteString.copyFromUtf8("hello"))
                .build());

        assertThat(count("keystore.signature.invalid") - invalid).isEqualTo(4);
        assertProblem(get("/keys/v1/contacts/" + owner.walletAddress()), 404, "not-found");
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM contact_bundles WHERE wallet_address IN (?, ?)",
                        Long.class,
                        owner.walletAddress(),
                        mallory.walletAddress()))
                .isZero();
    }

    @Test
    void aWalletThatRotatesItsKeysIsAnsweredWithTheNewOnesAndALateOlderEnvelopeDoesNotRollThemBack() throws Exception {
        TestWallet before = TestWallet.random();
        TestWallet after = rotated(before);
        publishBundles(before, T1);

        publishBundles(after, T2);
        assertThat(identityKeys(contactsOf(before.walletAddress())))
                .containsExactly(hex(after.identityPublicKey()), hex(after.identityPublicKey()));

        // the old envelopes arrive again, late (a replay, a rebuild from the store)
        publishBundles(before, T1);
        redis.delete(cachePrefix() + before.walletAddress()); // answered from PostgreSQL
        JsonNode contacts = contactsOf(before.walletAddress());
        assertThat(identityKeys(contacts))
                .containsExactly(hex(after.identityPublicKey()), hex(after.identityPublicKey()));
        contacts.get("bundles")
                .forEach(b -> assertThat(b.get("envelopeTimeNs").asString()).isEqualTo(Long.toString(T2)));
    }

    @Test
    void aRotationEvictsTheCachedContactsSoTheNextLookupSeesTheNewKeys() throws Exception {
        TestWallet before = TestWallet.random();
        TestWallet after = rotated(before);
        publishBundles(before, T1);
        JsonNode fromDatabase = contactsOf(before.walletAddress());
        assertThat(identityKeys(fromDatabase)).contains(hex(before.identityPublicKey()));
        assertThat(redis.opsForValue().get(cachePrefix() + before.walletAddress()))
                .as("the lookup was cached")
                .contains(hex(before.identityPublicKey()));
        double hits =
                meters.get("keystore.cache").tag("result", "hit").counter().count();
        assertThat(contactsOf(before.walletAddress())).isEqualTo(fromDatabase);
        assertThat(meters.get("keystore.cache").tag("result", "hit").counter().count() - hits)
                .isEqualTo(1);

        publishBundles(after, T2);

        assertThat(identityKeys(contactsOf(before.walletAddress())))
                .containsExactly(hex(after.identityPublicKey()), hex(after.identityPublicKey()));
        HttpResponse<String> batch = batch(batchOf(List.of(before.walletAddress())));
        assertThat(batch.body())
                .contains(hex(after.identityPublicKey()))
                .doesNotContain(hex(before.identityPublicKey()));
    }

    @Test
    void contactBundlesArriveThroughTheEnvelopeLog() throws Exception {
        TestWallet bob = TestWallet.random();
        Envelope message = Envelope.newBuilder()
                .setContentTopic("/xmtp/0/m-" + UUID.randomUUID() + "/proto")
                .setTimestampNs(T1)
                .setMessage(ByteString.copyFromUtf8("a message, skipped by its key"))
                .build();
        Envelope bundle = contact(bob.walletAddress(), bob.contactBundleV2(), T1);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(KafkaClients.producer(kafka, "keystore-it"))) {
            for (Envelope e : List.of(message, bundle)) {
                producer.send(EnvelopeRecords.record(
                                ENVELOPE_TOPIC, e, EnvelopeDigest.of(e), EnvelopeRecords.originBytes("node-b")))
                        .get();
            }
        }

        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/keys/v1/contacts/" + bob.walletAddress()).statusCode() == 200);
        assertThat(identityKeys(contactsOf(bob.walletAddress()))).containsExactly(hex(bob.identityPublicKey()));
    }

    // ---- private key bundles

    @Test
    void privateKeyBundlesKeepTheLatestEnvelopePerWallet() throws Exception {
        String wallet = TestWallet.random().walletAddress();
        byte[] first = "encrypted bundle 1".getBytes(StandardCharsets.UTF_8);
        byte[] second = "encrypted bundle 2".getBytes(StandardCharsets.UTF_8);
        String path = "/keys/v1/private-key-bundles/" + wallet.toLowerCase(Locale.ROOT);
        assertProblem(get(path), 404, "not-found");

        ingest.handle(privateKeyBundle(wallet, first, T1));
        JsonNode stored = JSON.readTree(get(path).body());
        assertThat(stored.get("walletAddress").asString()).isEqualTo(wallet);
        assertThat(stored.get("bundle").asString())
                .isEqualTo(Base64.getEncoder().encodeToString(first));
        assertThat(stored.get("envelopeTimeNs").asString()).isEqualTo(Long.toString(T1));

        ingest.handle(privateKeyBundle(wallet, second, T2));
        ingest.handle(privateKeyBundle(wallet, first, T1)); // late
        // another topic of the wallet's private store is not its key bundle
        ingest.handle(privateKeyBundle(wallet, first, T2 + 1).toBuilder()
                .setContentTopic("/xmtp/0/privatestore-" + wallet + "/other/proto")
                .build());

        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode latest = JSON.readTree(r.body());
        assertThat(latest.get("bundle").asString())
                .isEqualTo(Base64.getEncoder().encodeToString(second));
        assertThat(latest.get("envelopeTimeNs").asString()).isEqualTo(Long.toString(T2));
    }

    // ---- the lookup API

    @Test
    void aBatchLookupAnswersEveryWalletInTheOrderAsked() throws Exception {
        TestWallet a = TestWallet.random();
        TestWallet c = TestWallet.random();
        String unknown = TestWallet.random().walletAddress();
        publishBundles(a, T1);
        ingest.handle(contact(c.walletAddress(), c.contactBundleV2(), T1));

        HttpResponse<String> r = batch(batchOf(List.of(
                c.walletAddress(),
                unknown.toLowerCase(Locale.ROOT),
                a.walletAddress().toLowerCase(Locale.ROOT))));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> order = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        JSON.readTree(r.body()).get("contacts").forEach(w -> {
            order.add(w.get("walletAddress").asString());
            counts.add(w.get("bundles").size());
        });
        assertThat(order).containsExactly(c.walletAddress(), unknown, a.walletAddress());
        assertThat(counts).containsExactly(1, 0, 2);
    }

    @Test
    void aBatchHoldsAtMostOneHundredAddresses() throws Exception {
        List<String> hundred = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            hundred.add(String.format("0x%040x", i + 1));
        }
        assertThat(batch(batchOf(hundred)).statusCode()).isEqualTo(200);

        List<String> more = new ArrayList<>(hundred);
        more.add(String.format("0x%040x", 101));
        HttpResponse<String> r = batch(batchOf(more));
        assertProblem(r, 400, "bad-request");
        assertThat(JSON.readTree(r.body()).get("detail").asString()).contains("100");
    }

    @Test
    void malformedLookupsAreA400Problem() throws Exception {
        assertProblem(get("/keys/v1/contacts/not-an-address"), 400, "bad-request");
        assertProblem(get("/keys/v1/contacts/0x1234"), 400, "bad-request");
        assertProblem(get("/keys/v1/private-key-bundles/0x" + "g".repeat(40)), 400, "bad-request");
        // fullwidth digits are digits to Character.digit, not to Ethereum
        String fullwidth = "0x" + "\uFF10".repeat(39) + "\uFF11";
        assertProblem(
                get("/keys/v1/contacts/" + URLEncoder.encode(fullwidth, StandardCharsets.UTF_8)), 400, "bad-request");
        assertProblem(batch("not json"), 400, "bad-request");
        assertProblem(batch("{}"), 400, "bad-request");
        assertProblem(batch(batchOf(List.of())), 400, "bad-request");
        assertProblem(batch(batchOf(List.of("0xnope"))), 400, "bad-request");
    }
}
