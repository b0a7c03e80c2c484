package org.xmtpnode.bench;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** W4, idle streams straight to one relay: its heap and RSS before and after, then W2 with them open. */
final class W4IdleStreams extends Workload {

    /** The relay's memory before and after the streams opened, and W2's figures with them open. */
    record Streams(Map<String, Object> memory, W2FanOut.FanOut fanOut) {}

    private final Bench.Target target;
    private final W2FanOut w2;

    W4IdleStreams(Settings settings, Api api, LoadDriver driver, Bench.Target target, W2FanOut w2) {
        super(settings, api, driver);
        this.target = target;
        this.w2 = w2;
    }

    Streams run() throws Exception {
        int n = settings.w4Streams();
        System.out.printf("bench: W4 opening %,d idle streams on %s%n", n, target.relayUrl());
        Footprint.Probe relay = Footprint.Probe.of(target);
        Footprint.Sample before = relay.sample();
        HttpClient streamsClient = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        List<HttpResponse<InputStream>> open = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i += 200) {
            List<CompletableFuture<HttpResponse<InputStream>>> wave = new ArrayList<>();
            for (int j = i; j < Math.min(n, i + 200); j++) {
                wave.add(streamsClient.sendAsync(
                        HttpRequest.newBuilder(URI.create(target.relayUrl() + "/message/v1/subscribe"))
                                .header("Content-Type", "text/plain;charset=UTF-8")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"contentTopics\":[\"" + api.topic("idle-" + j) + "\"]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream()));
            }
            for (CompletableFuture<HttpResponse<InputStream>> f : wave) {
                HttpResponse<InputStream> r = f.get(60, TimeUnit.SECONDS);
                Api.check(r.statusCode(), "subscribe");
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
        // the measured pass starts once the relay has settled: right after the streams opened and the heap's full
        // collection above, its young collections still promote their state (pauses of 100-380 ms here), which is
        // the opening's cost, not that of streams that are open
        if (!w2.warmupPass().isZero()) {
            w2.run("W4 warm-up", w2.warmupPass(), false);
        }
        W2FanOut.FanOut loaded = w2.run("W4", settings.w4Duration(), false);
        for (HttpResponse<InputStream> r : open) {
            r.body().close();
        }
        return new Streams(m, loaded);
    }
}
