package org.xmtpnode.devnet;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.xmtpnode.devnet.Devnet.Options;
import org.xmtpnode.devnet.Devnet.Service;

/**
 * Where the parts of the local network live: which services a node has, their ports, databases and
 * URLs, and the {@code --key=value} arguments each service gets. The one place that knows the property
 * names the services read. It only plans: {@link Devnet} creates the databases and starts the services.
 */
final class NodeLayout {

    /** One node as planned: its id, the databases it needs, its bootstrap URL, its services in start order. */
    record Node(String id, List<String> databases, String bootstrapUrl, List<ServiceInstance> services) {}

    private final Options options;
    private final String kafkaBootstrapServers;
    private final Postgres postgres;
    private final int redisPort;
    private final int gatewayPort;
    private final int gatewayManagementPort;
    private final int gatewayGrpcPort;

    /**
     * Chooses the gateway's ports: the given one for the REST API (5555), the next for gRPC (5556, the
     * reference node's), two above it for management (5557), or free ones for 0.
     */
    NodeLayout(Options options, String kafkaBootstrapServers, Postgres postgres, int redisPort) {
        this.options = options;
        this.kafkaBootstrapServers = kafkaBootstrapServers;
        this.postgres = postgres;
        this.redisPort = redisPort;
        this.gatewayPort = options.gatewayPort() == 0 ? Ports.free() : options.gatewayPort();
        this.gatewayManagementPort = options.gatewayPort() == 0 ? Ports.free() : options.gatewayPort() + 2;
        this.gatewayGrpcPort = options.gatewayPort() == 0 ? Ports.free() : options.gatewayPort() + 1;
    }

    /** A base URL on the loopback interface, e.g. {@code http://127.0.0.1:41234}. */
    static String url(int port) {
        return "http://127.0.0.1:" + port;
    }

    int gatewayPort() {
        return gatewayPort;
    }

    int gatewayManagementPort() {
        return gatewayManagementPort;
    }

    int gatewayGrpcPort() {
        return gatewayGrpcPort;
    }

    /** The gateway's {@code routing} health group: ready once it routes to a node; lists the serving nodes. */
    URI gatewayRouting() {
        return URI.create(url(gatewayManagementPort) + "/actuator/health/routing");
    }

    /** The id of node {@code n}: the configured one for the first, {@code node-2}, {@code node-3}… after. */
    String nodeId(int n) {
        return n == 0 ? options.nodeId() : "node-" + (n + 1);
    }

    /** The database of node {@code n}'s envelope store. */
    static String storeDatabase(int n) {
        return "xmtp" + databaseSuffix(n);
    }

    private static String keystoreDatabase(int n) {
        return "xmtp_keystore" + databaseSuffix(n);
    }

    private static String databaseSuffix(int n) {
        return n == 0 ? "" : "_node_" + (n + 1);
    }

    /** Node {@code n}: topic, keystore, the relays and bootstrap, each on a free port. */
    Node node(int n) {
        String id = nodeId(n);
        String nameSuffix = n == 0 ? "" : "." + id;
        int topicPort = Ports.free();
        int keystorePort = Ports.free();
        int bootstrapPort = Ports.free();
        List<Integer> relayPorts = new ArrayList<>();
        for (int i = 0; i < Math.max(1, options.relays()); i++) {
            relayPorts.add(Ports.free());
        }
        List<String> common =
                List.of("--xmtp.node.id=" + id, "--xmtp.kafka.bootstrap-servers=" + kafkaBootstrapServers);
        String topicUrl = url(topicPort);
        String bootstrapUrl = url(bootstrapPort);
        List<ServiceInstance> services = new ArrayList<>();
        services.add(instance(
                Service.TOPIC,
                n,
                nameSuffix,
                topicPort,
                args(
                        common,
                        datasource(storeDatabase(n)),
                        List.of("--xmtp.topic.catch-up.bootstrap-url=" + bootstrapUrl))));
        services.add(instance(
                Service.KEYSTORE,
                n,
                nameSuffix,
                keystorePort,
                args(
                        common,
                        datasource(keystoreDatabase(n)),
                        List.of("--xmtp.keystore.topic-url=" + topicUrl, redis()))));
        List<String> relayUrls = new ArrayList<>();
        for (int i = 0; i < relayPorts.size(); i++) {
            services.add(instance(
                    Service.RELAY,
                    n,
                    (i == 0 ? "" : "-" + (i + 1)) + nameSuffix,
                    relayPorts.get(i),
                    args(common, List.of("--xmtp.relay.topic-url=" + topicUrl))));
            relayUrls.add(url(relayPorts.get(i)));
        }
        services.add(instance(
                Service.BOOTSTRAP,
                n,
                nameSuffix,
                bootstrapPort,
                args(
                        common,
                        List.of(
                                "--xmtp.bootstrap.public-url=" + url(gatewayPort),
                                "--xmtp.bootstrap.region=local",
                                "--xmtp.bootstrap.relay-urls=" + String.join(",", relayUrls),
                                "--xmtp.bootstrap.topic-urls=" + topicUrl,
                                "--xmtp.bootstrap.keystore-urls=" + url(keystorePort),
                                "--xmtp.bootstrap.signing-key-file="
                                        + options.dataDir().resolve("keys").resolve(id + ".hex"),
                                "--xmtp.bootstrap.heartbeat-interval=1s",
                                redis()))));
        return new Node(id, List.of(storeDatabase(n), keystoreDatabase(n)), bootstrapUrl, services);
    }

    /** The gateway, in front of every node: it finds them through their bootstrap services. */
    ServiceInstance gateway(List<String> bootstrapUrls) {
        List<String> args = List.of(
                "--server.address=127.0.0.1",
                "--xmtp.gateway.bootstrap-urls=" + String.join(",", bootstrapUrls),
                "--xmtp.gateway.discovery-interval=1s",
                "--management.server.port=" + gatewayManagementPort,
                "--xmtp.gateway.grpc.port=" + gatewayGrpcPort,
                "--xmtp.gateway.grpc.address=127.0.0.1",
                redis());
        return instance(Service.GATEWAY, -1, Service.GATEWAY.module, gatewayPort, gatewayRouting(), args);
    }

    private ServiceInstance instance(Service service, int node, String nameSuffix, int port, List<String> args) {
        URI readiness = URI.create(url(port) + "/actuator/health/readiness");
        return instance(service, node, service.module + nameSuffix, port, readiness, args);
    }

    /**
     * Its arguments: {@code --server.port}, the layout's, the extra ones {@link Options} gives the service,
     * then those of the faults {@link Options#withFault} gives this instance.
     */
    private ServiceInstance instance(
            Service service, int node, String name, int port, URI readiness, List<String> args) {
        List<String> faults = options.faults().get(name);
        List<String> all = args(
                List.of("--server.port=" + port),
                args,
                options.serviceArgs().getOrDefault(service, List.of()),
                faults == null ? List.of() : faults);
        return new ServiceInstance(service, node, name, port, readiness, all, faults != null);
    }

    private List<String> datasource(String database) {
        return List.of(
                "--spring.datasource.url=" + postgres.jdbcUrl(database),
                "--spring.datasource.username=" + postgres.user());
    }

    private String redis() {
        return "--spring.data.redis.port=" + redisPort;
    }

    @SafeVarargs
    private static List<String> args(List<String>... parts) {
        return Stream.of(parts).flatMap(List::stream).toList();
    }
}
