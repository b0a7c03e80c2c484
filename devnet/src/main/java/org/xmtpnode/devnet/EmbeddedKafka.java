package org.xmtpnode.devnet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker (KRaft, combined broker and controller) running inside this JVM from Kafka's own
 * server jars. Its log directory survives a restart when the same folder is given again.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final KafkaRaftServer server;
    private final int port;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /**
     * Formats {@code dataDir} if it is new, then starts the broker on 127.0.0.1:{@code port}
     * (0 picks a free port) and its controller on another free port.
     */
    public static EmbeddedKafka start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
            int brokerPort = port == 0 ? Ports.free() : port;
            Path controllerPortFile = dataDir.resolve("controller.port");
            // the quorum's address is part of the stored metadata: keep the controller port across restarts
            int controllerPort = Files.exists(controllerPortFile)
                    ? Integer.parseInt(Files.readString(controllerPortFile).trim())
                    : Ports.free();
            if (!Ports.isFree(controllerPort)) {
                controllerPort = Ports.free();
            }
            Files.writeString(controllerPortFile, Integer.toString(controllerPort));

            Path logDir = dataDir.resolve("log");
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            props.put("controller.listener.names", "CONTROLLER");
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("log.dirs", logDir.toString());
            props.put("num.partitions", "6");
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "6");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("auto.create.topics.enable", "false");
            // one broker: nobody to hand leadership to, so a controlled shutdown only waits
            props.put("controlled.shutdown.enable", "false");
            // after a restart the controller refuses the broker's registration while the last run's session
            // lives (9 s by default): a short session lets a local broker register again at once
            props.put("broker.heartbeat.interval.ms", "500");
            props.put("broker.session.timeout.ms", "1500");
            // the default cleaner buffer takes 128 MiB of heap; a local broker needs little
            props.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
            props.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
            props.put("log.retention.hours", "168");
            props.put("num.network.threads", "2");
            props.put("num.io.threads", "2");
            props.put("background.threads", "2");

            Path config = dataDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(config)) {
                props.store(out, "written by EmbeddedKafka");
            }
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
                int rc = StorageTool.execute(
                        new String[] {
                            "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--ignore-formatted"
                        },
                        new PrintStream(formatOutput, true, StandardCharsets.UTF_8));
                if (rc != 0) {
                    throw new IllegalStateException("kafka storage format failed: " + formatOutput);
                }
            }
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            log.info("Kafka broker (KRaft) listening on 127.0.0.1:{}, data in {}", brokerPort, dataDir);
            return new EmbeddedKafka(server, brokerPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
    }
}
