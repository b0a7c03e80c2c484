package org.xmtpnode.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the API server would accept but a deployment would trip over: references between the rendered
 * objects of each applied kustomization.
 */
class CrossReferenceTest {

    static final List<String> APPLIED = Manifests.APPLIED;
    static final Pattern HOST_PORT = Pattern.compile("(?:[a-z]+:)*//([a-z0-9.-]+):(\\d+)|^([a-z0-9.-]+):(\\d+)$");
    static final String VERSION = System.getProperty("xmtp.version", "0.1.0-SNAPSHOT");

    /** Workloads a Service may select. */
    static List<ObjectNode> workloads(List<ObjectNode> objects) {
        List<ObjectNode> out = new ArrayList<>(Manifests.ofKind(objects, "Deployment"));
        out.addAll(Manifests.ofKind(objects, "StatefulSet"));
        return out;
    }

    static List<JsonNode> containerPorts(JsonNode workload) {
        List<JsonNode> out = new ArrayList<>();
        Manifests.containers(workload).forEach(c -> c.path("ports").forEach(out::add));
        return out;
    }

    static boolean hasPort(JsonNode workload, JsonNode port) {
        return containerPorts(workload).stream()
                .anyMatch(p -> port.isNumber()
                        ? p.path("containerPort").asInt() == port.asInt()
                        : p.path("name").asString().equals(port.asString())
                                || p.path("containerPort").asString().equals(port.asString()));
    }

    @ParameterizedTest
    @FieldSource("APPLIED")
    void eachServiceSelectsOneWorkloadAndItsTargetPortsExist(String dir) {
        List<ObjectNode> objects = Manifests.render(dir);
        for (ObjectNode s : Manifests.ofKind(objects, "Service")) {
            List<ObjectNode> selected = workloads(objects).stream()
                    .filter(w -> Manifests.namespace(w).equals(Manifests.namespace(s)))
                    .filter(w -> Manifests.matches(s.path("spec").path("selector"), Manifests.podLabels(w)))
                    .toList();
            assertThat(selected).as(dir + ": " + Manifests.id(s) + " selects").hasSize(1);
            for (JsonNode port : s.path("spec").path("ports")) {
                JsonNode target = port.has("targetPort") ? port.path("targetPort") : port.path("port");
                assertThat(hasPort(selected.get(0), target))
                        .as(dir + ": " + Manifests.id(s) + " targets port " + target + " of "
                                + Manifests.id(selected.get(0)))
                        .isTrue();
            }
        }
    }

