package org.xmtpnode.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xmtpnode.devnet.EmbeddedKafka;
import org.xmtpnode.devnet.Ports;
import org.xmtpnode.devnet.Postgres;
import org.xmtpnode.devnet.Redis;
import org.xmtpnode.testsupport.TestWallet;

/**
 * The wiring proven by running it: the five service jars started as processes with exactly the environment
 * docker-compose.yml gives each container, and again with exactly what the rendered dev overlay gives each
 * pod ({@link Wiring}), against a Kafka broker, a PostgreSQL and a Redis of the test's own, then a smoke
 * through the gateway: publish with a wallet's token, the stream and the query answering it, the key
 * directory serving a published contact bundle, and the node in the registry ({@code /nodes/v1}). A variable
 * under a wrong name, a missing setting or an address that names the wrong host or port fails here.
 *
 * <p>What differs from a container, and why, is only what a machine running five processes side by side must
 * change; nothing else is added:
 *
 * <ul>
 *   <li><b>Host names to local addresses.</b> Every {@code host:port} in a value whose host the deployment
 *       resolves (compose service names; cluster DNS names of the rendered Services and of the operators'
 *       Services, {@code <kafka>-kafka-bootstrap} and {@code <cluster>-rw}) becomes {@code 127.0.0.1:<local
 *       port>} of whatever listens there, after following the port to the container port it reaches; a
 *       value that is such a host alone (SPRING_DATA_REDIS_HOST) becomes {@code 127.0.0.1}, and its
 *       {@code _PORT} sibling the local port. A port the named thing does not serve fails the test.
 *   <li><b>Listening ports.</b> Containers each have their own network; here each service needs its own free
 *       port, so SERVER_PORT, MANAGEMENT_SERVER_PORT and XMTP_GATEWAY_GRPC_PORT are rewritten to free ports (the same mapping the
 *       addresses above use).
 *   <li><b>Mounted folders.</b> A value under a mount path (XMTP_BOOTSTRAP_SIGNINGKEYFILE) points into a local
 *       folder holding what the volume holds: nothing for a named volume or emptyDir, the keys of a Secret
 *       or ConfigMap as files.
 *   <li><b>The process environment is otherwise empty</b> (no inherited variable), and the JVM's
 *       {@code java.io.tmpdir} (the container's /tmp mount) is a folder under target/.
 * </ul>
 *
 * <p>The infrastructure's side is done as its manifests say: the topics of kafka-init or the KafkaTopics, the
 * PostgreSQL role and databases of the postgres image's variables and init script or of the DatabaseRoles and
 * Databases. Each wiring gets a fresh broker, PostgreSQL and Redis, stopped with its services.
 */
class WiringIT {

