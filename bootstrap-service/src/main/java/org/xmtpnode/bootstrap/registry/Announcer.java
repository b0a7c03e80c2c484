package org.xmtpnode.bootstrap.registry;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.xmtpnode.bootstrap.config.BootstrapProperties;
import org.xmtpnode.core.nodes.NodeRecords;
import org.xmtpnode.proto.internal.NodeRecord;

/**
 * This node's voice in the registry: a signed record every heartbeat interval listing the node's
 * service instances whose readiness probes answer 200 now (so gateways route only to those), saying
 * joining until every service has been ready at once (a node catching up is listed but sent no
 * traffic) and serving from then on, and a last record saying leaving on shutdown.
 */
@Component
public class Announcer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Announcer.class);

    private final BootstrapProperties properties;
    private final RegistryLog registryLog;
    private final NodeKey key;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Counter sent;
    private final Counter failed;
    private final String version;
    private ScheduledExecutorService scheduler;
    private volatile boolean running;
    private volatile NodeRecord.State lastState;

    public Announcer(BootstrapProperties properties, RegistryLog registryLog, MeterRegistry meters) {
        this.properties = properties;
        this.registryLog = registryLog;
        this.key = NodeKey.loadOrCreate(properties.node().signingKeyFile());
        this.sent =
                Counter.builder("bootstrap.heartbeats").tag("result", "sent").register(meters);
        this.failed =
                Counter.builder("bootstrap.heartbeats").tag("result", "failed").register(meters);
        String v = Announcer.class.getPackage().getImplementationVersion();
        this.version = v == null ? "dev" : v;
        log.info("node {} signs its records with key {}", properties.node().id(), key.publicKeyHex());
    }

    public NodeKey key() {
        return key;
    }

    @Override
    public void start() {
        running = true;
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "announcer");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(
                this::heartbeat, 0, properties.bootstrap().heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void heartbeat() {
        BootstrapProperties.Node n = properties.node();
        List<String> relays = ready(n.relayUrls());
        List<String> stores = ready(n.storeUrls());
        List<String> keys = ready(n.keysUrls());
        if (lastState != NodeRecord.State.STATE_SERVING && !relays.isEmpty() && !stores.isEmpty() && !keys.isEmpty()) {
            lastState = NodeRecord.State.STATE_SERVING;
            log.info("every service of node {} is ready: announcing it as serving", n.id());
        } else if (lastState == null) {
            lastState = NodeRecord.State.STATE_JOINING;
            log.info("announcing node {} as joining until its services are ready", n.id());
        }
        announce(lastState, relays, stores, keys);
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

    private void announce(NodeRecord.State state, List<String> relays, List<String> stores, List<String> keys) {
        BootstrapProperties.Node n = properties.node();
        NodeRecord record = NodeRecord.newBuilder()
                .setNodeId(n.id())
                .setPublicUrl(n.publicUrl().toString())
                .setRegion(n.region())
                .setVersion(version)
                .addAllRelayUrls(relays)
                .addAllStoreUrls(stores)
                .addAllKeysUrls(keys)
                .setSigningKey(ByteString.copyFrom(key.publicKey()))
                .setIssuedAtNs(System.currentTimeMillis() * 1_000_000L)
                .setState(state)
                .build();
        try {
            registryLog.write(n.id(), NodeRecords.sign(record, key.privateKey()), Duration.ofSeconds(5));
            sent.increment();
        } catch (Exception e) {
            failed.increment();
            log.warn("heartbeat of node {} not written: {}", n.id(), e.toString());
        }
    }

    /** Says goodbye so the node drops out at once instead of after the liveness TTL. */
    @Override
    public void stop() {
        running = false;
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        announce(NodeRecord.State.STATE_LEAVING, List.of(), List.of(), List.of());
        log.info("node {} announced that it is leaving", properties.node().id());
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts after the registry reader, stops before it. */
    @Override
    public int getPhase() {
        return 1;
    }
}
