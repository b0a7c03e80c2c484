package org.xmtpnode.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The suite's warm-up: the JIT of the node's JVMs, sharing the cores, needs one to three minutes under
 * load before the figures mean anything.
 */
final class Warmup extends Workload {

    private final W1Publish w1;

    Warmup(Settings settings, Api api, LoadDriver driver, W1Publish w1) {
        super(settings, api, driver);
        this.w1 = w1;
    }

    /**
     * Waits until the API answers, then publishes (W1's load) and queries at full speed together, in
     * rounds of up to 15 s, until the publish rate stops rising (four rounds in a row less than 5 % above
     * the best) or {@code settings.warmup()} is spent. Two rounds were too few: the JIT compiles the hot paths
     * in waves, and a run once stopped after rounds of 199 and 228/s between two such waves (the rate rose to
     * 765/s in the rounds that followed in another run).
     *
     * @return each round's publish rate
     */
    List<Double> run() throws Exception {
        awaitReady(Duration.ofMinutes(2));
        if (settings.warmup().isZero()) {
            return List.of(); // a target warmed already
        }
        String topic = api.topic("warmup");
        AtomicBoolean done = new AtomicBoolean();
        Thread queries = new Thread(
                () -> {
                    try {
                        driver.closedLoop(4, null, "queries", client -> {
                            if (done.get()) {
                                throw new LoadDriver.Done();
                            }
                            return api.post(
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
                double rate = w1.publish(round, settings.w1Clients()).perSecond();
                System.out.printf(Locale.ROOT, "bench: warm-up round %d: %,.0f publishes/s%n", rates.size() + 1, rate);
                stalled = rate >= 1.05 * best ? 0 : stalled + 1;
                best = Math.max(best, rate);
                rates.add(rate);
                if (stalled == 4 || System.nanoTime() + round.toNanos() > end) {
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
                if (api.post("/message/v1/query", null, body) == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException(api.url() + " did not answer a query within " + max.toSeconds() + " s");
            }
            Thread.sleep(500);
        }
    }
}
