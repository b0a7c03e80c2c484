package org.xmtpnode.bootstrap.registry;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import org.xmtpnode.bootstrap.config.BootstrapProperties;
import org.xmtpnode.core.nodes.NodeRecords;
import org.xmtpnode.proto.internal.NodeRecord;
import org.xmtpnode.runtime.config.NodeProperties;
import org.xmtpnode.runtime.log.LogConsumer;

/**
 * This node's voice in the registry: a signed record every heartbeat interval listing the node's
 * service instances whose readiness probes answer 200 now (so gateways route only to those), saying
 * joining until every service has been ready at once (a node catching up is listed but sent no
 * traffic) and serving from then on, and a last record saying leaving when the node's last replica stops.
 *
 * <p>Only one replica of the node's bootstrap-service announces at a time: the holder of the node's
 * {@link AnnouncerLease}. A replica that takes the lease over carries on from the node's state in the registry
 * (a serving node stays serving), and a holder that stops while another replica runs hands the lease over
 * without a word, so a rolling update or a scale-down never takes the node out of the registry.
 */
@Component
public class Announcer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Announcer.class);

    private final BootstrapProperties properties;
    private final String nodeId;
    private final RegistryLog registryLog;
    private final LogConsumer registryReader;
    private final Clock clock;
    private final NodeKey key;
    private final NodeRegistry registry;
    private final StringRedisTemplate redis;
    private volatile AnnouncerLease lease;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Counter sent;
    private final Counter failed;
    private final String version;
    private ScheduledExecutorService scheduler;
    private volatile boolean running;
    private volatile NodeRecord.State lastState;
    private volatile boolean holding;

    /**
     * @param registry the reader of the registry topic: heartbeats start once it reads (it creates the topic
     *     with compaction; a write first would leave a broker to create it with its own defaults)
     */
    public Announcer(
            BootstrapProperties properties,
            NodeProperties node,
            RegistryLog registryLog,
            LogConsumer registry,
            NodeRegistry nodes,
            StringRedisTemplate redis,
            Clock clock,
            MeterRegistry meters) {
        this.properties = properties;
        this.nodeId = node.id();
        this.registryLog = registryLog;
        this.registryReader = registry;
        this.registry = nodes;
        this.redis = redis;
        this.clock = clock;
        this.key = NodeKey.loadOrCreate(properties.signingKeyFile());
        this.sent =
                Counter.builder("bootstrap.heartbeats").tag("result", "sent").register(meters);
        this.failed =
                Counter.builder("bootstrap.heartbeats").tag("result", "failed").register(meters);
        String v = Announcer.class.getPackage().getImplementationVersion();
        this.version = v == null ? "dev" : v;
        log.info("node {} signs its records with key {}", nodeId, key.publicKeyHex());
    }

    public NodeKey key() {
        return key;
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // the task runs until stop() shuts its scheduler down
    public void start() {
        running = true;
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "announcer");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(
                this::heartbeat, 0, properties.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void heartbeat() {
        boolean caughtUp = registryReader.caughtUp();
        if (lease == null && (lease = lease()) == null) {
            return;
        }
        if (!lease.heartbeat(caughtUp)) {
            if (holding) {
                holding = false;
                log.info("another replica announces node {} now", nodeId);
            }
            return;
        }
        if (!holding) {
            holding = true;
            // a serving node stays serving when another replica takes over its announcements
            lastState = registry.latest(nodeId)
                    .map(NodeRecord::getState)
                    .filter(s -> s == NodeRecord.State.STATE_SERVING)
                    .orElse(lastState);
            log.info("this replica ({}) announces node {}", lease.replica(), nodeId);
        }
        List<String> relays = ready(properties.relayUrls());
        List<String> topics = ready(properties.topicUrls());
        List<String> keystores = ready(properties.keystoreUrls());
        if (lastState != NodeRecord.State.STATE_SERVING
                && !relays.isEmpty()
                && !topics.isEmpty()
                && !keystores.isEmpty()) {
            lastState = NodeRecord.State.STATE_SERVING;
            log.info("every service of node {} is ready: announcing it as serving", nodeId);
        } else if (lastState == null) {
            lastState = NodeRecord.State.STATE_JOINING;
            log.info("announcing node {} as joining until its services are ready", nodeId);
        }
        announce(lastState, relays, topics, keystores);
    }

    /** The node's lease, in the scope of the Kafka cluster its records go to; null while Kafka does not answer. */
    private AnnouncerLease lease() {
        try {
            String cluster = registryLog.clusterId(Duration.ofSeconds(5));
            return new AnnouncerLease(
                    redis, cluster, nodeId, properties.heartbeatInterval().multipliedBy(3));
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Kafka cluster id not known yet, announcing later: {}", e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private List<String> ready(List<URI> instances) {
        List<String> out = new ArrayList<>(instances.size());
        for (URI url : instances) {
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(url.resolve("/actuator/health/readiness"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    out.add(url.toString());
                }
            } catch (IOException e) {
                // not answering: not listed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return out;
            }
        }
        return out;
    }

    private void announce(NodeRecord.State state, List<String> relays, List<String> topics, List<String> keystores) {
        NodeRecord record = NodeRecord.newBuilder()
                .setNodeId(nodeId)
                .setPublicUrl(properties.publicUrl().toString())
                .setRegion(properties.region())
                .setVersion(version)
                .addAllRelayUrls(relays)
                .addAllTopicUrls(topics)
                .addAllKeystoreUrls(keystores)
                .setSigningKey(ByteString.copyFrom(key.publicKey()))
                .setIssuedAtNs(clock.millis() * 1_000_000L)
                .setState(state)
                .build();
        try {
            registryLog.write(nodeId, NodeRecords.sign(record, key.privateKey()), Duration.ofSeconds(5));
            sent.increment();
        } catch (Exception e) {
            failed.increment();
            log.warn("heartbeat of node {} not written: {}", nodeId, e.toString());
        }
    }

    /**
     * Gives the lease up. The node's last replica says goodbye, so the node drops out at once instead of after
     * the liveness TTL; with another replica running, that one takes over at its next heartbeat.
     */
    @Override
    public void stop() {
        running = false;
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (lease == null) {
            return; // never announced
        }
        switch (lease.release()) {
            case LAST_REPLICA -> {
                announce(NodeRecord.State.STATE_LEAVING, List.of(), List.of(), List.of());
                log.info("node {} announced that it is leaving", nodeId);
            }
            case HANDED_OVER -> log.info("another replica of node {} takes over its announcements", nodeId);
            case UNKNOWN -> log.info("node {} drops out of the registry within the liveness TTL", nodeId);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts after the registry reader (phase 0), stops before it: the last record says leaving. */
    @Override
    public int getPhase() {
        return 1;
    }
}
