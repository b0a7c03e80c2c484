package org.xmtpnode.devnet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpnode.devnet.Devnet.Options;

/**
 * The servers the services need, run inside this JVM: a KRaft Kafka broker and PostgreSQL with their
 * data under the data folder, and Redis (the local server if one answers, else an embedded one).
 */
final class Infrastructure implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Infrastructure.class);

    private final Options options;
    private final List<AutoCloseable> started = new ArrayList<>();
    private volatile EmbeddedKafka kafka;
    private Postgres postgres;
    private Redis redis;

    Infrastructure(Options options) {
        this.options = options;
    }

    /**
     * Starts the broker and PostgreSQL side by side, then Redis; {@link #close} stops what started (a failure
     * of one stops the others).
     */
    void start() {
        CompletableFuture<Postgres> pg = CompletableFuture.supplyAsync(
                () -> Postgres.embedded(options.dataDir().resolve("postgres"), options.postgresPort()));
        try {
            kafka = EmbeddedKafka.start(kafkaDir(), options.kafkaPort());
            started.add(() -> kafka.close());
        } finally {
            try {
                postgres = pg.join();
                started.add(postgres);
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        redis = Redis.localOrEmbedded(options.redisPort());
        started.add(redis);
    }

    private Path kafkaDir() {
        return options.dataDir().resolve("kafka");
    }

    EmbeddedKafka kafka() {
        return kafka;
    }

    /** Starts the broker again (after it was closed) on the same port, with the same log. */
    synchronized void restartKafka() {
        kafka = EmbeddedKafka.start(kafkaDir(), kafka.port());
    }

    Postgres postgres() {
        return postgres;
    }

    Redis redis() {
        return redis;
    }

    /** Stops what {@link #start} started, the last first. */
    @Override
    public synchronized void close() {
        Collections.reverse(started);
        for (AutoCloseable c : started) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("{} did not stop cleanly: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
        started.clear();
    }
}
