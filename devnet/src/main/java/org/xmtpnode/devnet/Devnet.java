package org.xmtpnode.devnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local network: real infrastructure in this JVM (a KRaft Kafka broker, an embedded PostgreSQL,
 * and Redis: the local server if one answers, else an embedded one) and each service as its own JVM
 * from the jars the build made, the gateway on 127.0.0.1:5555.
 *
 * <p>Run through {@code bin/devnet}. Data stays under {@code .devnet/} so a restart keeps history.
 */
public final class Devnet implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Devnet.class);

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
            Map<Service, List<String>> serviceArgs) {

        public static Options defaults(Path root) {
            return new Options(
                    root,
                    root.resolve(".devnet"),
                    5555,
                    19092,
                    15432,
                    6379,
                    "node-1",
                    1,
                    1,
                    List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"),
                    Map.of());
        }

        /**
         * Every port chosen free, the services with the JIT's full optimisation (as in production), for
         * benchmarks: one node, one relay.
         */
        public static Options benchmark(Path root, Path dataDir) {
            return new Options(
                    root,
                    dataDir,
                    0,
                    0,
                    0,
                    6379,
                    "node-1",
                    1,
                    1,
                    List.of("-Xms256m", "-Xmx1g", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"),
                    Map.of());
        }

        /** The same with {@code n} nodes behind the one gateway. */
        public Options withNodes(int n) {
            return new Options(
                    root,
                    dataDir,
                    gatewayPort,
                    kafkaPort,
                    postgresPort,
                    redisPort,
                    nodeId,
                    n,
                    relays,
                    jvmOptions,
                    serviceArgs);
        }

        /** The same with extra {@code --key=value} arguments for one service. */
        public Options withArgs(Service service, String... args) {
            Map<Service, List<String>> all = new EnumMap<>(Service.class);
            all.putAll(serviceArgs);
            all.put(service, concat(all.getOrDefault(service, List.of()), args));
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
                    all);
        }

        /**
         * Every port chosen free, data in {@code dataDir}: for tests that must not clash with a running
         * devnet. One node; {@code relays} relay instances share its store, the gateway balances over them.
         */
        public static Options ephemeral(Path root, Path dataDir, int relays) {
            // tests: a quick start (C1 only) over peak speed
            return new Options(
                    root,
                    dataDir,
                    0,
                    0,
                    0,
                    6379,
                    "node-1",
                    1,
                    relays,
                    List.of(
                            "-Xms64m",
                            "-Xmx384m",
                            "-XX:+UseSerialGC",
                            "-XX:TieredStopAtLevel=1",
                            "-XX:+ExitOnOutOfMemoryError"),
                    Map.of());
        }
    }

    private final List<AutoCloseable> infrastructure = new ArrayList<>();
    private final List<ServiceProcess> processes = new CopyOnWriteArrayList<>();
    private final List<String> nodeIds = new ArrayList<>();
    private Options options;
    private volatile boolean closed;
    private Redis redis;
    private int gatewayPort;
    private EmbeddedKafka kafka;
    private Path kafkaDir;
    private Postgres postgres;
    private int gatewayManagementPort;

    private Devnet() {}

    public static void main(String[] args) throws Exception {
        Options options = parse(args, Options.defaults(Path.of("").toAbsolutePath()));
        long started = System.nanoTime();
        Devnet devnet = new Devnet();
        // before the start: a Ctrl-C while services are starting stops the ones already running
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("devnet: stopping…");
                            devnet.close();
                            System.out.println("devnet: stopped");
                        },
                        "devnet-shutdown"));
        try {
            devnet.startAll(options);
        } catch (RuntimeException e) {
            log.error("devnet failed to start: {}", e.getMessage());
            System.exit(1);
            return;
        }
        System.out.printf(
                Locale.ROOT,
                "devnet ready in %.1f s: %s behind the XMTP API at http://127.0.0.1:%d, admin and"
                        + " metrics at %s (logs in %s, Ctrl-C stops)%n",
                (System.nanoTime() - started) / 1e9,
                devnet.nodeIds(),
                devnet.gatewayPort(),
                devnet.gatewayManagementUrl(),
                options.dataDir().resolve("logs"));
        devnet.awaitAnyExit();
        log.error(
                "a service exited; stopping the devnet (see its log in {})",
                options.dataDir().resolve("logs"));
        System.exit(1);
    }

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
        return new Options(
                d.root(),
                dataDir,
                gatewayPort,
                d.kafkaPort(),
                d.postgresPort(),
                d.redisPort(),
                nodeId,
                nodes,
                d.relays(),
                d.jvmOptions(),
                d.serviceArgs());
    }

    /** Starts the infrastructure and the services and waits until every service is ready. */
    public static Devnet start(Options options) {
        Devnet devnet = new Devnet();
        try {
            devnet.startAll(options);
            return devnet;
        } catch (RuntimeException e) {
            devnet.close();
            throw e;
        }
    }

    private void startAll(Options o) {
        this.options = o;
        try {
            Files.createDirectories(o.dataDir().resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kafkaDir = o.dataDir().resolve("kafka");
        kafka = EmbeddedKafka.start(kafkaDir, o.kafkaPort());
        infrastructure.add(() -> kafka.close());
        postgres = Postgres.embedded(o.dataDir().resolve("postgres"), o.postgresPort());
        infrastructure.add(postgres);
        redis = Redis.localOrEmbedded(o.redisPort());
        infrastructure.add(redis);

        gatewayPort = o.gatewayPort() == 0 ? Ports.free() : o.gatewayPort();
        gatewayManagementPort = o.gatewayPort() == 0 ? Ports.free() : o.gatewayPort() + 1;
        List<String> bootstrapUrls = new ArrayList<>();
        for (int n = 0; n < Math.max(1, o.nodes()); n++) {
            bootstrapUrls.add(launchNode(n));
        }
        launch(
                Service.GATEWAY,
                -1,
                "",
                gatewayPort,
                List.of(
                        "--server.address=127.0.0.1",
                        "--xmtp.gateway.bootstrap-urls=" + String.join(",", bootstrapUrls),
                        "--xmtp.gateway.discovery-interval=1s",
                        "--management.server.port=" + gatewayManagementPort,
                        "--spring.data.redis.port=" + redis.port()));
        for (ServiceProcess p : List.copyOf(processes)) {
            p.awaitReady(Duration.ofSeconds(180));
        }
        awaitServingNodes(nodeIds.size(), Duration.ofSeconds(60));
    }

    /**
     * Starts one node's services (topic, keystore, relays, bootstrap) with databases of its own.
     *
     * @return the node's bootstrap URL
     */
    private String launchNode(int n) {
        String id = n == 0 ? options.nodeId() : "node-" + (n + 1);
        if (nodeIds.contains(id)) {
            throw new IllegalArgumentException("node id " + id + " is taken");
        }
        nodeIds.add(id);
        String suffix = n == 0 ? "" : "_node_" + (n + 1);
        postgres.ensureDatabase("xmtp" + suffix);
        postgres.ensureDatabase("xmtp_keystore" + suffix);
        String log = n == 0 ? "" : "." + id;
        int topicPort = Ports.free();
        int keystorePort = Ports.free();
        int bootstrapPort = Ports.free();
        List<Integer> relayPorts = new ArrayList<>();
        for (int i = 0; i < Math.max(1, options.relays()); i++) {
            relayPorts.add(Ports.free());
        }
        List<String> common =
                List.of("--xmtp.node.id=" + id, "--xmtp.kafka.bootstrap-servers=" + kafka.bootstrapServers());
        String bootstrapUrl = "http://127.0.0.1:" + bootstrapPort;
        launch(
                Service.TOPIC,
                n,
                log,
                topicPort,
                concat(
                        common,
                        "--spring.datasource.url=" + postgres.jdbcUrl("xmtp" + suffix),
                        "--spring.datasource.username=" + postgres.user(),
                        "--xmtp.topic.catch-up.bootstrap-url=" + bootstrapUrl));
        launch(
                Service.KEYSTORE,
                n,
                log,
                keystorePort,
                concat(
                        common,
                        "--spring.datasource.url=" + postgres.jdbcUrl("xmtp_keystore" + suffix),
                        "--spring.datasource.username=" + postgres.user(),
                        "--xmtp.keystore.topic-url=http://127.0.0.1:" + topicPort,
                        "--spring.data.redis.port=" + redis.port()));
        List<String> relayUrls = new ArrayList<>();
        for (int i = 0; i < relayPorts.size(); i++) {
            launch(
                    Service.RELAY,
                    n,
                    (i == 0 ? "" : "-" + (i + 1)) + log,
                    relayPorts.get(i),
                    concat(common, "--xmtp.relay.topic-url=http://127.0.0.1:" + topicPort));
            relayUrls.add("http://127.0.0.1:" + relayPorts.get(i));
        }
        launch(
                Service.BOOTSTRAP,
                n,
                log,
                bootstrapPort,
                concat(
                        common,
                        "--xmtp.bootstrap.public-url=http://127.0.0.1:" + gatewayPort,
                        "--xmtp.bootstrap.region=local",
                        "--xmtp.bootstrap.relay-urls=" + String.join(",", relayUrls),
                        "--xmtp.bootstrap.topic-urls=http://127.0.0.1:" + topicPort,
                        "--xmtp.bootstrap.keystore-urls=http://127.0.0.1:" + keystorePort,
                        "--xmtp.bootstrap.signing-key-file="
                                + options.dataDir().resolve("keys").resolve(id + ".hex"),
                        "--xmtp.bootstrap.heartbeat-interval=1s",
                        "--spring.data.redis.port=" + redis.port()));
        return bootstrapUrl;
    }

    /**
     * Starts one more node (its databases are new) while the network runs; it catches up before its
     * services report ready. Returns at once: see {@link #awaitNodeReady}.
     *
     * @return the new node's index
     */
    public synchronized int addNode() {
        int n = nodeIds.size();
        launchNode(n);
        return n;
    }

    /** Waits until every service of one node is ready. */
    public void awaitNodeReady(int node, Duration timeout) {
        for (ServiceProcess p : List.copyOf(processes)) {
            if (p.node == node) {
                p.awaitReady(timeout);
            }
        }
    }

    /** Waits until the gateway balances over at least {@code n} serving nodes. */
    public void awaitServingNodes(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (servingNodes().size() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the gateway did not see " + n + " serving nodes within "
                        + timeout.toSeconds() + " s (it sees " + servingNodes() + ")");
            }
            sleep(200);
        }
    }

    /** The node ids the gateway now routes to (its {@code routing} health group). */
    public List<String> servingNodes() {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(gatewayManagementUrl() + "/actuator/health/routing"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("\"nodes\":\\[([^\\]]*)]").matcher(r.body());
            if (!m.find() || m.group(1).isBlank()) {
                return List.of();
            }
            return Stream.of(m.group(1).split(","))
                    .map(x -> x.strip().replace("\"", ""))
                    .toList();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        Collections.addAll(all, b);
        return all;
    }

    private synchronized void launch(Service service, int node, String instance, int port, List<String> args) {
        if (closed) {
            throw new IllegalStateException("the devnet is stopping");
        }
        Options o = options;
        Path jar = serviceJar(o.root(), service);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(o.jvmOptions());
        command.add("-Djava.io.tmpdir=" + o.dataDir().resolve("tmp"));
        command.add("-jar");
        command.add(jar.toString());
        command.add("--server.port=" + port);
        command.addAll(args);
        command.addAll(o.serviceArgs().getOrDefault(service, List.of()));
        int healthPort = service == Service.GATEWAY ? gatewayManagementPort : port;
        String healthPath = service == Service.GATEWAY ? "/actuator/health/routing" : "/actuator/health/readiness";
        Path logFile = o.dataDir().resolve("logs").resolve(service.module + instance + ".log");
        try {
            Files.createDirectories(o.dataDir().resolve("tmp"));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            processes.add(new ServiceProcess(
                    service, node, port, healthPort, healthPath, process, logFile, List.copyOf(command)));
            log.info("started {} on port {} (pid {}, log {})", service.module, port, process.pid(), logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + service.module, e);
        }
    }

    /** The runnable jar the build made for a service: {@code <module>/target/<module>-<version>.jar}. */
    static Path serviceJar(Path root, Service service) {
        Path target = root.resolve(service.module).resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> {
                        String n = p.getFileName().toString();
                        return n.startsWith(service.module + "-")
                                && n.endsWith(".jar")
                                && !n.endsWith("-sources.jar")
                                && !n.endsWith("-tests.jar");
                    })
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "no jar in " + target + ": build it first (mvn -DskipTests package)"));
        } catch (IOException e) {
            throw new IllegalStateException("no " + target + ": build the project first (mvn -DskipTests package)", e);
        }
    }

    public int gatewayPort() {
        return gatewayPort;
    }

    /** Health, metrics and the wallet lists' admin API of the gateway (not the public port). */
    public String gatewayManagementUrl() {
        return "http://127.0.0.1:" + gatewayManagementPort;
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + gatewayPort;
    }

    /** The ports of a service's running instances on every node, in start order (tests reach services directly). */
    public List<Integer> ports(Service service) {
        return processes.stream()
                .filter(p -> p.service == service)
                .map(ServiceProcess::port)
                .toList();
    }

    /** The ports of a service's instances on one node. */
    public List<Integer> ports(Service service, int node) {
        return processes.stream()
                .filter(p -> p.service == service && p.node == node)
                .map(ServiceProcess::port)
                .toList();
    }

    /** JDBC URL of one node's envelope store (user {@link #postgresUser()}). */
    public String jdbcUrl(int node) {
        return postgres.jdbcUrl(node == 0 ? "xmtp" : "xmtp_node_" + (node + 1));
    }

    public String postgresUser() {
        return postgres.user();
    }

    /** Process ids of a service's running instances, in start order (footprint measurements). */
    public List<Long> pids(Service service) {
        return processes.stream()
                .filter(p -> p.service == service)
                .map(p -> p.process.pid())
                .toList();
    }

    public List<String> nodeIds() {
        return List.copyOf(nodeIds);
    }

    /** A base URL of one node's service, e.g. {@code http://127.0.0.1:41234}. */
    public String url(Service service, int node) {
        return "http://127.0.0.1:" + ports(service, node).get(0);
    }

    /**
     * Stops every service of one node at once: SIGKILL (a crash: nothing is flushed, the node does not
     * say it is leaving) or SIGTERM (a graceful stop). Its data stays.
     */
    public void stopNode(int node, boolean kill) {
        List<ServiceProcess> stopping =
                processes.stream().filter(p -> p.node == node).toList();
        for (ServiceProcess p : stopping) {
            if (kill) {
                p.process.destroyForcibly();
            } else {
                p.process.destroy();
            }
        }
        for (ServiceProcess p : stopping) {
            try {
                if (!p.process.waitFor(60, TimeUnit.SECONDS)) {
                    p.process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.process.destroyForcibly();
            }
            processes.remove(p);
        }
        log.info("node {} stopped ({})", nodeIds.get(node), kill ? "SIGKILL" : "SIGTERM");
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Fault tests: stops the Kafka broker (the services see it vanish). */
    public synchronized void stopKafka() {
        kafka.close();
    }

    /** Fault tests: starts the broker again on the same port, with the same log. */
    public synchronized void startKafka() {
        kafka = EmbeddedKafka.start(kafkaDir, kafka.port());
    }

    public void stopPostgres() {
        postgres.stop();
    }

    public void startPostgres() {
        postgres.start();
    }

    /**
     * Graceful restart of one service instance: SIGTERM, wait for its exit, start it again with the
     * same command (same port), wait until it is ready.
     *
     * @return the stopped process's exit code
     */
    public int restart(Service service, int instance, Duration readyTimeout) {
        ServiceProcess old = processes.stream()
                .filter(p -> p.service == service)
                .skip(instance)
                .findFirst()
                .orElseThrow();
        old.process.destroy();
        int exit;
        try {
            if (!old.process.waitFor(60, TimeUnit.SECONDS)) {
                old.process.destroyForcibly();
                throw new IllegalStateException(service.module + " did not stop within 60 s of SIGTERM");
            }
            exit = old.process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        try {
            Process process = new ProcessBuilder(old.command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(old.logFile.toFile()))
                    .start();
            ServiceProcess fresh = new ServiceProcess(
                    service, old.node, old.port, old.healthPort, old.healthPath, process, old.logFile, old.command);
            processes.set(processes.indexOf(old), fresh);
            fresh.awaitReady(readyTimeout);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return exit;
    }

    /** The readiness status code of one instance (200 ready, 503 not ready, -1 not answering). */
    public int readiness(Service service, int instance) {
        ServiceProcess p = processes.stream()
                .filter(s -> s.service == service)
                .skip(instance)
                .findFirst()
                .orElseThrow();
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.healthPort + p.healthPath))
                                    .timeout(Duration.ofSeconds(15))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    void awaitAnyExit() throws InterruptedException {
        while (true) {
            for (ServiceProcess p : processes) {
                if (p.process.waitFor(200, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        List<ServiceProcess> reversed = new ArrayList<>(processes);
        Collections.reverse(reversed);
        for (ServiceProcess p : reversed) {
            p.process.destroy(); // SIGTERM: Spring's graceful shutdown
        }
        for (ServiceProcess p : reversed) {
            try {
                if (!p.process.waitFor(30, TimeUnit.SECONDS)) {
                    p.process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.process.destroyForcibly();
            }
        }
        processes.clear();
        Collections.reverse(infrastructure);
        for (AutoCloseable c : infrastructure) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("{} did not stop cleanly: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
        infrastructure.clear();
    }

    private record ServiceProcess(
            Service service,
            int node,
            int port,
            int healthPort,
            String healthPath,
            Process process,
            Path logFile,
            List<String> command) {

        void awaitReady(Duration timeout) {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(1))
                    .build();
            URI readiness = URI.create("http://127.0.0.1:" + healthPort + healthPath);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(service.module + " exited with " + process.exitValue()
                            + "; last lines of " + logFile + ":\n" + tail(logFile, 30));
                }
                try {
                    HttpResponse<Void> r = http.send(
                            HttpRequest.newBuilder(readiness)
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        log.info("{} is ready", service.module);
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            throw new IllegalStateException(service.module + " was not ready within " + timeout.toSeconds()
                    + " s; last lines of " + logFile + ":\n" + tail(logFile, 30));
        }

        private static String tail(Path file, int lines) {
            try {
                List<String> all = Files.readAllLines(file);
                return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException e) {
                return "(no log)";
            }
        }
    }
}
