package org.xmtpnode.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.xmtpnode.core.crypto.Identities;
import org.xmtpnode.runtime.kafka.KafkaClients;

/** The workloads; latencies in HdrHistograms of microseconds. */
final class Workloads {

    private static final long HIGHEST_US = TimeUnit.MINUTES.toMicros(2);
    private static final Pattern TIMESTAMP = Pattern.compile("\"timestampNs\":\"(\\d+)\"");

    /** A measured workload: how many operations in how long, and their latency. */
    record Result(long count, double seconds, Histogram latencyUs, String unit) {

        double perSecond() {
            return count / seconds;
        }

        String[] row(String label) {
            return new String[] {
                label,
                String.format(Locale.ROOT, "%,.0f %s/s", perSecond(), unit),
                ms(0.5),
                ms(0.99),
                ms(0.999),
                String.format(Locale.ROOT, "%.1f ms", latencyUs.getMaxValue() / 1000.0),
                String.format(Locale.ROOT, "%,d", latencyUs.getTotalCount())
            };
        }

        private String ms(double q) {
            return String.format(Locale.ROOT, "%.1f ms", latencyUs.getValueAtPercentile(q * 100) / 1000.0);
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", count);
            m.put("seconds", Bench.round(seconds));
            m.put("per_second", Bench.round(perSecond()));
            m.put("p50_ms", p(0.5));
            m.put("p99_ms", p(0.99));
            m.put("p999_ms", p(0.999));
            m.put("max_ms", Math.round(latencyUs.getMaxValue() / 100.0) / 10.0);
            m.put("samples", latencyUs.getTotalCount());
            return m;
        }

        double p(double q) {
            return Math.round(latencyUs.getValueAtPercentile(q * 100) / 100.0) / 10.0;
        }
    }

