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
import java.util.List;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
        GATEWAY("gateway-service");

        final String module;

        Service(String module) {
            this.module = module;
        }
    }

    /** What to start and where. */
    public record Options(Path root, Path dataDir, int gatewayPort, int kafkaPort, int postgresPort,
                          int redisPort, String nodeId, int relays, List<String> jvmOptions,
                          Map<Service, List<String>> serviceArgs) {

        public static Options defaults(Path root) {
            return new Options(root, root.resolve(".devnet"), 5555, 19092, 15432, 6379, "node-1", 1,
                    List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"), Map.of());
        }

        /** The same with extra {@code --key=value} arguments for one service. */
        public Options withArgs(Service service, String... args) {
            Map<Service, List<String>> all = new EnumMap<>(Service.class);
            all.putAll(serviceArgs);
            all.put(service, concat(all.getOrDefault(service, List.of()), args));
            return new Options(root, dataDir, gatewayPort, kafkaPort, postgresPort, redisPort, nodeId, relays,
                    jvmOptions, all);
        }

        /**
         * Every port chosen free, data in {@code dataDir}: for tests that must not clash with a running
         * devnet. {@code relays} relay instances share the node's store; the gateway routes to the first.
         */
        public static Options ephemeral(Path root, Path dataDir, int relays) {
            return new Options(root, dataDir, 0, 0, 0, 6379, "node-1", relays,
                    List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"), Map.of());
        }
    }

    private final List<AutoCloseable> infrastructure = new ArrayList<>();
    private final List<ServiceProcess> processes = new ArrayList<>();
    private int gatewayPort;
    private EmbeddedKafka kafka;
    private Path kafkaDir;
    private Postgres postgres;
    private int gatewayManagementPort;

    private Devnet() {
    }

    public static void main(String[] args) throws Exception {
        Options options = parse(args, Options.defaults(Path.of("").toAbsolutePath()));
        long started = System.nanoTime();
        Devnet devnet;
        try {
            devnet = start(options);
        } catch (RuntimeException e) {
            log.error("devnet failed to start: {}", e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("devnet: stopping…");
            devnet.close();
            System.out.println("devnet: stopped");
            stopped.countDown();
        }, "devnet-shutdown"));
        System.out.printf(Locale.ROOT, "devnet ready in %.1f s: XMTP API at http://127.0.0.1:%d, admin and metrics at %s"
                        + " (logs in %s, Ctrl-C stops)%n", (System.nanoTime() - started) / 1e9, devnet.gatewayPort(),
                devnet.gatewayManagementUrl(), options.dataDir().resolve("logs"));
        devnet.awaitAnyExit();
        log.error("a service exited; stopping the devnet (see its log in {})", options.dataDir().resolve("logs"));
        System.exit(1);
    }

    static Options parse(String[] args, Options d) {
        Path dataDir = d.dataDir();
        int gatewayPort = d.gatewayPort();
        String nodeId = d.nodeId();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--data-dir" -> dataDir = Path.of(args[++i]).toAbsolutePath();
                case "--port" -> gatewayPort = Integer.parseInt(args[++i]);
                case "--node-id" -> nodeId = args[++i];
                case "-h", "--help" -> {
                    System.out.println("usage: bin/devnet [--port 5555] [--data-dir .devnet] [--node-id node-1]");
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("unknown option " + a + " (try --help)");
            }
        }
        return new Options(d.root(), dataDir, gatewayPort, d.kafkaPort(), d.postgresPort(), d.redisPort(), nodeId,
                d.relays(), d.jvmOptions(), d.serviceArgs());
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
        postgres.ensureDatabase("xmtp");
        postgres.ensureDatabase("xmtp_keystore");
        Redis redis = Redis.localOrEmbedded(o.redisPort());
        infrastructure.add(redis);

        int topicPort = Ports.free();
        int keystorePort = Ports.free();
        List<Integer> relayPorts = new ArrayList<>();
        for (int i = 0; i < Math.max(1, o.relays()); i++) {
            relayPorts.add(Ports.free());
        }
        int relayPort = relayPorts.get(0);
        gatewayPort = o.gatewayPort() == 0 ? Ports.free() : o.gatewayPort();
        gatewayManagementPort = o.gatewayPort() == 0 ? Ports.free() : o.gatewayPort() + 1;
        List<String> common = List.of(
                "--xmtp.node.id=" + o.nodeId(),
                "--xmtp.kafka.bootstrap-servers=" + kafka.bootstrapServers());

        launch(o, Service.TOPIC, "", topicPort, concat(common,
                "--spring.datasource.url=" + postgres.jdbcUrl("xmtp"),
                "--spring.datasource.username=" + postgres.user()));
        launch(o, Service.KEYSTORE, "", keystorePort, concat(common,
                "--spring.datasource.url=" + postgres.jdbcUrl("xmtp_keystore"),
                "--spring.datasource.username=" + postgres.user(),
                "--spring.data.redis.port=" + redis.port()));
        for (int i = 0; i < relayPorts.size(); i++) {
            launch(o, Service.RELAY, i == 0 ? "" : "-" + (i + 1), relayPorts.get(i), concat(common,
                    "--xmtp.relay.store-url=http://127.0.0.1:" + topicPort));
        }
        launch(o, Service.GATEWAY, "", gatewayPort, concat(common,
                "--server.address=127.0.0.1",
                "--xmtp.gateway.relay-url=http://127.0.0.1:" + relayPort,
                "--xmtp.gateway.store-url=http://127.0.0.1:" + topicPort,
                "--xmtp.gateway.keystore-url=http://127.0.0.1:" + keystorePort,
                "--management.server.port=" + gatewayManagementPort,
                "--spring.data.redis.port=" + redis.port()));
        for (ServiceProcess p : processes) {
            p.awaitReady(Duration.ofSeconds(180));
        }
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        Collections.addAll(all, b);
        return all;
    }

    private void launch(Options o, Service service, String instance, int port, List<String> args) {
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
        Path logFile = o.dataDir().resolve("logs").resolve(service.module + instance + ".log");
        try {
            Files.createDirectories(o.dataDir().resolve("tmp"));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
            processes.add(new ServiceProcess(service, port, healthPort, process, logFile, List.copyOf(command)));
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
                return n.startsWith(service.module + "-") && n.endsWith(".jar")
                        && !n.endsWith("-sources.jar") && !n.endsWith("-tests.jar");
            }).findFirst().orElseThrow(() -> new IllegalStateException(
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

    /** The ports of a service's running instances, in start order (tests reach services directly). */
    public List<Integer> ports(Service service) {
        return processes.stream().filter(p -> p.service == service).map(ServiceProcess::port).toList();
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
        ServiceProcess old = processes.stream().filter(p -> p.service == service).skip(instance).findFirst().orElseThrow();
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
            Process process = new ProcessBuilder(old.command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(old.logFile.toFile())).start();
            ServiceProcess fresh = new ServiceProcess(service, old.port, old.healthPort, process, old.logFile, old.command);
            processes.set(processes.indexOf(old), fresh);
            fresh.awaitReady(readyTimeout);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return exit;
    }

    /** The readiness status code of one instance (200 ready, 503 not ready, -1 not answering). */
    public int readiness(Service service, int instance) {
        ServiceProcess p = processes.stream().filter(s -> s.service == service).skip(instance).findFirst().orElseThrow();
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + p.healthPort + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
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
    public void close() {
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

    private record ServiceProcess(Service service, int port, int healthPort, Process process, Path logFile,
                                  List<String> command) {

        void awaitReady(Duration timeout) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            URI readiness = URI.create("http://127.0.0.1:" + healthPort + "/actuator/health/readiness");
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(service.module + " exited with " + process.exitValue()
                            + "; last lines of " + logFile + ":\n" + tail(logFile, 30));
                }
                try {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).build(),
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
