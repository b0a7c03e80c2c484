package org.xmtpnode.devnet;

import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpnode.devnet.Devnet.Options;
import org.xmtpnode.devnet.Devnet.Service;

/**
 * {@code bin/devnet}: reads its options, starts the local network, prints the ready line, and runs until
 * Ctrl-C (which stops everything) or until a service exits (which stops everything too, exit code 1).
 */
public final class DevnetCommand {

    private static final Logger log = LoggerFactory.getLogger(DevnetCommand.class);

    private DevnetCommand() {}

    public static void main(String[] args) {
        Options options = parse(args, Options.defaults(Path.of("").toAbsolutePath()));
        long started = System.nanoTime();
        Devnet devnet = new Devnet(options);
        // before the start: a Ctrl-C while services are starting says so; the network's own hook stops the services
        // already running, and close() returns once they have stopped, whichever hook began it
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("devnet: stopping…");
                            devnet.close();
                            System.out.println("devnet: stopped");
                        },
                        "devnet-shutdown"));
        try {
            devnet.startAll();
        } catch (RuntimeException e) {
            log.error("devnet failed to start: {}", e.getMessage());
            System.exit(1);
            return;
        }
        System.out.printf(
                Locale.ROOT,
                "devnet ready in %.1f s: %s behind the XMTP API at http://127.0.0.1:%d (gRPC on port %d), ops console"
                        + " at %s/ops/,"
                        + " admin and metrics at %s (logs in %s, Ctrl-C stops)%n",
                (System.nanoTime() - started) / 1e9,
                devnet.nodeIds(),
                devnet.gatewayPort(),
                devnet.grpcPort(),
                devnet.gatewayManagementUrl(),
                devnet.gatewayManagementUrl(),
                options.dataDir().resolve("logs"));
        devnet.awaitAnyExit();
        if (devnet.closing()) {
            return; // Ctrl-C: the services exit because the shutdown hook stops them
        }
        log.error(
                "a service exited; stopping the devnet (see its log in {})",
                options.dataDir().resolve("logs"));
        System.exit(1);
    }

    /** {@code bin/devnet}'s options over the defaults {@code d}. */
    static Options parse(String[] args, Options d) {
        Path dataDir = d.dataDir();
        int gatewayPort = d.gatewayPort();
        String nodeId = d.nodeId();
        int nodes = d.nodes();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--data-dir" -> dataDir = Path.of(args[++i]).toAbsolutePath();
                case "--port" -> gatewayPort = Integer.parseInt(args[++i]);
                case "--node-id" -> nodeId = args[++i];
                case "--nodes" -> {
                    nodes = Integer.parseInt(args[++i]);
                    if (nodes < 1 || nodes > 9) {
                        throw new IllegalArgumentException("--nodes takes 1 to 9");
                    }
                }
                case "--no-rate-limits" -> d = d.withArgs(Service.GATEWAY, "--xmtp.gateway.rate-limits.enabled=false");
                case "-h", "--help" -> {
                    System.out.println(
                            "usage: bin/devnet [--nodes 1] [--port 5555] [--data-dir .devnet] [--node-id node-1]"
                                    + " [--no-rate-limits]");
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("unknown option " + a + " (try --help)");
            }
        }
        return d.with(dataDir, gatewayPort, nodeId, nodes, d.serviceArgs());
    }
}
