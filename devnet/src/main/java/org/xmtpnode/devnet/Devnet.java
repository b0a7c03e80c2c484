package org.xmtpnode.devnet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The local network: real infrastructure in this JVM (a KRaft Kafka broker, an embedded PostgreSQL,
 * and Redis: the local server if one answers, else an embedded one) and each service as its own JVM
 * from the jars the build made, the gateway on 127.0.0.1:5555.
 *
 * <p>What tests and the benchmark hold: it plans the nodes with {@link NodeLayout}, runs the services
 * with a {@link Supervisor}, and breaks things through {@link FaultControls}. {@code bin/devnet} runs
 * it through {@link DevnetCommand}; data stays under {@code .devnet/} so a restart keeps history.
 */
public final class Devnet implements AutoCloseable {

    /** The services in start order; each is one Spring Boot application. */
    public enum Service {
        TOPIC("topic-service"),
        KEYSTORE("keystore-service"),
        RELAY("relay-service"),
        BOOTSTRAP("bootstrap-service"),
        GATEWAY("gateway-service");

        final String module;

        Service(String module) {
            this.module = module;
        }
    }

    /** What to start and where. */
    public record Options(
            Path root,
            Path dataDir,
            int gatewayPort,
            int kafkaPort,
            int postgresPort,
            int redisPort,
            String nodeId,
            int nodes,
            int relays,
            List<String> jvmOptions,
            Map<Service, List<String>> serviceArgs,
            Map<String, List<String>> faults) {

        public static Options defaults(Path root) {
            List<String> jvm = List.of(
                    "-Xms64m",
                    "-Xmx512m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+ExitOnOutOfMemoryError");
            return new Options(
                    root, root.resolve(".devnet"), 5555, 19092, 15432, 6379, "node-1", 1, 1, jvm, Map.of(), Map.of());
        }

        /**
         * Every port chosen free, the services with the JIT's full optimisation (as in production), for
         * benchmarks: one node, one relay.
         */
        public static Options benchmark(Path root, Path dataDir) {
            // a small initial heap, grown under load: 290 MiB less for the node at rest, the same throughput
            List<String> jvm = List.of("-Xms64m", "-Xmx1g", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");
            return new Options(root, dataDir, 0, 0, 0, 6379, "node-1", 1, 1, jvm, Map.of(), Map.of());
        }

        /**
         * Every port chosen free, data in {@code dataDir}: for tests that must not clash with a running
         * devnet. One node; {@code relays} relay instances share its store, the gateway balances over them.
         */
        public static Options ephemeral(Path root, Path dataDir, int relays) {
            // tests: a quick start (C1 only) over peak speed
            List<String> jvm = List.of(
                    "-Xms64m",
                    "-Xmx384m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+ExitOnOutOfMemoryError");
            return new Options(root, dataDir, 0, 0, 0, 6379, "node-1", 1, relays, jvm, Map.of(), Map.of());
        }

        /** The same with {@code n} nodes behind the one gateway. */
        public Options withNodes(int n) {
            return with(dataDir, gatewayPort, nodeId, n, serviceArgs);
        }

        /** The same with extra {@code --key=value} arguments for one service. */
        public Options withArgs(Service service, String... args) {
            Map<Service, List<String>> all = new EnumMap<>(Service.class);
            all.putAll(serviceArgs);
            List<String> more = new ArrayList<>(all.getOrDefault(service, List.of()));
            Collections.addAll(more, args);
            all.put(service, more);
            return with(dataDir, gatewayPort, nodeId, nodes, all);
        }

        /**
         * The same with the fault-injection jar (the {@code faults} module, for tests only) on one instance's
         * class path, and the arguments that switch its faults on (e.g.
         * {@code --xmtp.faults.crash-after-store-topic=…}).
         *
         * @param instanceName the instance's name, as its log file is named: {@code relay-service},
         *     {@code relay-service-2} for the first node's second relay, {@code relay-service.node-2} …
         */
        public Options withFault(String instanceName, String... args) {
            Map<String, List<String>> all = new HashMap<>(faults);
            all.put(instanceName, List.of(args));
            return with(dataDir, gatewayPort, nodeId, nodes, serviceArgs, Map.copyOf(all));
        }

        /** The same with what {@code bin/devnet}'s options and the methods above change. */
        Options with(Path dataDir, int gatewayPort, String nodeId, int nodes, Map<Service, List<String>> serviceArgs) {
            return with(dataDir, gatewayPort, nodeId, nodes, serviceArgs, faults);
        }

        private Options with(
                Path dataDir,
                int gatewayPort,
                String nodeId,
                int nodes,
                Map<Service, List<String>> serviceArgs,
                Map<String, List<String>> faults) {
            return new Options(
                    root,
                    dataDir,
                    gatewayPort,
                    kafkaPort,
                    postgresPort,
                    redisPort,
                    nodeId,
                    nodes,
                    relays,
                    jvmOptions,
                    serviceArgs,
                    faults);
        }
    }

    private final Options options;
    private final Infrastructure infrastructure;
    private final Supervisor services;
    private final List<String> nodeIds = new CopyOnWriteArrayList<>();
    private final FaultControls faults;
    /** Stops the network when the JVM exits without closing it (a SIGTERM to {@code bin/bench}, a killed test JVM). */
    private final Thread onExit = new Thread(this::close, "devnet-exit");

    private volatile boolean closed;
    private volatile NodeLayout layout;
    private volatile GatewayRouting routing;

    Devnet(Options options) {
        this.options = options;
        this.infrastructure = new Infrastructure(options);
        this.services = new Supervisor(options);
        this.faults = new FaultControls(infrastructure, services, Collections.unmodifiableList(nodeIds));
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** Starts the infrastructure and the services and waits until every service is ready. */
    public static Devnet start(Options options) {
        Devnet devnet = new Devnet(options);
        try {
            devnet.startAll();
            return devnet;
        } catch (RuntimeException e) {
            devnet.close();
            throw e;
        }
    }

    void startAll() {
        infrastructure.start();
        layout = new NodeLayout(
                options,
                infrastructure.kafka().bootstrapServers(),
                infrastructure.postgres(),
                infrastructure.redis().port());
        routing = new GatewayRouting(layout.gatewayRouting());
        List<NodeLayout.Node> nodes = new ArrayList<>();
        for (int n = 0; n < Math.max(1, options.nodes()); n++) {
            nodes.add(planNode(n));
        }
        ServiceInstance gateway =
                layout.gateway(nodes.stream().map(NodeLayout.Node::bootstrapUrl).toList());
        List<ServiceInstance> all = new ArrayList<>();
        nodes.forEach(node -> all.addAll(node.services()));
        all.add(gateway);
        services.prepare(all);
        nodes.forEach(node -> node.services().forEach(services::start));
        services.start(gateway);
        services.awaitReady(p -> true, Duration.ofSeconds(180));
        awaitServingNodes(nodeIds.size(), Duration.ofSeconds(60));
    }

    /** Plans node {@code n} (its id must be free) and makes its databases; starts nothing. */
    private NodeLayout.Node planNode(int n) {
        String id = layout.nodeId(n);
        if (nodeIds.contains(id)) {
            throw new IllegalArgumentException("node id " + id + " is taken");
        }
        nodeIds.add(id);
        NodeLayout.Node node = layout.node(n);
        node.databases().forEach(infrastructure.postgres()::ensureDatabase);
        return node;
    }

    /**
     * Starts one more node (its databases are new) while the network runs; it catches up before its
     * services report ready. Returns at once: see {@link #awaitNodeReady}.
     *
     * @return the new node's index
     */
    public synchronized int addNode() {
        int n = nodeIds.size();
        planNode(n).services().forEach(services::start);
        return n;
    }

    /** Waits until every service of one node is ready. */
    public void awaitNodeReady(int node, Duration timeout) {
        services.awaitReady(p -> p.instance().node() == node, timeout);
    }

    /** Waits until the gateway balances over at least {@code n} serving nodes. */
    public void awaitServingNodes(int n, Duration timeout) {
        routing.awaitServingNodes(n, timeout);
    }

    /** The node ids the gateway now routes to (its {@code routing} health group). */
    public List<String> servingNodes() {
        return routing.servingNodes();
    }

    public int gatewayPort() {
        return layout.gatewayPort();
    }

    /** Health, metrics and the wallet lists' admin API of the gateway (not the public port). */
    public String gatewayManagementUrl() {
        return NodeLayout.url(layout.gatewayManagementPort());
    }

    public String apiUrl() {
        return NodeLayout.url(layout.gatewayPort());
    }

    /** The gateway's gRPC MessageApi (plaintext HTTP/2 on the loopback interface). */
    public int grpcPort() {
        return layout.gatewayGrpcPort();
    }

    /** The ports of a service's running instances on every node, in start order (tests reach services directly). */
    public List<Integer> ports(Service service) {
        return services.running(service).stream().map(p -> p.instance().port()).toList();
    }

    /** The ports of a service's instances on one node. */
    public List<Integer> ports(Service service, int node) {
        return services.running(p -> p.service() == service && p.instance().node() == node).stream()
                .map(p -> p.instance().port())
                .toList();
    }

    /** A base URL of one node's service, e.g. {@code http://127.0.0.1:41234}. */
    public String url(Service service, int node) {
        return NodeLayout.url(ports(service, node).get(0));
    }

    /** Process ids of a service's running instances, in start order (footprint measurements). */
    public List<Long> pids(Service service) {
        return services.running(service).stream().map(p -> p.process().pid()).toList();
    }

    /** The {@code java} executable the services run on (the newest JDK found: see {@code ServiceJvm}). */
    public String serviceJava() {
        return services.java();
    }

    public List<String> nodeIds() {
        return List.copyOf(nodeIds);
    }

    /** JDBC URL of one node's envelope store (user {@link #postgresUser()}). */
    public String jdbcUrl(int node) {
        return infrastructure.postgres().jdbcUrl(NodeLayout.storeDatabase(node));
    }

    public String postgresUser() {
        return infrastructure.postgres().user();
    }

    public String kafkaBootstrapServers() {
        return infrastructure.kafka().bootstrapServers();
    }

    /**
     * Graceful restart of one service instance: SIGTERM, wait for its exit, start it again with the
     * same command (same port), wait until it is ready.
     *
     * @return the stopped process's exit code
     */
    public int restart(Service service, int instance, Duration readyTimeout) {
        return services.restart(service, instance, readyTimeout);
    }

    /** The readiness status code of one instance (200 ready, 503 not ready, -1 not answering). */
    public int readiness(Service service, int instance) {
        return services.running(service).get(instance).readiness();
    }

    /**
     * Fault tests: stops every service of one node at once: SIGKILL (a crash: nothing is flushed, the
     * node does not say it is leaving) or SIGTERM (a graceful stop). Its data stays.
     */
    public void stopNode(int node, boolean kill) {
        faults.stopNode(node, kill);
    }

    /** Fault tests: stops the Kafka broker (the services see it vanish). */
    public void stopKafka() {
        faults.stopKafka();
    }

    /** Fault tests: starts the broker again on the same port, with the same log. */
    public void startKafka() {
        faults.startKafka();
    }

    public void stopPostgres() {
        faults.stopPostgres();
    }

    public void startPostgres() {
        faults.startPostgres();
    }

    /** Returns when any service process has exited ({@code bin/devnet} then stops). */
    void awaitAnyExit() {
        services.awaitAnyExit();
    }

    /** Whether {@link #close} has begun: a service that exits after that was stopped, not failed. */
    boolean closing() {
        return closed;
    }

    /** Stops the services, the last started first, then the infrastructure; once, whoever asks first. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        services.close();
        infrastructure.close();
        if (Thread.currentThread() != onExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException exiting) {
                // the JVM is already exiting: the hook finds the network closed
            }
        }
    }
}