    /** W2's publish-to-delivery latency through the node, and the same through bare Kafka. */
    record FanOut(Result node, Result floor, long sent, long delivered) {

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", node.json());
            m.put("sent", sent);
            m.put("delivered", delivered);
            if (floor != null) {
                m.put("kafka_floor", floor.json());
                m.put("p50_ratio_to_floor", Bench.round(node.p(0.5) / Math.max(0.1, floor.p(0.5))));
                m.put("p99_ratio_to_floor", Bench.round(node.p(0.99) / Math.max(0.1, floor.p(0.99))));
            }
            return m;
        }
    }

    private final Bench.Target target;
    private final Bench.Settings settings;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final List<String> tokens = new ArrayList<>();
    /** Epoch nanoseconds at {@link #baseNano}: one clock for send and receive times. */
    private final long baseEpochNs = System.currentTimeMillis() * 1_000_000L;

    private final long baseNano = System.nanoTime();

    Workloads(Bench.Target target, Bench.Settings settings) {
        this.target = target;
        this.settings = settings;
        this.connection = ThreadLocal.withInitial(() -> new RawHttp(target.apiUrl()));
        for (int i = 0; i < settings.w1Wallets(); i++) {
            tokens.add(Identities.random().token(System.currentTimeMillis() * 1_000_000L));
        }
    }

    private long nowEpochNs() {
        return baseEpochNs + (System.nanoTime() - baseNano);
    }

    /** Sleeps until an epoch time on {@link #nowEpochNs}'s clock; false if interrupted. */
    private boolean sleepUntil(long epochNs) {
        long wait = epochNs - nowEpochNs();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- requests

    static String envelope(String topic, long timeNs, byte[] message) {
        return "{\"contentTopic\":\"" + topic + "\",\"timestampNs\":\"" + timeNs + "\",\"message\":\""
                + Base64.getEncoder().encodeToString(message) + "\"}";
    }

    /** One keep-alive connection to the API per load thread. */
    private final ThreadLocal<RawHttp> connection;

    private int post(String base, String path, String token, String body) throws IOException, InterruptedException {
        if (!base.equals(target.apiUrl())) {
            throw new IllegalArgumentException("posts go to the API URL");
        }
        return connection.get().post(path, token, body).status();
    }

    private static byte[] message(int size, long n) {
        byte[] m = new byte[size];
        ThreadLocalRandom.current().nextBytes(m);
        ByteBuffer.wrap(m).putLong(n); // unique content: a new digest every time
        return m;
    }

    private static Histogram histogram() {
        return new Histogram(HIGHEST_US, 3);
    }

    private static void check(int status, String what) {
        if (status != 200) {
            throw new IllegalStateException(what + " answered " + status
                    + (status == 429 ? " (rate limited: raise or turn off the target's limits)" : ""));
        }
    }

    // ---------------------------------------------------------------- W1

    /**
     * Publishes and queries at full speed together, in rounds of up to 15 s, until the publish rate
     * stops rising (two rounds in a row less than 5 % above the best) or {@code settings.warmup()} is spent:
     * the JIT of the node's JVMs, sharing the cores, needs one to three minutes under load.
     *
     * @return each round's publish rate
     */
    List<Double> warmup() throws Exception {
        awaitReady(Duration.ofMinutes(2));
        if (settings.warmup().isZero()) {
            return List.of(); // a target warmed already
        }
        String topic = "/xmtp/0/m-bench-" + run + "-warmup/proto";
        AtomicBoolean done = new AtomicBoolean();
        Thread queries = new Thread(
                () -> {
                    try {
                        closedLoop(4, null, "queries", client -> {
                            if (done.get()) {
                                throw new Done();
                            }
                            return post(
                                            target.apiUrl(),
                                            "/message/v1/query",
                                            null,
                                            "{\"contentTopics\":[\"" + topic + "\"],\"pagingInfo\":{\"limit\":100}}")
                                    == 200;
                        });
                    } catch (Exception e) {
                        System.out.println("bench: warm-up queries failed: " + e);
                    }
                },
                "warmup-queries");
        queries.start();
        List<Double> rates = new ArrayList<>();
        try {
            Duration round = settings.warmup().compareTo(Duration.ofSeconds(15)) < 0
                    ? settings.warmup()
                    : Duration.ofSeconds(15);
            long end = System.nanoTime() + settings.warmup().toNanos();
            double best = 0;
            int stalled = 0;
            while (true) {
                double rate = closedLoopPublish(round, settings.w1Clients()).perSecond();
                System.out.printf(Locale.ROOT, "bench: warm-up round %d: %,.0f publishes/s%n", rates.size() + 1, rate);
                stalled = rate >= 1.05 * best ? 0 : stalled + 1;
                best = Math.max(best, rate);
                rates.add(rate);
                if (stalled == 2 || System.nanoTime() + round.toNanos() > end) {
                    return rates;
                }
            }
        } finally {
            done.set(true);
            queries.join();
        }
    }

    /** Waits until the API answers a query (a node that is still starting refuses connections). */
    private void awaitReady(Duration max) throws Exception {
        long end = System.nanoTime() + max.toNanos();
        String body = "{\"contentTopics\":[\"/xmtp/0/m-bench-ready/proto\"]}";
        while (true) {
            try {
                if (post(target.apiUrl(), "/message/v1/query", null, body) == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException(
                        target.apiUrl() + " did not answer a query within " + max.toSeconds() + " s");
            }
            Thread.sleep(500);
        }
    }

    Result w1Publish() throws Exception {
        System.out.println(
                "bench: W1 publish throughput for " + settings.duration().toSeconds() + " s");
        return closedLoopPublish(settings.duration(), settings.w1Clients());
    }

    /**
     * Each client publishes one envelope at a time, as fast as it is answered; a refused publish is
     * counted, not timed.
     */
    private Result closedLoopPublish(Duration duration, int clients) throws Exception {
        AtomicLong failures = new AtomicLong();
        long[] sequence = new long[clients];
        Result r = closedLoop(
                clients,
                duration,
                "envelopes",
                client -> {
                    String topic = "/xmtp/0/m-bench-" + run + "-w1-" + client + "/proto";
                    String body = "{\"envelopes\":["
                            + envelope(topic, nowEpochNs(), message(settings.messageBytes(), ++sequence[client]))
                            + "]}";
                    try {
                        if (post(target.apiUrl(), "/message/v1/publish", tokens.get(client % tokens.size()), body)
                                == 200) {
                            return true;
                        }
                    } catch (IOException e) {
                        // counted below
                    }
                    failures.incrementAndGet();
                    return false;
                },
                1);
        if (failures.get() > 0) {
            System.out.println("bench: " + failures.get() + " publishes failed");
        }
        return r;
    }

    // ---------------------------------------------------------------- W2

    FanOut w2FanOut(String label) throws Exception {
        return w2FanOut(label, settings.duration(), true);
    }

    /**
     * {@code subscribers} streams through the gateway, one topic each; publishing paced at the rate
     * over all topics. Latency runs from each envelope's intended send time (its timestamp), so a
     * stalled sender does not hide the delay it causes. Then the same rate through a bare producer and
     * consumer on the same broker: the floor.
     */
    FanOut w2FanOut(String label, Duration duration, boolean withFloor) throws Exception {
        System.out.println("bench: " + label + " fan-out for " + duration.toSeconds() + " s");
        int subs = settings.w2Subscribers();
        Histogram latency = new Histogram(HIGHEST_US, 3);
        AtomicLong delivered = new AtomicLong();
        long measureFromEpoch = nowEpochNs() + Duration.ofSeconds(2).toNanos(); // the first 2 s warm the path
        List<InputStream> streams = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        String topicPrefix = "/xmtp/0/m-bench-" + run + "-" + label.toLowerCase(Locale.ROOT) + "-";
        for (int i = 0; i < subs; i++) {
            HttpResponse<InputStream> r = http.send(
                    HttpRequest.newBuilder(URI.create(target.apiUrl() + "/message/v1/subscribe"))
                            .header("Content-Type", "text/plain;charset=UTF-8")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"contentTopics\":[\"" + topicPrefix + i + "/proto\"]}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            check(r.statusCode(), "subscribe");
            BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
            if (in.readLine() == null) { // the opening heartbeat: the subscription is live
                throw new IllegalStateException("a stream ended before it opened");
            }
            streams.add(r.body());
            Thread reader = new Thread(
                    () -> {
                        try {
                            String line;
                            while ((line = in.readLine()) != null) {
                                long now = nowEpochNs();
                                Matcher m = TIMESTAMP.matcher(line);
                                if (m.find()) {
                                    long sentAt = Long.parseLong(m.group(1));
                                    delivered.incrementAndGet();
                                    if (sentAt >= measureFromEpoch) {
                                        synchronized (latency) {
                                            latency.recordValue(
                                                    Math.max(0, Math.min(HIGHEST_US, (now - sentAt) / 1000)));
                                        }
                                    }
                                }
                            }
                        } catch (IOException e) {
                            // closed
                        }
                    },
                    "w2-reader-" + i);
            reader.setDaemon(true);
            reader.start();
            readers.add(reader);
        }
        long sent = pacedPublish(topicPrefix, subs, duration);
        Thread.sleep(1000); // stragglers
        for (InputStream s : streams) {
            s.close();
        }
        double seconds = duration.toNanos() / 1e9;
        Result node;
        synchronized (latency) {
            node = new Result(latency.getTotalCount(), seconds - 2, latency.copy(), "envelopes");
        }
        Result floor = target.kafkaBootstrap() == null || !withFloor ? null : kafkaFloor(duration);
        return new FanOut(node, floor, sent, delivered.get());
    }

    /** Senders at the rate in total; each envelope's timestamp is its intended send time. */
    private long pacedPublish(String topicPrefix, int topics, Duration duration) throws InterruptedException {
        int senders = Math.max(16, settings.w2Rate() / 16); // each may take ~60 ms and still keep the pace
        int rate = settings.w2Rate();
        AtomicLong sent = new AtomicLong();
        long startEpoch = nowEpochNs() + 100_000_000L;
        long total = rate * duration.toSeconds();
        Thread[] threads = new Thread[senders];
        for (int s = 0; s < senders; s++) {
            int sender = s;
            threads[s] = new Thread(
                    () -> {
                        String token = tokens.get(sender % tokens.size());
                        for (long i = sender; i < total; i += senders) {
                            long intended = startEpoch + i * 1_000_000_000L / rate;
                            if (!sleepUntil(intended)) {
                                return;
                            }
                            String topic = topicPrefix + (i % topics) + "/proto";
                            try {
                                if (post(
                                                target.apiUrl(),
                                                "/message/v1/publish",
                                                token,
                                                "{\"envelopes\":["
                                                        + envelope(topic, intended, message(settings.messageBytes(), i))
                                                        + "]}")
                                        == 200) {
                                    sent.incrementAndGet();
                                }
                            } catch (IOException e) {
                                // counted as not sent
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "w2-sender-" + s);
            threads[s].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return sent.get();
    }

    /** The same rate and size through a bare producer (acks=all, linger 0) and consumer on the same broker. */
    private Result kafkaFloor(Duration duration) throws Exception {
        System.out.println("bench: Kafka floor for " + duration.toSeconds() + " s");
        String topic = "bench.floor." + run;
        KafkaClients.ensureTopic(target.kafkaBootstrap(), new KafkaClients.TopicSpec(topic, 6, (short) 1, Map.of()));
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, target.kafkaBootstrap());
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, target.kafkaBootstrap());
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Histogram latency = histogram();
        long measureFromEpoch = nowEpochNs() + Duration.ofSeconds(2).toNanos();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp);
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position);
            int rate = settings.w2Rate();
            long total = rate * duration.toSeconds();
            long startEpoch = nowEpochNs() + 100_000_000L;
            Thread sender = new Thread(
                    () -> {
                        for (long i = 0; i < total; i++) {
                            long intended = startEpoch + i * 1_000_000_000L / rate;
                            if (!sleepUntil(intended)) {
                                return;
                            }
                            byte[] value = message(settings.messageBytes(), intended);
                            producer.send(new ProducerRecord<>(
                                    topic,
                                    ("t" + (i % settings.w2Subscribers())).getBytes(StandardCharsets.UTF_8),
                                    value));
                        }
                    },
                    "floor-sender");
            sender.start();
            long received = 0;
            long deadline = System.nanoTime()
                    + duration.toNanos()
                    + Duration.ofSeconds(5).toNanos();
            while (received < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = nowEpochNs();
                    long intended = ByteBuffer.wrap(r.value()).getLong();
                    received++;
                    if (intended >= measureFromEpoch) {
                        latency.recordValue(Math.max(0, Math.min(HIGHEST_US, (now - intended) / 1000)));
                    }
                }
            }
            sender.join();
        }
        return new Result(latency.getTotalCount(), duration.toNanos() / 1e9 - 2, latency, "records");
    }

    // ---------------------------------------------------------------- W3

    /** @return query, batch query, load */
    Result[] w3Query() throws Exception {
        int topics = settings.w3Topics();
        String prefix = "/xmtp/0/m-bench-" + run + "-w3-";
        Result load = loadStore(prefix, topics, settings.w3Envelopes());
        System.out.println("bench: W3 queries for " + settings.duration().toSeconds() + " s");
        Result single = closedLoop(settings.w3Clients(), settings.duration(), "queries", client -> {
            String topic = prefix + ThreadLocalRandom.current().nextInt(topics) + "/proto";
            check(
                    post(
                            target.apiUrl(),
                            "/message/v1/query",
                            null,
                            "{\"contentTopics\":[\"" + topic
                                    + "\"],\"pagingInfo\":{\"limit\":100,\"direction\":\"SORT_DIRECTION_DESCENDING\"}}"),
                    "query");
            return true;
        });
        System.out.println("bench: W3 batch queries for " + settings.duration().toSeconds() + " s");
        Result batch = closedLoop(settings.w3Clients(), settings.duration(), "batches", client -> {
            StringBuilder b = new StringBuilder("{\"requests\":[");
            for (int i = 0; i < settings.w3BatchSize(); i++) {
                b.append(i == 0 ? "" : ",")
                        .append("{\"contentTopics\":[\"")
                        .append(prefix)
                        .append(ThreadLocalRandom.current().nextInt(topics))
                        .append("/proto\"],\"pagingInfo\":{\"limit\":")
                        .append(settings.w3BatchLimit())
                        .append(",\"direction\":\"SORT_DIRECTION_DESCENDING\"}}");
            }
            check(
                    post(
                            target.apiUrl(),
                            "/message/v1/batch-query",
                            null,
                            b.append("]}").toString()),
                    "batch-query");
            return true;
        });
        return new Result[] {single, batch, load};
    }

    /** Fills the store through the public API: publishes of 100 envelopes (256 B) over 100 topics each. */
    private Result loadStore(String prefix, int topics, int envelopes) throws Exception {
        System.out.printf("bench: W3 loading %,d envelopes over %,d topics%n", envelopes, topics);
        AtomicLong next = new AtomicLong();
        int batches = envelopes / 100;
        return closedLoop(
                16,
                null,
                "envelopes",
                client -> {
                    long k = next.getAndIncrement();
                    if (k >= batches) {
                        throw new Done();
                    }
                    StringBuilder b = new StringBuilder("{\"envelopes\":[");
                    for (int j = 0; j < 100; j++) {
                        long n = k * 100 + j;
                        b.append(j == 0 ? "" : ",")
                                .append(envelope(prefix + (n % topics) + "/proto", baseEpochNs + n, message(256, n)));
                    }
                    check(
                            post(
                                    target.apiUrl(),
                                    "/message/v1/publish",
                                    tokens.get((int) (k % tokens.size())),
                                    b.append("]}").toString()),
                            "publish");
                    return true;
                },
                100);
    }

    /** One call of a load client; false when it failed and is not to be timed. */
    @FunctionalInterface
    interface Call {
        boolean run(int client) throws Exception;
    }

    /** Signals that a load has nothing left to do. */
    static final class Done extends RuntimeException {
        Done() {
            super(null, null, false, false);
        }
    }

    private Result closedLoop(int clients, Duration duration, String unit, Call call) throws Exception {
        return closedLoop(clients, duration, unit, call, 1);
    }

    /** {@code clients} threads calling until the duration ends (or a call throws {@link Done}); CO-corrected. */
    private Result closedLoop(int clients, Duration duration, String unit, Call call, int perCall) throws Exception {
        Histogram[] per = new Histogram[clients];
        long[] counts = new long[clients];
        Thread[] threads = new Thread[clients];
        long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        Exception[] failure = new Exception[1];
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            per[c] = histogram();
            threads[c] = new Thread(
                    () -> {
                        while (System.nanoTime() < end) {
                            long t0 = System.nanoTime();
                            try {
                                if (!call.run(client)) {
                                    continue;
                                }
                            } catch (Done d) {
                                return;
                            } catch (Exception e) {
                                failure[0] = e;
                                return;
                            }
                            per[client].recordValue(Math.min(HIGHEST_US, (System.nanoTime() - t0) / 1000));
                            counts[client]++;
                        }
                    },
                    "load-" + c);
            threads[c].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram all = histogram();
        long total = 0;
        for (int c = 0; c < clients; c++) {
            total += counts[c];
            if (counts[c] > 0) {
                all.add(per[c].copyCorrectedForCoordinatedOmission((long) (seconds * 1e6 / counts[c])));
            }
        }
        return new Result(total * perCall, seconds, all, unit);
    }

    // ---------------------------------------------------------------- W4

    /** Idle streams straight to one relay: its heap and RSS before and after, then W2 with them open. */
    Map<String, Object> w4IdleStreams() throws Exception {
        int n = settings.w4Streams();
        System.out.printf("bench: W4 opening %,d idle streams on %s%n", n, target.relayUrl());
        Footprint.Probe relay = Footprint.Probe.of(target);
        Footprint.Sample before = relay.sample();
        HttpClient streamsClient = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        List<HttpResponse<InputStream>> open = new ArrayList<>();
        String prefix = "/xmtp/0/m-bench-" + run + "-idle-";
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i += 200) {
            List<CompletableFuture<HttpResponse<InputStream>>> wave = new ArrayList<>();
            for (int j = i; j < Math.min(n, i + 200); j++) {
                wave.add(streamsClient.sendAsync(
                        HttpRequest.newBuilder(URI.create(target.relayUrl() + "/message/v1/subscribe"))
                                .header("Content-Type", "text/plain;charset=UTF-8")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"contentTopics\":[\"" + prefix + j + "/proto\"]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream()));
            }
            for (CompletableFuture<HttpResponse<InputStream>> f : wave) {
                HttpResponse<InputStream> r = f.get(60, TimeUnit.SECONDS);
                check(r.statusCode(), "subscribe");
                open.add(r);
            }
        }
        double openSeconds = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(2000);
        Footprint.Sample after = relay.sample();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("streams", n);
        m.put("opened_in_s", Bench.round(openSeconds));
        m.put("relay_heap_before_mib", before.heapMiB());
        m.put("relay_heap_after_mib", after.heapMiB());
        m.put("heap_per_stream_kib", Bench.round((after.heapMiB() - before.heapMiB()) * 1024 / n));
        if (before.rssMiB() > 0) {
            m.put("relay_rss_before_mib", before.rssMiB());
            m.put("relay_rss_after_mib", after.rssMiB());
            m.put("rss_per_stream_kib", Bench.round((after.rssMiB() - before.rssMiB()) * 1024 / n));
        }
        FanOut loaded = w2FanOut("W4", settings.w4Duration(), false);
        m.put("fanout", loaded);
        for (HttpResponse<InputStream> r : open) {
            r.body().close();
        }
        return m;
    }
}
