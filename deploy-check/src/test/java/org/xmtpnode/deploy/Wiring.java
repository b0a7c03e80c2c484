package org.xmtpnode.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a deployment gives the five services, read from its files as the platform would: each container's
 * environment, the names it reaches its peers and the infrastructure by (and on which port the named thing
 * listens), the files mounted into it, the port its readiness probe asks, and the Kafka topics, PostgreSQL
 * roles and databases the infrastructure's side creates.
 *
 * @param name the deployment (for messages and folders)
 * @param environments each service's environment, exactly as the deployment gives it
 * @param hosts each host name a container can resolve, to the ports it serves there: the role that answers
 *     ({@code kafka}, {@code postgres}, {@code redis} or a service) and that role's own (container) port
 * @param mounts each service's mounted folders: container path to the files in it (empty for an empty volume)
 * @param probePorts each service's readiness probe's (container) port
 * @param topics the Kafka topics the infrastructure creates
 * @param roles the PostgreSQL login roles the infrastructure creates, name to password
 * @param superusers which of those roles are superusers (the postgres image's POSTGRES_USER is)
 * @param databases the databases the infrastructure creates, name to owner
 * @param initScripts SQL the infrastructure runs once, as the given role on the given database
 */
record Wiring(
        String name,
        Map<String, Map<String, String>> environments,
        Map<String, Map<Integer, Target>> hosts,
        Map<String, Map<String, Map<String, byte[]>>> mounts,
        Map<String, Integer> probePorts,
        List<Topic> topics,
        Map<String, String> roles,
        List<String> superusers,
        Map<String, String> databases,
        List<InitScript> initScripts) {

    /** The variables that give a service a port to listen on: locally each becomes a free port. */
    static final List<String> PORT_VARIABLES =
            List.of("SERVER_PORT", "MANAGEMENT_SERVER_PORT", "XMTP_GATEWAY_GRPC_PORT");

    /** The thing listening behind a host name and port: a role and its own port. */
    record Target(String role, int port) {}

    record Topic(String name, int partitions, short replicationFactor, Map<String, String> config) {}

    record InitScript(String role, String database, String sql) {}

    /** The infrastructure's roles; every other role is one of the five services. */
    static final List<String> INFRASTRUCTURE = List.of("kafka", "postgres", "redis");

    /** The ports the images listen on without being told: PostgreSQL's and Redis's defaults. */
    static final int POSTGRES_PORT = 5432;

    static final int REDIS_PORT = 6379;

    // ------------------------------------------------------------------------------------------------------
    // docker-compose.yml

    /**
     * docker-compose.yml: each service's {@code environment} (anchors, merges and defaults resolved); the
     * compose service names as host names (Compose's network DNS), on the port each one listens on (Kafka's
     * advertised listener, PostgreSQL's and Redis's image defaults, a Java service's SERVER_PORT and
     * MANAGEMENT_SERVER_PORT); named volumes as empty folders; the port the health check asks; the envelope
     * topic as kafka-init creates it; and PostgreSQL as its image sets it up from POSTGRES_USER,
     * POSTGRES_PASSWORD and POSTGRES_DB, with deploy/postgres/init-databases.sql run as the image runs
     * /docker-entrypoint-initdb.d.
     */
    static Wiring compose() {
        JsonNode file = ComposeFile.read();
        JsonNode services = file.path("services");
        Map<String, Map<String, String>> all = ComposeFile.environments();

        Map<String, Map<String, String>> environments = new LinkedHashMap<>();
        Map<String, Map<Integer, Target>> hosts = new TreeMap<>();
        Map<String, Map<String, Map<String, byte[]>>> mounts = new LinkedHashMap<>();
        Map<String, Integer> probePorts = new LinkedHashMap<>();
        for (String service : ServiceProperties.SERVICES) {
            Map<String, String> env = all.get(service);
            environments.put(service, env);
            Map<Integer, Target> ports = new TreeMap<>();
            for (String v : PORT_VARIABLES) {
                if (env.containsKey(v)) {
                    int port = Integer.parseInt(env.get(v));
                    ports.put(port, new Target(service, port));
                }
            }
            hosts.put(service, ports);
            Map<String, Map<String, byte[]>> volumes = new LinkedHashMap<>();
            for (JsonNode volume : services.path(service).path("volumes")) {
                String[] parts = volume.asString().split(":");
                if (!parts[0].startsWith(".") && !parts[0].startsWith("/")) {
                    volumes.put(parts[1], Map.of()); // a named volume: empty on first start
                }
            }
            mounts.put(service, volumes);
            Matcher probe = Pattern.compile("/dev/tcp/127\\.0\\.0\\.1/(\\d+)")
                    .matcher(services.path(service)
                            .path("healthcheck")
                            .path("test")
                            .toString());
            if (!probe.find()) {
                throw new AssertionError(service + " has no health check on a port");
            }
            probePorts.put(service, Integer.parseInt(probe.group(1)));
        }

        // Kafka: clients get the advertised PLAINTEXT listener
        String advertised = all.get("kafka").get("KAFKA_ADVERTISED_LISTENERS");
        Matcher listener = Pattern.compile("PLAINTEXT://([a-z0-9.-]+):(\\d+)").matcher(advertised);
        if (!listener.find()) {
            throw new AssertionError("kafka advertises no PLAINTEXT listener: " + advertised);
        }
        int kafkaPort = Integer.parseInt(listener.group(2));
        hosts.put(listener.group(1), Map.of(kafkaPort, new Target("kafka", kafkaPort)));
        hosts.put("postgres", Map.of(POSTGRES_PORT, new Target("postgres", POSTGRES_PORT)));
        hosts.put("redis", Map.of(REDIS_PORT, new Target("redis", REDIS_PORT)));

        // kafka-init: kafka-topics.sh --create --topic T --partitions P --replication-factor R
        List<String> command = ComposeTest.texts(services.path("kafka-init").path("command"));
        List<Topic> topics = List.of(new Topic(
                after(command, "--topic"),
                Integer.parseInt(after(command, "--partitions")),
                Short.parseShort(after(command, "--replication-factor")),
                Map.of()));

        Map<String, String> pg = all.get("postgres");
        String user = pg.get("POSTGRES_USER");
        List<InitScript> scripts = new ArrayList<>();
        for (JsonNode volume : services.path("postgres").path("volumes")) {
            String[] parts = volume.asString().split(":");
            if (parts[1].startsWith("/docker-entrypoint-initdb.d/") && parts[0].endsWith(".sql")) {
                scripts.add(new InitScript(user, pg.get("POSTGRES_DB"), read(parts[0])));
            }
        }
        return new Wiring(
                "docker-compose.yml",
                environments,
                hosts,
                mounts,
                probePorts,
                topics,
                Map.of(user, pg.get("POSTGRES_PASSWORD")),
                List.of(user),
                Map.of(pg.get("POSTGRES_DB"), user),
                scripts);
    }

    private static String after(List<String> args, String flag) {
        int at = args.indexOf(flag);
        if (at < 0 || at + 1 >= args.size()) {
            throw new AssertionError("kafka-init's command has no " + flag + ": " + args);
        }
        return args.get(at + 1);
    }

    private static String read(String relative) {
        try {
            return Files.readString(Manifests.ROOT.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // a rendered kustomization

    /**
     * A rendered kustomization: each Deployment's container environment with {@code valueFrom} (ConfigMap and
     * Secret keys; a missing optional key leaves the variable out, as the kubelet does, and a missing required
     * one fails) and {@code envFrom} resolved; host names as cluster DNS resolves them ({@code name},
     * {@code name.ns}, {@code name.ns.svc}, {@code name.ns.svc.cluster.local}) for every rendered Service,
     * each Service port followed to the container port its selected workload names, and the Services the
     * operators create: Strimzi's {@code <kafka>-kafka-bootstrap} on each plain listener, CloudNativePG's
     * {@code <cluster>-rw} on 5432; Secret, ConfigMap and emptyDir volumes; the readiness probe's port; the
     * KafkaTopics, DatabaseRoles (with their password Secrets) and Databases.
     */
    static Wiring kubernetes(String dir) {
        List<ObjectNode> objects = Manifests.render(dir);
        Map<String, Map<String, String>> environments = new LinkedHashMap<>();
        Map<String, Map<String, Map<String, byte[]>>> mounts = new LinkedHashMap<>();
        Map<String, Integer> probePorts = new LinkedHashMap<>();
        String podNamespace = null;
        for (String service : ServiceProperties.SERVICES) {
            ObjectNode d = Manifests.ofKind(objects, "Deployment").stream()
                    .filter(o -> Manifests.name(o).equals(service))
                    .reduce((a, b) -> {
                        throw new AssertionError(dir + " renders more than one Deployment " + service);
                    })
                    .orElseThrow(() -> new AssertionError(dir + " renders no Deployment " + service));
            String ns = Manifests.namespace(d);
            podNamespace = ns;
            JsonNode container = Manifests.containers(d).get(0);
            environments.put(service, environment(objects, ns, container));
            mounts.put(service, mounts(objects, ns, d, container));
            JsonNode probe = container.path("readinessProbe").path("httpGet").path("port");
            probePorts.put(service, containerPort(d, probe));
        }

        Map<String, Map<Integer, Target>> hosts = new TreeMap<>();
        for (ObjectNode s : Manifests.ofKind(objects, "Service")) {
            String ns = Manifests.namespace(s);
            List<ObjectNode> selected = objects.stream()
                    .filter(o -> List.of("Deployment", "StatefulSet").contains(Manifests.kind(o)))
                    .filter(o -> Manifests.namespace(o).equals(ns))
                    .filter(o -> Manifests.matches(s.path("spec").path("selector"), Manifests.podLabels(o)))
                    .toList();
            if (selected.size() != 1) {
                continue; // CrossReferenceTest says why
            }
            Map<Integer, Target> ports = new TreeMap<>();
            for (JsonNode p : s.path("spec").path("ports")) {
                JsonNode target = p.has("targetPort") ? p.path("targetPort") : p.path("port");
                ports.put(
                        p.path("port").asInt(),
                        new Target(Manifests.name(selected.get(0)), containerPort(selected.get(0), target)));
            }
            dns(hosts, Manifests.name(s), ns, podNamespace, ports);
        }
        for (ObjectNode k : Manifests.ofKind(objects, "Kafka")) {
            Map<Integer, Target> ports = new TreeMap<>();
            for (JsonNode l : k.path("spec").path("kafka").path("listeners")) {
                if (!l.path("tls").asBoolean()) {
                    ports.put(
                            l.path("port").asInt(),
                            new Target("kafka", l.path("port").asInt()));
                }
            }
            dns(hosts, Manifests.name(k) + "-kafka-bootstrap", Manifests.namespace(k), podNamespace, ports);
        }
        for (ObjectNode c : Manifests.ofKind(objects, "Cluster")) {
            dns(
                    hosts,
                    Manifests.name(c) + "-rw",
                    Manifests.namespace(c),
                    podNamespace,
                    Map.of(POSTGRES_PORT, new Target("postgres", POSTGRES_PORT)));
        }

        List<Topic> topics = new ArrayList<>();
        for (ObjectNode t : Manifests.ofKind(objects, "KafkaTopic")) {
            JsonNode spec = t.path("spec");
            Map<String, String> config = new TreeMap<>();
            spec.path("config")
                    .properties()
                    .forEach(e -> config.put(e.getKey(), e.getValue().asString()));
            topics.add(new Topic(
                    spec.path("topicName").asString(Manifests.name(t)),
                    spec.path("partitions").asInt(),
                    (short) spec.path("replicas").asInt(),
                    config));
        }
        Map<String, String> roles = new TreeMap<>();
        for (ObjectNode r : Manifests.ofKind(objects, "DatabaseRole")) {
            JsonNode spec = r.path("spec");
            String secret = spec.path("passwordSecret").path("name").asString();
            roles.put(
                    spec.path("name").asString(),
                    key(objects, Manifests.namespace(r), "Secret", secret, "password", false)
                            .orElseThrow());
        }
        Map<String, String> databases = new TreeMap<>();
        for (ObjectNode db : Manifests.ofKind(objects, "Database")) {
            databases.put(
                    db.path("spec").path("name").asString(),
                    db.path("spec").path("owner").asString());
        }
        return new Wiring(dir, environments, hosts, mounts, probePorts, topics, roles, List.of(), databases, List.of());
    }

    /** The names cluster DNS gives a Service, for a pod in {@code podNamespace}. */
    private static void dns(
            Map<String, Map<Integer, Target>> hosts,
            String name,
            String ns,
            String podNamespace,
            Map<Integer, Target> ports) {
        for (String host : List.of(name + "." + ns, name + "." + ns + ".svc", name + "." + ns + ".svc.cluster.local")) {
            hosts.put(host, ports);
        }
        if (ns.equals(podNamespace)) {
            hosts.put(name, ports);
        }
    }

    /** A port of a workload's first container, by name or number. */
    private static int containerPort(JsonNode workload, JsonNode port) {
        if (port.isNumber() || port.asString().matches("\\d+")) {
            return port.asInt();
        }
        for (JsonNode p : Manifests.containers(workload).get(0).path("ports")) {
            if (p.path("name").asString().equals(port.asString())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError(Manifests.id(workload) + " has no port named " + port.asString());
    }

    private static Map<String, String> environment(List<ObjectNode> objects, String ns, JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            String prefix = from.path("prefix").asString("");
            for (String kind : List.of("ConfigMap", "Secret")) {
                JsonNode ref = from.path(kind.equals("ConfigMap") ? "configMapRef" : "secretRef");
                if (!ref.isMissingNode()) {
                    data(
                                    objects,
                                    ns,
                                    kind,
                                    ref.path("name").asString(),
                                    ref.path("optional").asBoolean())
                            .forEach((k, v) -> env.put(prefix + k, v));
                }
            }
        }
        for (JsonNode e : container.path("env")) {
            String name = e.path("name").asString();
            if (e.has("value")) {
                env.put(name, expand(e.path("value").asString(), env));
                continue;
            }
            JsonNode from = e.path("valueFrom");
            Optional<String> value;
            if (from.has("configMapKeyRef")) {
                JsonNode ref = from.path("configMapKeyRef");
                value = key(
                        objects,
                        ns,
                        "ConfigMap",
                        ref.path("name").asString(),
                        ref.path("key").asString(),
                        ref.path("optional").asBoolean());
            } else if (from.has("secretKeyRef")) {
                JsonNode ref = from.path("secretKeyRef");
                value = key(
                        objects,
                        ns,
                        "Secret",
                        ref.path("name").asString(),
                        ref.path("key").asString(),
                        ref.path("optional").asBoolean());
            } else {
                throw new AssertionError(name + ": a valueFrom this test does not resolve: " + from);
            }
            value.ifPresent(v -> env.put(name, v));
        }
        return env;
    }

    /** {@code $(VAR)} of an earlier variable, as the kubelet expands it; {@code $$} escapes. */
    private static String expand(String value, Map<String, String> earlier) {
        Matcher m = Pattern.compile("\\$\\$|\\$\\(([A-Za-z0-9_]+)\\)").matcher(value);
        return m.replaceAll(
                r -> Matcher.quoteReplacement(r.group(1) == null ? "$" : earlier.getOrDefault(r.group(1), r.group())));
    }

    /** A key of a rendered ConfigMap or Secret; a missing one fails unless optional (what the kubelet does). */
    private static Optional<String> key(
            List<ObjectNode> objects, String ns, String kind, String name, String key, boolean optional) {
        String value = data(objects, ns, kind, name, optional).get(key);
        if (value == null && !optional) {
            throw new AssertionError(kind + " " + ns + "/" + name + " has no key " + key
                    + ": the pod would not start (CreateContainerConfigError)");
        }
        return Optional.ofNullable(value);
    }

    private static Map<String, String> data(
            List<ObjectNode> objects, String ns, String kind, String name, boolean optional) {
        Optional<ObjectNode> o = Manifests.find(objects, kind, ns, name);
        if (o.isEmpty()) {
            if (optional) {
                return Map.of();
            }
            throw new AssertionError(kind + " " + ns + "/" + name + " is not rendered: the pod would not start");
        }
        Map<String, String> out = new LinkedHashMap<>();
        o.get()
                .path("data")
                .properties()
                .forEach(e -> out.put(
                        e.getKey(),
                        kind.equals("Secret")
                                ? new String(
                                        Base64.getMimeDecoder()
                                                .decode(e.getValue().asString()),
                                        StandardCharsets.UTF_8)
                                : e.getValue().asString()));
        o.get()
                .path("stringData")
                .properties()
                .forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return out;
    }

    private static Map<String, Map<String, byte[]>> mounts(
            List<ObjectNode> objects, String ns, JsonNode workload, JsonNode container) {
        Map<String, JsonNode> volumes = new LinkedHashMap<>();
        workload.path("spec")
                .path("template")
                .path("spec")
                .path("volumes")
                .forEach(v -> volumes.put(v.path("name").asString(), v));
        Map<String, Map<String, byte[]>> out = new LinkedHashMap<>();
        for (JsonNode m : container.path("volumeMounts")) {
            JsonNode v = volumes.get(m.path("name").asString());
            Map<String, byte[]> files = new LinkedHashMap<>();
            if (v.has("secret")) {
                data(objects, ns, "Secret", v.path("secret").path("secretName").asString(), false)
                        .forEach((k, value) -> files.put(k, value.getBytes(StandardCharsets.UTF_8)));
            } else if (v.has("configMap")) {
                data(objects, ns, "ConfigMap", v.path("configMap").path("name").asString(), false)
                        .forEach((k, value) -> files.put(k, value.getBytes(StandardCharsets.UTF_8)));
            }
            out.put(m.path("mountPath").asString(), files);
        }
        return out;
    }
}
