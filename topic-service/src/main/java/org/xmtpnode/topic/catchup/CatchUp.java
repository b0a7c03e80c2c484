package org.xmtpnode.topic.catchup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.xmtpnode.core.GroupCatchUp;
import org.xmtpnode.core.StoreExport;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.internal.ExportPage;
import org.xmtpnode.proto.internal.ExportedEnvelope;
import org.xmtpnode.topic.config.TopicProperties;
import org.xmtpnode.topic.ingest.KafkaIngestor;
import org.xmtpnode.topic.store.EnvelopeStore;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps this store out of rotation until it holds the network's history. At start it notes where the
 * envelope log ends; if the log no longer holds records this node never consumed (retention passed,
 * or {@code deleteRecords}), it first copies the store of a serving peer, found through the
 * bootstrap registry; then it waits until the ingest's committed offsets reach the noted ends.
 * Only then does the {@code catchUp} health contributor, part of the readiness group, report up.
 */
@Component("catchUp")
public class CatchUp implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(CatchUp.class);

    private final TopicProperties properties;
    private final EnvelopeStore store;
    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Counter copied;
    private final AtomicLong behind = new AtomicLong(-1);
    private volatile boolean running;
    private volatile boolean caughtUp;
    private volatile String phase = "starting";
    private Thread thread;

    public CatchUp(TopicProperties properties, EnvelopeStore store, MeterRegistry meters) {
        this.properties = properties;
        this.store = store;
        this.copied = Counter.builder("topic.catchup.envelopes")
                .tag("source", "peer")
                .description("envelopes copied from a peer's store while joining")
                .register(meters);
        meters.gauge("topic.catchup.behind", behind);
        meters.gauge("topic.catchup.done", this, c -> c.caughtUp ? 1 : 0);
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
        TopicProperties.Kafka k = properties.kafka();
        String group = KafkaIngestor.groupId(properties.node().id());
        try (Admin admin = GroupCatchUp.admin(k.bootstrapServers())) {
            GroupCatchUp.Snapshot start = GroupCatchUp.snapshotUntilDone(
                    admin,
                    k.topic(),
                    group,
                    () -> running,
                    (e, wait) -> log.warn(
                            "cannot read the envelope log's offsets, retrying in {} ms: {}", wait, e.toString()));
            if (start == null) {
                return;
            }
            behind.set(start.behind());
            if (start.missingFromLog()) {
                phase = "copying from a peer";
                log.info(
                        "the envelope log no longer holds part of the history this node lacks; copying it from a peer");
                if (!copyFromPeer()) {
                    return;
                }
            }
            phase = "reading the envelope log";
            log.info("catching up: {} records of the envelope log to read", start.behind());
            if (GroupCatchUp.awaitReached(
                    admin,
                    group,
                    start,
                    () -> running,
                    (e, wait) ->
                            log.warn("cannot read the ingest's offsets, retrying in {} ms: {}", wait, e.toString()))) {
                behind.set(0);
                caughtUp = true;
                phase = "caught up";
                log.info("caught up in {} ms: ready to serve queries", (System.nanoTime() - started) / 1_000_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // not expected (each Kafka call retries); readiness stays down and says so
            log.error("catch-up failed; this service stays out of rotation", e);
        }
    }

    /** Copies every page of a serving peer's store; another peer takes over where one fails. */
    private boolean copyFromPeer() throws InterruptedException {
        URI bootstrap = properties.catchUp().bootstrapUrl();
        if (bootstrap == null || bootstrap.toString().isBlank()) {
            log.error("history is missing from the envelope log and xmtp.catch-up.bootstrap-url is not set: "
                    + "this store will lack it (set the URL or restore the log)");
            return true;
        }
        byte[] after = new byte[0];
        long total = 0;
        long backoff = 500;
        while (running) {
            URI peer = null;
            try {
                peer = servingPeerStore(bootstrap);
                if (peer == null) {
                    log.warn("no serving peer listed by {} yet; retrying in {} ms", bootstrap, backoff);
                } else {
                    while (running) {
                        ExportPage page = StoreExport.page(
                                http, peer, properties.catchUp().pageSize(), null, after);
                        insert(page.getEnvelopesList());
                        total += page.getEnvelopesCount();
                        copied.increment(page.getEnvelopesCount());
                        if (page.getNextAfter().isEmpty()) {
                            log.info("copied {} envelopes from {}", total, peer);
                            return true;
                        }
                        after = page.getNextAfter().toByteArray();
                        backoff = 500;
                    }
                    return false;
                }
            } catch (IOException | RuntimeException e) {
                log.warn(
                        "copying from {} failed after {} envelopes, retrying in {} ms: {}",
                        peer,
                        total,
                        backoff,
                        e.toString());
            }
            Thread.sleep(backoff);
            backoff = Math.min(backoff * 2, 5_000);
        }
        return false;
    }

    private URI servingPeerStore(URI bootstrap) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(bootstrap.resolve("/nodes/v1"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("bootstrap answered " + r.statusCode());
        }
        List<URI> candidates = new ArrayList<>();
        for (JsonNode node : json.readTree(r.body()).path("nodes")) {
            if (!node.path("nodeId").asString().equals(properties.node().id())
                    && "serving".equals(node.path("state").asString())
                    && node.path("live").asBoolean()) {
                for (JsonNode url : node.path("storeUrls")) {
                    candidates.add(URI.create(url.asString()));
                }
            }
        }
        return candidates.isEmpty() ? null : candidates.get((int) (Math.random() * candidates.size()));
    }

    private void insert(List<ExportedEnvelope> page) {
        Map<String, List<Envelope>> byOrigin = new HashMap<>();
        for (ExportedEnvelope e : page) {
            byOrigin.computeIfAbsent(e.getOriginNode(), o -> new ArrayList<>()).add(e.getEnvelope());
        }
        byOrigin.forEach((origin, envelopes) -> store.insert(envelopes, origin));
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

    /** Reads offsets through its own admin client, retrying until the ingest has created the topic. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE / 4;
    }
}
