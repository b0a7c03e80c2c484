package org.xmtpnode.devnet;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What fault tests do to a running network: stop the Kafka broker or PostgreSQL and start it again
 * (the services see it vanish and come back), crash or stop every service of one node.
 */
final class FaultControls {

    private static final Logger log = LoggerFactory.getLogger(FaultControls.class);

    private final Infrastructure infrastructure;
    private final Supervisor services;
    private final List<String> nodeIds;

    /** {@code nodeIds}: the network's node ids, in node order, as they grow. */
    FaultControls(Infrastructure infrastructure, Supervisor services, List<String> nodeIds) {
        this.infrastructure = infrastructure;
        this.services = services;
        this.nodeIds = nodeIds;
    }

    /**
     * Stops every service of one node at once: SIGKILL (a crash: nothing is flushed, the node does not
     * say it is leaving) or SIGTERM (a graceful stop), each killed if it still runs after 60 s. Its
     * data stays.
     */
    void stopNode(int node, boolean kill) {
        services.stop(services.running(p -> p.instance().node() == node), kill, Duration.ofSeconds(60));
        log.info("node {} stopped ({})", nodeIds.get(node), kill ? "SIGKILL" : "SIGTERM");
    }

    synchronized void stopKafka() {
        infrastructure.kafka().close();
    }

    /** Starts the broker again on the same port, with the same log. */
    synchronized void startKafka() {
        infrastructure.restartKafka();
    }

    /** Stops the embedded PostgreSQL; {@link #startPostgres} brings it back on the same port and data. */
    void stopPostgres() {
        infrastructure.postgres().stop();
    }

    void startPostgres() {
        infrastructure.postgres().start();
    }
}
