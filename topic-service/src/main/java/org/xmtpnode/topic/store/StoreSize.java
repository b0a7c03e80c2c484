package org.xmtpnode.topic.store;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * The gauge {@code topic.store.bytes}: the envelope table's size on disk, indexes included. Read at most
 * every {@value #EVERY_SECONDS} s however often the metrics are scraped; -1 while the database does not
 * answer (a gauge must not throw).
 */
@Component
public class StoreSize {

    static final long EVERY_SECONDS = 10;

    private final EnvelopeStore store;
    private final Clock clock;
    private Instant readAt = Instant.MIN;
    private long bytes = -1;

    public StoreSize(EnvelopeStore store, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.clock = clock;
        Gauge.builder("topic.store.bytes", this, StoreSize::bytes)
                .description("the envelope table's size with its indexes, read every " + EVERY_SECONDS + " s")
                .register(meters);
    }

    synchronized long bytes() {
        Instant now = clock.instant();
        if (Duration.between(readAt, now).getSeconds() >= EVERY_SECONDS) {
            readAt = now;
            try {
                bytes = store.sizeBytes();
            } catch (RuntimeException e) {
                bytes = -1;
            }
        }
        return bytes;
    }
}
