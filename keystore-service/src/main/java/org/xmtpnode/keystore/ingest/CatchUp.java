package org.xmtpnode.keystore.ingest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.xmtpnode.core.GroupCatchUp;
import org.xmtpnode.core.Retry;
import org.xmtpnode.core.StoreExport;
import org.xmtpnode.keystore.config.KeystoreProperties;
import org.xmtpnode.proto.internal.ExportPage;
import org.xmtpnode.proto.internal.ExportedEnvelope;

/**
 * Keeps the key directory out of rotation until it holds the network's keys (the {@code catchUp}
 * contributor of the readiness group). If the envelope log no longer holds records this directory
 * never read, it first rebuilds them from its own node's store (which copies what it lacks from a
 * peer before it reports ready): the store's contact and private key topics, through the same checks
 * as the log. Then it waits until its ingest has read the log as far as it reached at start.
 */
@Component("catchUp")
public class CatchUp implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(CatchUp.class);

    private static final List<String> KEY_TOPIC_PREFIXES = List.of("/xmtp/0/contact-", "/xmtp/0/privatestore-");

    private final KeystoreProperties properties;
    private final KeyIngestor ingestor;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile boolean running;
    private volatile boolean caughtUp;
    private Thread thread;

    public CatchUp(KeystoreProperties properties, KeyIngestor ingestor) {
        this.properties = properties;
        this.ingestor = ingestor;
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::run, "catch-up");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long started = System.nanoTime();
        KeystoreProperties.Kafka k = properties.kafka();
        String group = KeyIngestor.groupId(properties.node().id());
        try (Admin admin = GroupCatchUp.admin(k.bootstrapServers())) {
            GroupCatchUp.Snapshot start = GroupCatchUp.snapshotUntilDone(
                    admin,
                    k.topic(),
                    group,
                    () -> running,
                    (e, wait) -> log.warn(
                            "cannot read the envelope log's offsets, retrying in {} ms: {}", wait, e.toString()));
            if (start == null || (start.missingFromLog() && !rebuildFromStore())) {
                return;
            }
            if (GroupCatchUp.awaitReached(
                    admin,
                    group,
                    start,
                    () -> running,
                    (e, wait) ->
                            log.warn("cannot read the ingest's offsets, retrying in {} ms: {}", wait, e.toString()))) {
                caughtUp = true;
                log.info("key directory caught up in {} ms", (System.nanoTime() - started) / 1_000_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // not expected (each Kafka call retries); readiness stays down and says so
            log.error("catch-up failed; this service stays out of rotation", e);
        }
    }

    /** @return false when stopped first */
    private boolean rebuildFromStore() throws InterruptedException {
        URI store = properties.catchUp() == null ? null : properties.catchUp().storeUrl();
        if (store == null || store.toString().isBlank()) {
            log.warn("the envelope log no longer holds part of the history and xmtp.catch-up.store-url is not set:"
                    + " keys published only then are missing from this directory");
            return true;
        }
        log.info("the envelope log no longer holds part of the history: rebuilding keys from the store at {}", store);
        while (running && readiness(store) != 200) {
            Thread.sleep(500); // the store first copies what it lacks
        }
        long n = 0;
        for (String prefix : KEY_TOPIC_PREFIXES) {
            byte[] after = new byte[0];
            while (running) {
                ExportPage page;
                try {
                    page = StoreExport.page(http, store, 1000, prefix, after);
                } catch (IOException e) {
                    log.warn("reading the store failed, retrying: {}", e.toString());
                    Thread.sleep(1000);
                    continue;
                }
                for (ExportedEnvelope e : page.getEnvelopesList()) {
                    if (!Retry.untilDone(
                            () -> running,
                            () -> ingestor.handle(e.getEnvelope()),
                            (err, wait) -> log.warn(
                                    "key directory write failed, retrying in {} ms: {}", wait, err.toString()))) {
                        return false;
                    }
                    n++;
                }
                if (page.getNextAfter().isEmpty()) {
                    break;
                }
                after = page.getNextAfter().toByteArray();
            }
        }
        log.info("rebuilt the key directory from {} key envelopes of the store", n);
        return running;
    }

    private int readiness(URI store) throws InterruptedException {
        try {
            return http.send(
                            HttpRequest.newBuilder(store.resolve("/actuator/health/readiness"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public Health health() {
        return caughtUp ? Health.up().build() : Health.outOfService().build();
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
}
