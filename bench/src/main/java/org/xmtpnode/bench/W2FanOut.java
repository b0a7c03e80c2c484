package org.xmtpnode.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * W2, publish-to-stream latency: subscribers streaming through the gateway, one topic each, and
 * publishing paced at a fixed rate over all topics; then the same rate through bare Kafka (the floor).
 */
final class W2FanOut extends Workload {

    private static final Pattern TIMESTAMP = Pattern.compile("\"timestampNs\":\"(\\d+)\"");

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

    private final KafkaFloor floor;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** {@code floor}: null when the target's broker is not known. */
    W2FanOut(Settings settings, Api api, LoadDriver driver, KafkaFloor floor) {
        super(settings, api, driver);
        this.floor = floor;
    }

    /** An unrecorded pass before a measured one: 15 s, or half the suite's warm-up when that is shorter. */
    Duration warmupPass() {
        Duration half = settings.warmup().dividedBy(2);
        return half.compareTo(Duration.ofSeconds(15)) < 0 ? half : Duration.ofSeconds(15);
    }

    FanOut run(String label) throws Exception {
        return run(label, settings.duration(), true);
    }

    /**
     * {@code subscribers} streams through the gateway, one topic each; publishing paced at the rate
     * over all topics. Latency runs from each envelope's intended send time (its timestamp), so a
     * stalled sender does not hide the delay it causes. Then, {@code withFloor}, the Kafka floor.
     */
    FanOut run(String label, Duration duration, boolean withFloor) throws Exception {
        System.out.println("bench: " + label + " fan-out for " + duration.toSeconds() + " s");
        int subs = settings.w2Subscribers();
        LoadDriver.Arrivals latency = driver.arrivals(Duration.ofSeconds(2)); // the first 2 s warm the path
        AtomicLong delivered = new AtomicLong();
        List<InputStream> streams = new ArrayList<>();
        String name = label.toLowerCase(Locale.ROOT) + "-";
        for (int i = 0; i < subs; i++) {
            HttpResponse<InputStream> r = http.send(
                    HttpRequest.newBuilder(URI.create(api.url() + "/message/v1/subscribe"))
                            .header("Content-Type", "text/plain;charset=UTF-8")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"contentTopics\":[\"" + api.topic(name + i) + "\"]}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            Api.check(r.statusCode(), "subscribe");
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
                                long now = driver.nowEpochNs();
                                Matcher m = TIMESTAMP.matcher(line);
                                if (m.find()) {
                                    delivered.incrementAndGet();
                                    latency.record(Long.parseLong(m.group(1)), now);
                                }
                            }
                        } catch (IOException e) {
                            // closed
                        }
                    },
                    "w2-reader-" + i);
            reader.setDaemon(true);
            reader.start();
        }
        long sent = publish(name, subs, duration);
        Thread.sleep(1000); // stragglers
        for (InputStream s : streams) {
            s.close();
        }
        Result node = latency.result(duration, "envelopes");
        Result bare = floor == null || !withFloor ? null : floor.run(duration);
        return new FanOut(node, bare, sent, delivered.get());
    }

    /** Senders at the rate in total; each envelope's timestamp is its intended send time. */
    private long publish(String name, int topics, Duration duration) throws InterruptedException {
        int senders = Math.max(16, settings.w2Rate() / 16); // each may take ~60 ms and still keep the pace
        return driver.paced("w2-sender", senders, settings.w2Rate(), duration, (sender, i, intended) -> {
                    String envelope = Api.envelope(
                            api.topic(name + (i % topics)), intended, Api.message(settings.messageBytes(), i));
                    try {
                        return api.post("/message/v1/publish", api.token(sender), "{\"envelopes\":[" + envelope + "]}")
                                == 200;
                    } catch (IOException e) {
                        return false; // counted as not sent
                    }
                })
                .join();
    }
}
