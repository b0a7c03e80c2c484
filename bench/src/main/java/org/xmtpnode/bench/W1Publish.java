package org.xmtpnode.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** W1, publish throughput: closed-loop clients, one envelope per publish, with their wallets' auth tokens. */
final class W1Publish extends Workload {

    W1Publish(Settings settings, Api api, LoadDriver driver) {
        super(settings, api, driver);
    }

    Result run() throws Exception {
        System.out.println(
                "bench: W1 publish throughput for " + settings.duration().toSeconds() + " s");
        return publish(settings.duration(), settings.w1Clients());
    }

    /**
     * Each client publishes one envelope at a time, as fast as it is answered; a refused publish is
     * counted, not timed.
     */
    Result publish(Duration duration, int clients) throws Exception {
        AtomicLong failures = new AtomicLong();
        long[] sequence = new long[clients];
        Result r = driver.closedLoop(
                clients,
                duration,
                "envelopes",
                client -> {
                    String topic = api.topic("w1-" + client);
                    String body = "{\"envelopes\":["
                            + Api.envelope(
                                    topic,
                                    driver.nowEpochNs(),
                                    Api.message(settings.messageBytes(), ++sequence[client]))
                            + "]}";
                    try {
                        if (api.post("/message/v1/publish", api.token(client), body) == 200) {
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
}
