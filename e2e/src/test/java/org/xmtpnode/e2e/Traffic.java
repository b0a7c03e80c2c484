package org.xmtpnode.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Continuous traffic on one topic for fault tests: a publisher that records which envelopes were
 * acknowledged (200) and how every other attempt ended, and a subscriber that records what it
 * receives and, whenever its stream ends, resubscribes and fills the gap with a query from the last
 * sender time it saw (what an app does after a reconnect).
 */
final class Traffic implements AutoCloseable {

    private static final Pattern MESSAGE = Pattern.compile("\"message\":\"([^\"]+)\"");

    final String topic;
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    final Map<Integer, AtomicLong> failures = new ConcurrentHashMap<>();
    final List<String> failureBodies = new CopyOnWriteArrayList<>();
    final Set<String> received = ConcurrentHashMap.newKeySet();
    final AtomicLong slowestFailureMs = new AtomicLong();
    final AtomicLong reconnects = new AtomicLong();
    private final String apiUrl;
    private final String token;
    private volatile boolean publishing = true;
    private volatile boolean subscribing = true;
    private volatile long lastSeenTimeNs;
    private volatile InputStream currentStream;
    private final Thread publisher;
    private final Thread subscriber;

    Traffic(String apiUrl, String token, String topic) {
        this.apiUrl = apiUrl;
        this.token = token;
        this.topic = topic;
        this.subscriber = new Thread(this::subscribeLoop, "traffic-subscriber");
        this.publisher = new Thread(this::publishLoop, "traffic-publisher");
        subscriber.setDaemon(true);
        publisher.setDaemon(true);
        subscriber.start();
        publisher.start();
    }

    private void publishLoop() {
        long n = 0;
        while (publishing) {
            n++;
            String message = "t-" + n;
            String body = Api.publishBody(Api.envelope(topic, n, message.getBytes(StandardCharsets.UTF_8)));
            long start = System.nanoTime();
            try {
                HttpResponse<String> r = Api.HTTP.send(
                        HttpRequest.newBuilder(URI.create(apiUrl + "/message/v1/publish"))
                                .timeout(Duration.ofSeconds(30))
                                .header("Authorization", "Bearer " + token)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    acknowledged.add(message);
                } else {
                    failed(r.statusCode(), r.body(), start);
                }
            } catch (IOException e) {
                failed(-1, e.toString(), start); // the gateway itself was down
            } catch (InterruptedException e) {
                return;
            }
            sleep(20);
        }
    }

    private void failed(int status, String body, long start) {
        failures.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
        if (failureBodies.size() < 50) {
            failureBodies.add(status + " " + body);
        }
        slowestFailureMs.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
    }

    private void subscribeLoop() {
        while (subscribing) {
            try {
                HttpResponse<InputStream> r = Api.HTTP.send(
                        HttpRequest.newBuilder(URI.create(apiUrl + "/message/v1/subscribe"))
                                .POST(HttpRequest.BodyPublishers.ofString("{\"contentTopics\":[\"" + topic + "\"]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                if (r.statusCode() != 200) {
                    r.body().close();
                    sleep(200);
                    continue;
                }
                currentStream = r.body();
                fillGap(); // whatever was published while this client was not subscribed
                try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        record(line);
                    }
                }
            } catch (IOException e) {
                // the stream ended with the connection: resubscribe
            } catch (InterruptedException e) {
                return;
            }
            if (subscribing) {
                reconnects.incrementAndGet();
                sleep(200);
            }
        }
    }

    /** Pages through the topic from the last sender time seen (inclusive), ascending. */
    private void fillGap() throws IOException, InterruptedException {
        String cursor = null;
        do {
            String paging = "{\"limit\":100,\"direction\":\"SORT_DIRECTION_ASCENDING\""
                    + (cursor == null ? "" : ",\"cursor\":" + cursor) + "}";
            HttpResponse<String> r = Api.HTTP.send(
                    HttpRequest.newBuilder(URI.create(apiUrl + "/message/v1/query"))
                            .timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"contentTopics\":[\"" + topic + "\"],\"startTimeNs\":\""
                                            + Math.max(1, lastSeenTimeNs) + "\",\"pagingInfo\":" + paging + "}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return; // the next reconnect tries again
            }
            record(r.body());
            int at = r.body().indexOf("\"cursor\":");
            cursor = at < 0 ? null : r.body().substring(at + 9, r.body().indexOf("},\"direction\"", at) + 1);
        } while (cursor != null);
    }

    private void record(String json) {
        Matcher m = MESSAGE.matcher(json);
        while (m.find()) {
            received.add(new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8));
        }
        Matcher t = Pattern.compile("\"timestampNs\":\"(\\d+)\"").matcher(json);
        while (t.find()) {
            lastSeenTimeNs = Math.max(lastSeenTimeNs, Long.parseLong(t.group(1)));
        }
    }

    void stopPublishing() throws InterruptedException {
        publishing = false;
        publisher.join(60_000);
    }

    List<String> acknowledgedButNotReceived() {
        List<String> missing = new ArrayList<>();
        for (String a : acknowledged) {
            if (!received.contains(a)) {
                missing.add(a);
            }
        }
        return missing;
    }

    @Override
    public void close() throws Exception {
        publishing = false;
        subscribing = false;
        InputStream s = currentStream;
        if (s != null) {
            s.close();
        }
        publisher.join(30_000);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