    static final Duration READY = Duration.ofSeconds(150);
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theComposeFileWiresAServingNode() throws Exception {
        try (LocalNode node = LocalNode.start(Wiring.compose())) {
            smoke(node);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theDevOverlayWiresAServingNode() throws Exception {
        try (LocalNode node = LocalNode.start(Wiring.kubernetes("k8s/overlays/dev"))) {
            smoke(node);
        }
    }

    @Test
    void anAddressOnAPortTheHostDoesNotServeIsRefused() {
        Wiring compose = Wiring.compose();
        Map<String, Map<String, Integer>> local = Map.of("topic-service", Map.of());
        Rewrite rewrite = new Rewrite(compose, Map.of(), local, Map.of());
        assertThatThrownBy(() -> rewrite.value("relay-service", "XMTP_RELAY_TOPICURL", "http://topic-service:5999"))
                .hasMessageContaining("topic-service:5999");
    }

    // ------------------------------------------------------------------------------------------------------

    static void smoke(LocalNode node) throws Exception {
        String gateway = "http://127.0.0.1:" + node.port("gateway-service", node.serverPort("gateway-service"));
        String bootstrap = "http://127.0.0.1:" + node.port("bootstrap-service", node.serverPort("bootstrap-service"));

        // the registry lists the node, serving, at the addresses its services listen on here
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            HttpResponse<String> r = get(bootstrap + "/nodes/v1");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            String nodeId = node.environment("bootstrap-service").get("XMTP_NODE_ID");
            assertThat(r.body())
                    .contains("\"nodeId\":\"" + nodeId + "\"")
                    .contains("\"state\":\"serving\"")
                    .contains("127.0.0.1:" + node.port("relay-service", node.serverPort("relay-service")))
                    .contains("127.0.0.1:" + node.port("topic-service", node.serverPort("topic-service")))
                    .contains("127.0.0.1:" + node.port("keystore-service", node.serverPort("keystore-service")));
        });

        TestWallet wallet = TestWallet.random();
        String token = wallet.token(System.currentTimeMillis() * 1_000_000L);
        String topic = "/xmtp/0/m-wiring-" + HexFormat.of().formatHex(wallet.identityPublicKey(), 1, 9) + "/proto";
        String message = "wired " + node.wiring.name();

        // the gateway routes once it learned the node from the registry (its health group "routing")
        String management = "http://127.0.0.1:"
                + node.port("gateway-service", node.wiring.probePorts().get("gateway-service"));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(
                                get(management + "/actuator/health/routing").statusCode())
                        .isEqualTo(200));
        try (Subscription stream =
                Subscription.open(gateway + "/message/v1/subscribe", "{\"contentTopics\":[\"" + topic + "\"]}")) {
            assertThat(stream.status).isEqualTo(200);
            stream.awaitOpen();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                HttpResponse<String> r = post(
                        gateway + "/message/v1/publish",
                        token,
                        publishBody(envelope(
                                topic,
                                System.currentTimeMillis() * 1_000_000L,
                                message.getBytes(StandardCharsets.UTF_8))));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            });
            String encoded = Base64.getEncoder().encodeToString(message.getBytes(StandardCharsets.UTF_8));
            assertThat(stream.nextEnvelope(Duration.ofSeconds(30)))
                    .contains(encoded)
                    .contains(topic);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> r = post(
                        gateway + "/message/v1/query",
                        null,
                        "{\"contentTopics\":[\"" + topic + "\"],\"pagingInfo\":{\"limit\":10}}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).contains(encoded);
            });
        }

        // the key directory: a contact bundle published through the gateway is served by keystore-service
        String contactTopic = "/xmtp/0/contact-" + wallet.walletAddress() + "/proto";
        HttpResponse<String> published = post(
                gateway + "/message/v1/publish",
                token,
                publishBody(envelope(
                        contactTopic,
                        System.currentTimeMillis() * 1_000_000L,
                        wallet.contactBundleV2().toByteArray())));
        assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
        String identity = "0x" + HexFormat.of().formatHex(wallet.identityPublicKey());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> r =
                    get(gateway + "/keys/v1/contacts/" + wallet.walletAddress().toLowerCase(Locale.ROOT));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains(identity);
        });
    }

    static String envelope(String topic, long timeNs, byte[] message) {
        return "{\"contentTopic\":\"" + topic + "\",\"timestampNs\":\"" + timeNs + "\",\"message\":\""
                + Base64.getEncoder().encodeToString(message) + "\"}";
    }

    static String publishBody(String envelope) {
        return "{\"envelopes\":[" + envelope + "]}";
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String url, String token, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A subscription's stream, its lines collected on a thread of its own. */
    static final class Subscription implements AutoCloseable {
        final int status;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final InputStream body;

        private Subscription(HttpResponse<InputStream> response) {
            status = response.statusCode();
            body = response.body();
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader in =
                                new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                            String line;
                            while ((line = in.readLine()) != null) {
                                lines.add(line);
                            }
                        } catch (IOException e) {
                            // closed
                        }
                    },
                    "wiring-stream");
            reader.setDaemon(true);
            reader.start();
        }

        static Subscription open(String url, String json) throws IOException, InterruptedException {
            return new Subscription(HTTP.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header("Content-Type", "text/plain;charset=UTF-8")
                            .POST(HttpRequest.BodyPublishers.ofString(json))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream()));
        }

        /** The first line, a heartbeat, comes once the subscription is registered. */
        void awaitOpen() throws InterruptedException {
            assertThat(lines.poll(30, TimeUnit.SECONDS)).isEqualTo("{\"result\":{}}");
        }

        String nextEnvelope(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line != null && !line.equals("{\"result\":{}}")) {
                    return line;
                }
            }
            return "";
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    // ------------------------------------------------------------------------------------------------------

    /**
     * A deployment's values rewritten for this machine (see the class comment): host names and ports to the
     * local addresses, listening ports to free ones, mount paths to local folders.
     */
    record Rewrite(
            Wiring wiring,
            Map<String, Integer> infrastructure,
            Map<String, Map<String, Integer>> servicePorts,
            Map<String, Map<String, Path>> mountDirs) {

        private static final Pattern HOST_PORT =
                Pattern.compile("(?<![A-Za-z0-9.-])([A-Za-z0-9][A-Za-z0-9.-]*):(\\d+)");

        /** The local port of a role's (container) port. */
        int local(String role, int containerPort) {
            if (infrastructure.containsKey(role)) {
                return infrastructure.get(role);
            }
            Integer port = servicePorts.getOrDefault(role, Map.of()).get(Integer.toString(containerPort));
            if (port == null) {
                throw new AssertionError(role + " does not listen on " + containerPort);
            }
            return port;
        }

        Map<String, String> environment(String service) {
            Map<String, String> given = wiring.environments().get(service);
            Map<String, String> out = new LinkedHashMap<>();
            given.forEach((k, v) -> out.put(k, value(service, k, v)));
            // a host alone (SPRING_DATA_REDIS_HOST=redis): its _PORT sibling is that host's port
            given.forEach((k, v) -> {
                if (k.endsWith("_HOST") && wiring.hosts().containsKey(v)) {
                    String portVariable = k.substring(0, k.length() - "_HOST".length()) + "_PORT";
                    if (given.containsKey(portVariable)) {
                        out.put(
                                portVariable,
                                Integer.toString(target(service, portVariable, v, given.get(portVariable))));
                    }
                }
            });
            return out;
        }

        String value(String service, String variable, String value) {
            if (Wiring.PORT_VARIABLES.contains(variable)) {
                return Integer.toString(local(service, Integer.parseInt(value)));
            }
            for (Map.Entry<String, Path> mount :
                    mountDirs.getOrDefault(service, Map.of()).entrySet()) {
                if (value.startsWith(mount.getKey() + "/")) {
                    return mount.getValue() + value.substring(mount.getKey().length());
                }
            }
            if (wiring.hosts().containsKey(value)) {
                return "127.0.0.1";
            }
            Matcher m = HOST_PORT.matcher(value);
            return m.replaceAll(r -> wiring.hosts().containsKey(r.group(1))
                    ? "127.0.0.1:" + target(service, variable, r.group(1), r.group(2))
                    : Matcher.quoteReplacement(r.group()));
        }

        private int target(String service, String variable, String host, String port) {
            Wiring.Target t = wiring.hosts().get(host).get(Integer.parseInt(port));
            if (t == null) {
                throw new AssertionError(service + " " + variable + " names " + host + ":" + port + ", but " + host
                        + " serves only " + wiring.hosts().get(host).keySet());
            }
            return local(t.role(), t.port());
        }
    }

    /** The infrastructure and the five services of one wiring, running on this machine. */
    static final class LocalNode implements AutoCloseable {
        final Wiring wiring;
        private final Path dir;
        private final List<AutoCloseable> infrastructure = new ArrayList<>();
        private final Map<String, Process> processes = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> environments = new LinkedHashMap<>();
        private Rewrite rewrite;
        /** Ends the services if the test JVM exits without closing this node. */
        private final Thread killer =
                new Thread(() -> processes.values().forEach(Process::destroyForcibly), "wiring-services-stop");

        private LocalNode(Wiring wiring, Path dir) {
            this.wiring = wiring;
            this.dir = dir;
            Runtime.getRuntime().addShutdownHook(killer);
        }

        static LocalNode start(Wiring wiring) throws Exception {
            Path dir = Files.createTempDirectory("wiring-");
            LocalNode node = new LocalNode(wiring, dir);
            try {
                node.startInfrastructure();
                node.startServices();
                return node;
            } catch (Throwable e) {
                node.close();
                throw e;
            }
        }

        private void startInfrastructure() throws Exception {
            EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
            infrastructure.add(kafka);
            Postgres postgres = Postgres.embedded(dir.resolve("postgres"), 0);
            infrastructure.add(postgres);
            Redis redis = Redis.localOrEmbedded(0);
            infrastructure.add(redis);
            assertThat(redis.isEmbedded()).as("a Redis of the test's own").isTrue();

            Properties admin = new Properties();
            admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (Admin a = Admin.create(admin)) {
                List<NewTopic> topics = new ArrayList<>();
                for (Wiring.Topic t : wiring.topics()) {
                    topics.add(new NewTopic(t.name(), t.partitions(), t.replicationFactor()).configs(t.config()));
                }
                a.createTopics(topics).all().get(60, TimeUnit.SECONDS);
            }

            // PostgreSQL as its image or operator sets it up (the embedded server trusts local connections)
            try (Connection c = postgres.connect("postgres");
                    Statement st = c.createStatement()) {
                for (Map.Entry<String, String> role : wiring.roles().entrySet()) {
                    st.execute("CREATE ROLE \"" + role.getKey() + "\" LOGIN"
                            + (wiring.superusers().contains(role.getKey()) ? " SUPERUSER" : "") + " PASSWORD '"
                            + role.getValue().replace("'", "''") + "'");
                }
                for (Map.Entry<String, String> db : wiring.databases().entrySet()) {
                    st.execute("CREATE DATABASE \"" + db.getKey() + "\" OWNER \"" + db.getValue() + "\"");
                }
            }
            for (Wiring.InitScript script : wiring.initScripts()) {
                try (Connection c = DriverManager.getConnection(
                                postgres.jdbcUrl(script.database()),
                                script.role(),
                                wiring.roles().get(script.role()));
                        Statement st = c.createStatement()) {
                    st.execute(script.sql());
                } catch (SQLException e) {
                    throw new AssertionError("init script as " + script.role() + " on " + script.database(), e);
                }
            }

            Map<String, Map<String, Integer>> ports = new LinkedHashMap<>();
            Map<String, Map<String, Path>> mounts = new LinkedHashMap<>();
            for (String service : ServiceProperties.SERVICES) {
                Map<String, Integer> p = new LinkedHashMap<>();
                for (String v : Wiring.PORT_VARIABLES) {
                    String given = wiring.environments().get(service).get(v);
                    if (given != null) {
                        p.put(given, Ports.free());
                    }
                }
                ports.put(service, p);
                Map<String, Path> m = new LinkedHashMap<>();
                for (Map.Entry<String, Map<String, byte[]>> mount :
                        wiring.mounts().get(service).entrySet()) {
                    Path local = Files.createDirectories(
                            dir.resolve(service).resolve(mount.getKey().substring(1)));
                    for (Map.Entry<String, byte[]> file : mount.getValue().entrySet()) {
                        Files.write(local.resolve(file.getKey()), file.getValue());
                    }
                    m.put(mount.getKey(), local);
                }
                mounts.put(service, m);
            }
            rewrite = new Rewrite(
                    wiring,
                    Map.of("kafka", kafka.port(), "postgres", postgres.port(), "redis", redis.port()),
                    ports,
                    mounts);
        }

        private void startServices() throws IOException {
            Path logs = Files.createDirectories(Manifests.ROOT
                    .resolve("deploy-check/target/wiring")
                    .resolve(wiring.name().replaceAll("[^A-Za-z0-9.-]", "_")));
            for (String service : ServiceProperties.SERVICES) {
                Map<String, String> env = rewrite.environment(service);
                environments.put(service, env);
                Path tmp = Files.createDirectories(dir.resolve(service).resolve("tmp"));
                ProcessBuilder pb = new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                "-Djava.io.tmpdir=" + tmp,
                                "-jar",
                                ServiceProperties.jar(Manifests.ROOT.resolve(service), service)
                                        .toString())
                        .redirectErrorStream(true)
                        .redirectOutput(logs.resolve(service + ".log").toFile());
                pb.environment().clear();
                pb.environment().putAll(env);
                processes.put(service, pb.start());
            }
            for (String service : ServiceProperties.SERVICES) {
                int port = port(service, wiring.probePorts().get(service));
                Process p = processes.get(service);
                await().atMost(READY)
                        .pollInterval(Duration.ofMillis(500))
                        .ignoreExceptionsMatching(e -> e instanceof IOException)
                        .untilAsserted(() -> {
                            assertThat(p.isAlive())
                                    .as(() -> service + " exited; its log: " + tail(logs.resolve(service + ".log")))
                                    .isTrue();
                            assertThat(get("http://127.0.0.1:" + port + "/actuator/health/readiness")
                                            .statusCode())
                                    .as(() ->
                                            service + " is not ready; its log: " + tail(logs.resolve(service + ".log")))
                                    .isEqualTo(200);
                        });
            }
        }

        private static String tail(Path log) {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The local port of a service's container port. */
        int port(String service, int containerPort) {
            return rewrite.local(service, containerPort);
        }

        int serverPort(String service) {
            return Integer.parseInt(wiring.environments().get(service).get("SERVER_PORT"));
        }

        /** The environment the service was started with (after the rewriting). */
        Map<String, String> environment(String service) {
            return environments.get(service);
        }

        @Override
        public void close() {
            // SIGTERM to every service (what `docker compose down` and a pod's deletion send), then the
            // infrastructure once they have ended (bootstrap-service announces the node leaving on its way out)
            for (Process p : processes.values()) {
                p.destroy();
            }
            for (Process p : processes.values()) {
                try {
                    if (!p.waitFor(40, TimeUnit.SECONDS)) {
                        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    p.destroyForcibly();
                }
            }
            for (int i = infrastructure.size() - 1; i >= 0; i--) {
                try {
                    infrastructure.get(i).close();
                } catch (Exception e) {
                    // already down
                }
            }
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException e) {
                // the JVM is already exiting: the hook runs and finds the services ended
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // left in target/tmp
            }
        }
    }
}
