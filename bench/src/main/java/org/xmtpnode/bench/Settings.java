package org.xmtpnode.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Settings; {@link #quick()} is the under-three-minutes smoke run. */
record Settings(
        Duration warmup,
        Duration duration,
        int w1Clients,
        int w1Wallets,
        int messageBytes,
        int w2Subscribers,
        int w2Rate,
        int w3Envelopes,
        int w3Topics,
        int w3Clients,
        int w3BatchSize,
        int w3BatchLimit,
        int w4Streams,
        Duration w4Duration) {

    static Settings full() {
        return new Settings(
                Duration.ofSeconds(240),
                Duration.ofSeconds(30),
                32,
                8,
                1024,
                100,
                1000,
                1_000_000,
                10_000,
                16,
                50,
                10,
                10_000,
                Duration.ofSeconds(20));
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("warmup_s", warmup.toSeconds());
        m.put("duration_s", duration.toSeconds());
        m.put("w1_clients", w1Clients);
        m.put("w1_wallets", w1Wallets);
        m.put("message_bytes", messageBytes);
        m.put("w2_subscribers", w2Subscribers);
        m.put("w2_rate", w2Rate);
        m.put("w3_envelopes", w3Envelopes);
        m.put("w3_topics", w3Topics);
        m.put("w3_clients", w3Clients);
        m.put("w3_batch_size", w3BatchSize);
        m.put("w3_batch_limit", w3BatchLimit);
        m.put("w4_streams", w4Streams);
        m.put("w4_duration_s", w4Duration.toSeconds());
        return m;
    }

    Settings withWarmup(Duration d) {
        return new Settings(
                d,
                duration,
                w1Clients,
                w1Wallets,
                messageBytes,
                w2Subscribers,
                w2Rate,
                w3Envelopes,
                w3Topics,
                w3Clients,
                w3BatchSize,
                w3BatchLimit,
                w4Streams,
                w4Duration);
    }

    static Settings quick() {
        return new Settings(
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                32,
                8,
                1024,
                100,
                1000,
                10_000,
                1_000,
                16,
                50,
                10,
                1_000,
                Duration.ofSeconds(5));
    }
}
