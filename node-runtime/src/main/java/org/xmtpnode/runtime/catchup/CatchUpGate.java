package org.xmtpnode.runtime.catchup;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.xmtpnode.runtime.Retry;
import org.xmtpnode.runtime.kafka.KafkaClients;

/**
 * Keeps a service out of rotation until its consumer group holds the network's history. At start it
 * notes where the log ends; if the log no longer holds records the group never consumed (retention
 * passed, or {@code deleteRecords}), the service's {@link GapFiller} first fills them from elsewhere;
 * then it waits until the group's commits reach the noted ends. Register it as the {@code catchUp}
 * contributor of the readiness group: OUT_OF_SERVICE until then.
 */
public final class CatchUpGate implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(CatchUpGate.class);
    private static final Duration LOOK_EVERY = Duration.ofMillis(250);

    /**
     * Fills the history the log no longer holds. Called until it returns normally; a failure is retried
     * with backoff, so an implementation keeps its progress (a cursor) between calls and resumes.
     */
    @FunctionalInterface
    public interface GapFiller {
        void fill(BooleanSupplier keepGoing) throws Exception;
    }

    private final String bootstrapServers;
    private final String topic;
    private final String groupId;
    private final GapFiller filler;
    private final Clock clock;
    private final AtomicLong behind = new AtomicLong(-1);
    private volatile boolean running;
    private volatile boolean caughtUp;
    private volatile String phase = "starting";
    private Thread thread;

    /**
     * @param filler what fills a gap in the log; null when this service has none (a gap is then logged)
     */
    public CatchUpGate(
            String bootstrapServers,
            String topic,
            String groupId,
            GapFiller filler,
            Clock clock,
            MeterRegistry meters) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.groupId = groupId;
        this.filler = filler;
        this.clock = clock;
        Gauge.builder("catchup.behind", behind, AtomicLong::get)
                .description("records of the log the service had to read when it started (0 once caught up)")
                .register(meters);
        Gauge.builder("catchup.done", this, g -> g.caughtUp ? 1 : 0)
                .description("1 once the service has caught up with the log")
                .register(meters);
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::run, "catch-up");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long started = clock.millis();
        BooleanSupplier keepGoing = () -> running;
        try (Admin admin = KafkaClients.admin(bootstrapServers)) {
            GroupOffsets.Snapshot[] start = new GroupOffsets.Snapshot[1];
            if (!Retry.untilDone(
                    keepGoing,
                    () -> start[0] = GroupOffsets.snapshot(admin, topic, groupId),
                    (e, wait) -> failed("cannot read the offsets of " + topic, e, wait))) {
                return;
            }
            behind.set(start[0].behind());
            if (start[0].missingFromLog() && !fillGap(keepGoing)) {
                return;
            }
            phase = "reading " + topic;
            log.info("catching up: {} records of {} to read", start[0].behind(), topic);
            if (Retry.await(
                    keepGoing,
                    () -> start[0].reachedBy(GroupOffsets.committed(admin, groupId)),
                    LOOK_EVERY,
                    (e, wait) -> failed("cannot read the offsets of group " + groupId, e, wait))) {
                behind.set(0);
                caughtUp = true;
                phase = "caught up";
                log.info("caught up with {} in {} ms", topic, clock.millis() - started);
            }
        }
    }

    /** @return false when stopped first */
    private boolean fillGap(BooleanSupplier keepGoing) {
        if (filler == null) {
            log.warn(
                    "{} no longer holds part of the history that group {} never read, and this service has no"
                            + " other source for it: it will lack that history",
                    topic,
                    groupId);
            return true;
        }
        phase = "filling what " + topic + " no longer holds";
        log.info("{} no longer holds part of the history that group {} never read: filling it", topic, groupId);
        return Retry.untilDone(
                keepGoing, () -> filler.fill(keepGoing), (e, wait) -> failed("filling the gap failed", e, wait));
    }

    private void failed(String what, Exception e, long retryInMillis) {
        phase = what;
        log.warn("catch-up: {}, retrying in {} ms: {}", what, retryInMillis, e.toString());
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    @Override
    public Health health() {
        return caughtUp
                ? Health.up().build()
                : Health.outOfService()
                        .withDetail("phase", phase)
                        .withDetail("behind", behind.get())
                        .build();
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the log consumer it waits for (phase 0), before the web server. */
    @Override
    public int getPhase() {
        return 1;
    }
}