    @ParameterizedTest
    @FieldSource("APPLIED")
    void probesAndScrapesUseContainerPorts(String dir) {
        for (ObjectNode w : workloads(Manifests.render(dir))) {
            for (JsonNode c : Manifests.containers(w)) {
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    JsonNode get = c.path(probe).path("httpGet");
                    if (!get.isMissingNode()) {
                        assertThat(hasPort(w, get.path("port")))
                                .as(dir + ": " + Manifests.id(w) + " " + probe)
                                .isTrue();
                        assertThat(get.path("path").asString()).startsWith("/actuator/health/");
                    }
                }
            }
            JsonNode scrape = w.path("spec")
                    .path("template")
                    .path("metadata")
                    .path("annotations")
                    .path("prometheus.io/port");
            if (!scrape.isMissingNode()) {
                assertThat(containerPorts(w).stream()
                                .anyMatch(
                                        p -> p.path("containerPort").asString().equals(scrape.asString())))
                        .as(dir + ": " + Manifests.id(w) + " is scraped on " + scrape.asString())
                        .isTrue();
            }
        }
    }

    @ParameterizedTest
    @FieldSource("APPLIED")
    void everyConfigMapKeyAndSecretIsDefinedOrDocumented(String dir) throws IOException {
        List<ObjectNode> objects = Manifests.render(dir);
        String documented = Files.readString(Manifests.ROOT.resolve("docs/deployment.md"));
        List<String> missing = new ArrayList<>();
        for (ObjectNode w : workloads(objects)) {
            String ns = Manifests.namespace(w);
            for (JsonNode c : Manifests.containers(w)) {
                for (JsonNode env : c.path("env")) {
                    JsonNode cm = env.path("valueFrom").path("configMapKeyRef");
                    if (!cm.isMissingNode()) {
                        var map = Manifests.find(
                                objects, "ConfigMap", ns, cm.path("name").asString());
                        if (map.isEmpty()
                                || !map.get().path("data").has(cm.path("key").asString())) {
                            missing.add(Manifests.id(w) + ": ConfigMap "
                                    + cm.path("name").asString() + " key "
                                    + cm.path("key").asString());
                        }
                    }
                    JsonNode secret = env.path("valueFrom").path("secretKeyRef");
                    if (!secret.isMissingNode() && !secret.path("optional").asBoolean(false)) {
                        checkSecret(objects, ns, secret.path("name").asString(), documented, w, missing);
                    }
                }
            }
            for (JsonNode v : w.path("spec").path("template").path("spec").path("volumes")) {
                if (v.has("secret") && !v.path("secret").path("optional").asBoolean(false)) {
                    checkSecret(objects, ns, v.path("secret").path("secretName").asString(), documented, w, missing);
                }
            }
        }
        for (ObjectNode role : Manifests.ofKind(objects, "DatabaseRole")) {
            String name = role.path("spec").path("passwordSecret").path("name").asString();
            checkSecret(objects, Manifests.namespace(role), name, documented, role, missing);
        }
        assertThat(missing)
                .as(dir + ": referenced, neither rendered nor in docs/deployment.md")
                .isEmpty();
    }

    private static void checkSecret(
            List<ObjectNode> objects, String ns, String name, String documented, JsonNode from, List<String> missing) {
        if (Manifests.find(objects, "Secret", ns, name).isEmpty() && !documented.contains("`" + name + "`")) {
            missing.add(Manifests.id(from) + ": Secret " + name);
        }
    }

    /** The environment of a container with ConfigMap and Secret references resolved (missing ones left out). */
    static Map<String, String> environment(List<ObjectNode> objects, JsonNode workload, JsonNode container) {
        Map<String, String> out = new HashMap<>();
        String ns = Manifests.namespace(workload);
        for (JsonNode env : container.path("env")) {
            String name = env.path("name").asString();
            if (env.has("value")) {
                out.put(name, env.path("value").asString());
                continue;
            }
            JsonNode cm = env.path("valueFrom").path("configMapKeyRef");
            if (!cm.isMissingNode()) {
                Manifests.find(objects, "ConfigMap", ns, cm.path("name").asString())
                        .map(m -> m.path("data").path(cm.path("key").asString()))
                        .filter(v -> !v.isMissingNode())
                        .ifPresent(v -> out.put(name, v.asString()));
            }
            JsonNode secret = env.path("valueFrom").path("secretKeyRef");
            if (!secret.isMissingNode()) {
                Manifests.find(objects, "Secret", ns, secret.path("name").asString())
                        .map(s -> s.path("data").path(secret.path("key").asString()))
                        .filter(v -> !v.isMissingNode())
                        .ifPresent(v -> out.put(
                                name, new String(Base64.getDecoder().decode(v.asString()), StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    /** Host names the cluster resolves to a Service: rendered ones and those the operators make. */
    static Map<String, Set<Integer>> serviceHosts(List<ObjectNode> objects) {
        Map<String, Set<Integer>> out = new HashMap<>();
        List<ObjectNode> all = new ArrayList<>(objects);
        all.addAll(Manifests.render("k8s/infra/production"));
        for (ObjectNode s : Manifests.ofKind(all, "Service")) {
            Set<Integer> ports = new HashSet<>();
            s.path("spec").path("ports").forEach(p -> ports.add(p.path("port").asInt()));
            names(Manifests.name(s), Manifests.namespace(s)).forEach(n -> out.put(n, ports));
        }
        for (ObjectNode k : Manifests.ofKind(all, "Kafka")) {
            Set<Integer> ports = new HashSet<>();
            k.path("spec")
                    .path("kafka")
                    .path("listeners")
                    .forEach(l -> ports.add(l.path("port").asInt()));
            names(Manifests.name(k) + "-kafka-bootstrap", Manifests.namespace(k))
                    .forEach(n -> out.put(n, ports));
        }
        for (ObjectNode c : Manifests.ofKind(all, "Cluster")) {
            for (String suffix : List.of("-rw", "-ro", "-r")) {
                names(Manifests.name(c) + suffix, Manifests.namespace(c)).forEach(n -> out.put(n, Set.of(5432)));
            }
        }
        return out;
    }

    /** The names of a Service: qualified ones everywhere, the short one only in its own namespace. */
    static List<String> names(String service, String namespace) {
        return List.of(
                namespace + "/" + service,
                service + "." + namespace,
                service + "." + namespace + ".svc",
                service + "." + namespace + ".svc.cluster.local");
    }

    @ParameterizedTest
    @FieldSource("APPLIED")
    void everyAddressInAServicesEnvironmentIsAServiceWithThatPort(String dir) {
        List<ObjectNode> objects = Manifests.render(dir);
        Map<String, Set<Integer>> hosts = serviceHosts(objects);
        List<String> wrong = new ArrayList<>();
        for (ObjectNode w : Manifests.ofKind(objects, "Deployment")) {
            if (!ServiceProperties.SERVICES.contains(Manifests.name(w))) {
                continue;
            }
            for (JsonNode c : Manifests.containers(w)) {
                Map<String, String> env = environment(objects, w, c);
                for (Map.Entry<String, String> e : env.entrySet()) {
                    for (String value : e.getValue().split(",")) {
                        Matcher m = HOST_PORT.matcher(value.strip());
                        if (!m.find()) {
                            continue;
                        }
                        String host = m.group(1) != null ? m.group(1) : m.group(3);
                        int port = Integer.parseInt(m.group(2) != null ? m.group(2) : m.group(4));
                        if (host.matches("[0-9.]+")) {
                            continue; // an address, not a name
                        }
                        String key = host.contains(".") ? host : Manifests.namespace(w) + "/" + host;
                        Set<Integer> ports = hosts.get(key);
                        if (ports == null || !ports.contains(port)) {
                            wrong.add(Manifests.id(w) + " " + e.getKey() + "=" + value);
                        }
                    }
                }
                String redis = env.get("SPRING_DATA_REDIS_HOST");
                if (redis != null) {
                    Set<Integer> ports = hosts.get(redis.contains(".") ? redis : Manifests.namespace(w) + "/" + redis);
                    if (ports == null
                            || !ports.contains(Integer.parseInt(env.getOrDefault("SPRING_DATA_REDIS_PORT", "6379")))) {
                        wrong.add(Manifests.id(w) + " SPRING_DATA_REDIS_HOST=" + redis);
                    }
                }
            }
        }
        assertThat(wrong)
                .as(dir + ": addresses that name no Service on that port")
                .isEmpty();
    }

    @ParameterizedTest
    @FieldSource("APPLIED")
    void eachNodeAnnouncesItsOwnServicesAndHasItsOwnIdAndDatabases(String dir) {
        List<ObjectNode> objects = Manifests.render(dir);
        Map<String, String> nodeIds = new HashMap<>();
        Map<String, String> databases = new HashMap<>();
        for (ObjectNode w : Manifests.ofKind(objects, "Deployment")) {
            String ns = Manifests.namespace(w);
            Map<String, String> env =
                    environment(objects, w, Manifests.containers(w).get(0));
            String id = env.get("XMTP_NODE_ID");
            if (id != null) {
                String other = nodeIds.putIfAbsent(id, ns);
                assertThat(other == null || other.equals(ns))
                        .as(dir + ": node id " + id + " in " + ns + " and " + other)
                        .isTrue();
            }
            String url = env.get("SPRING_DATASOURCE_URL");
            if (url != null) {
                String db = url.substring(url.lastIndexOf('/') + 1);
                String owner = ns + "/" + Manifests.name(w);
                String other = databases.putIfAbsent(db, owner);
                assertThat(other == null || other.equals(owner))
                        .as(dir + ": database " + db + " used by " + owner + " and " + other)
                        .isTrue();
                if (!Manifests.ofKind(objects, "Database").isEmpty()) {
                    var declared = Manifests.ofKind(objects, "Database").stream()
                            .filter(d -> d.path("spec").path("name").asString().equals(db))
                            .findFirst();
                    assertThat(declared).as(dir + ": a Database for " + db).isPresent();
                    String user = env.get("SPRING_DATASOURCE_USERNAME");
                    if (user != null) {
                        assertThat(declared.get().path("spec").path("owner").asString())
                                .as(db + " owner")
                                .isEqualTo(user);
                    }
                }
            }
            if (Manifests.name(w).equals("bootstrap-service")) {
                for (String key : List.of(
                        "XMTP_BOOTSTRAP_RELAYURLS", "XMTP_BOOTSTRAP_TOPICURLS", "XMTP_BOOTSTRAP_KEYSTOREURLS")) {
                    String service = key.substring("XMTP_BOOTSTRAP_".length(), key.length() - "URLS".length())
                                    .toLowerCase(Locale.ROOT)
                            + "-service";
                    for (String u : env.get(key).split(",")) {
                        assertThat(URI.create(u.strip()).getHost())
                                .as(dir + ": " + ns + " announces " + u)
                                .isEqualTo(service + "." + ns + ".svc");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @FieldSource("APPLIED")
    void imagesAreTheBuildsAndMovingTagsArePulledAlways(String dir) {
        String release = VERSION.replace("-SNAPSHOT", "");
        Pattern tags = Pattern.compile(Pattern.quote(release) + "(-SNAPSHOT)?(-[0-9a-f]{7,40}(-dirty)?)?");
        for (ObjectNode w : Manifests.ofKind(Manifests.render(dir), "Deployment")) {
            String service = Manifests.name(w);
            if (!ServiceProperties.SERVICES.contains(service)) {
                continue;
            }
            JsonNode c = Manifests.containers(w).get(0);
            String image = c.path("image").asString();
            String repository = image.contains("@")
                    ? image.substring(0, image.indexOf('@'))
                    : image.substring(0, image.lastIndexOf(':'));
            assertThat(repository).as(dir + ": " + image).endsWith("/" + service);
            if (image.contains("@sha256:")) {
                continue;
            }
            String tag = image.substring(image.lastIndexOf(':') + 1);
            assertThat(tag)
                    .as(dir + ": " + image + " is a tag the build of " + VERSION + " makes")
                    .matches(tags);
            boolean moving = tag.endsWith("-SNAPSHOT") || tag.endsWith("-dirty");
            if (moving) {
                assertThat(c.path("imagePullPolicy").asString())
                        .as(dir + ": " + image + " moves with every build")
                        .isEqualTo("Always");
            }
        }
    }

    @ParameterizedTest
    @FieldSource("APPLIED")
    void theHeapLeavesRoomForTheRestOfTheJvm(String dir) {
        List<ObjectNode> objects = Manifests.render(dir);
        for (ObjectNode w : Manifests.ofKind(objects, "Deployment")) {
            if (!ServiceProperties.SERVICES.contains(Manifests.name(w))) {
                continue;
            }
            JsonNode c = Manifests.containers(w).get(0);
            long limit = bytes(c.path("resources").path("limits").path("memory").asString());
            String options = environment(objects, w, c).getOrDefault("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75");
            Matcher m = Pattern.compile("MaxRAMPercentage=([0-9.]+)").matcher(options);
            double share = m.find() ? Double.parseDouble(m.group(1)) / 100 : 0.25;
            long rest = (long) (limit * (1 - share));
            assertThat(rest)
                    .as(dir + ": " + Manifests.id(w) + " keeps " + (rest >> 20)
                            + " MiB beside the heap (an idle service uses"
                            + " about 330 MiB in all, a relay with 10,000 streams 658 MiB)")
                    .isGreaterThanOrEqualTo(512L << 20);
        }
    }

    static long bytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi)?").matcher(quantity);
        assertThat(m.matches()).as(quantity).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "" : m.group(2)) {
            case "Ki" -> n << 10;
            case "Mi" -> n << 20;
            case "Gi" -> n << 30;
            default -> n;
        };
    }

    @ParameterizedTest
    @FieldSource("APPLIED")
    void thePublicEntryServesTheNodesPublicUrlAndLeavesStreamsOpen(String dir) {
        List<ObjectNode> objects = Manifests.render(dir);
        for (ObjectNode g : Manifests.ofKind(objects, "Gateway")) {
            String ns = Manifests.namespace(g);
            String publicUrl = Manifests.ofKind(objects, "ConfigMap").stream()
                    .filter(m ->
                            Manifests.namespace(m).equals(ns) && m.path("data").has("node-public-url"))
                    .findFirst()
                    .orElseThrow()
                    .path("data")
                    .path("node-public-url")
                    .asString();
            String host = URI.create(publicUrl).getHost();
            assertThat(g.path("spec").path("listeners").get(0).path("hostname").asString())
                    .as(dir + ": " + ns)
                    .isEqualTo(host);
            assertThat(g.path("spec").path("listeners").get(1).path("hostname").asString())
                    .as(dir + ": " + ns + ", the gRPC listener")
                    .isEqualTo("grpc." + host);
            ObjectNode grpc =
                    Manifests.find(objects, "GRPCRoute", ns, "xmtp-grpc").orElseThrow();
            assertThat(grpc.path("spec").path("hostnames").get(0).asString()).isEqualTo("grpc." + host);
            for (JsonNode rule : grpc.path("spec").path("rules")) {
                for (JsonNode backend : rule.path("backendRefs")) {
                    assertThat(backend.path("name").asString()).isEqualTo("gateway-service");
                    assertThat(backend.path("port").asInt()).as("the gRPC port").isEqualTo(5556);
                }
            }
            ObjectNode route =
                    Manifests.find(objects, "HTTPRoute", ns, "xmtp-api").orElseThrow();
            assertThat(route.path("spec").path("hostnames").get(0).asString()).isEqualTo(host);
            for (JsonNode rule : route.path("spec").path("rules")) {
                for (JsonNode backend : rule.path("backendRefs")) {
                    assertThat(backend.path("name").asString()).isEqualTo("gateway-service");
                    assertThat(backend.path("port").asInt())
                            .as("the API port, never management")
                            .isEqualTo(5555);
                }
                if (rule.path("matches")
                        .get(0)
                        .path("path")
                        .path("value")
                        .asString()
                        .startsWith("/message/v1/subscribe")) {
                    assertThat(rule.path("timeouts").path("request").asString()).isEqualTo("0s");
                }
            }
        }
    }

    @ParameterizedTest
    @FieldSource("APPLIED")
    void nodeNamespacesHoldOnlyNodesAndTheEnvelopeTopicMatchesTheServices(String dir) {
        List<ObjectNode> objects = Manifests.render(dir);
        for (ObjectNode n : Manifests.ofKind(objects, "Namespace")) {
            boolean node = "xmtp-node"
                    .equals(n.path("metadata")
                            .path("labels")
                            .path("app.kubernetes.io/part-of")
                            .asString(null));
            for (ObjectNode w : workloads(objects)) {
                if (Manifests.namespace(w).equals(Manifests.name(n))) {
                    boolean nodeWorkload = ServiceProperties.SERVICES.contains(Manifests.name(w));
                    assertThat(nodeWorkload)
                            .as(dir + ": " + Manifests.id(w) + " in namespace " + Manifests.name(n))
                            .isEqualTo(node);
                }
            }
        }
        for (ObjectNode m : Manifests.ofKind(objects, "ConfigMap")) {
            JsonNode data = m.path("data");
            if (!data.has("kafka-topic")) {
                continue;
            }
            Manifests.ofKind(objects, "KafkaTopic").stream()
                    .filter(t -> t.path("spec")
                            .path("topicName")
                            .asString()
                            .equals(data.path("kafka-topic").asString()))
                    .forEach(t -> {
                        assertThat(t.path("spec").path("partitions").asString())
                                .isEqualTo(data.path("kafka-partitions").asString());
                        assertThat(t.path("spec").path("replicas").asString())
                                .isEqualTo(data.path("kafka-replication-factor").asString());
                    });
        }
    }

    @ParameterizedTest
    @FieldSource("APPLIED")
    void port5556IsLeftForTheGatewaysGrpcApi(String dir) {
        for (ObjectNode w : workloads(Manifests.render(dir))) {
            for (JsonNode p : containerPorts(w)) {
                if (p.path("containerPort").asInt() == 5556) {
                    assertThat(Manifests.name(w) + "/" + p.path("name").asString())
                            .isEqualTo("gateway-service/grpc");
                }
            }
        }
    }
}
