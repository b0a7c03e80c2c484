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
    private int kafkaPort;
    private CompletableFuture<EmbeddedKafka> kafkaStart;
    private volatile EmbeddedKafka kafka;
    private Postgres postgres;
    private Redis redis;

    Infrastructure(Options options) {
        this.options = options;
    }

    /**
     * Starts PostgreSQL and Redis, and the broker beside them; returns once PostgreSQL and Redis answer,
     * while the broker may still be starting. The services can start then: their Kafka clients wait for the
     * broker, and their JVMs take longer to get to it than it takes to start. {@link #kafka} waits for it.
     * {@link #close} stops what started (a failure of one stops the others).
     */
    void start() {
        kafkaPort = options.kafkaPort() == 0 ? Ports.free() : options.kafkaPort();
        // on a thread of its own: the common pool may have one thread, which the AOT training runs need
        kafkaStart = CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(kafkaDir(), kafkaPort), task -> {
            Thread thread = new Thread(task, "kafka-broker-start");
            thread.setDaemon(true);
            thread.start();
        });
        postgres = Postgres.embedded(options.dataDir().resolve("postgres"), options.postgresPort());
        started.add(postgres);
        redis = Redis.localOrEmbedded(options.redisPort());
        started.add(redis);
    }

    private Path kafkaDir() {
        return options.dataDir().resolve("kafka");
    }

    /** The broker's address, known before it has started. */
    String kafkaBootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** The broker, once it has started (this waits for it); its start's failure is thrown here. */
    EmbeddedKafka kafka() {
        EmbeddedKafka k = kafka;
        if (k == null) {
            k = awaitKafka();
        }
        return k;
    }

    private synchronized EmbeddedKafka awaitKafka() {
        if (kafka == null) {
            if (kafkaStart == null) {
                throw new IllegalStateException("the broker was not started, or did not start");
            }
            try {
                kafka = kafkaStart.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
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

    /** Stops what {@link #start} started, the last first (the broker once its start has ended). */
    @Override
    public synchronized void close() {
        if (kafkaStart != null) {
            try {
                awaitKafka();
                started.add(0, () -> kafka.close());
            } catch (RuntimeException e) {
                // it did not start: nothing to stop
            }
            kafkaStart = null;
        }
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
