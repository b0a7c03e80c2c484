package org.xmtpnode.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The NetworkPolicies of each rendered overlay, evaluated as Kubernetes does over the rendered pods and the
 * infrastructure's (Strimzi's broker pods, CloudNativePG's instances, Redis, DNS, Prometheus, strangers):
 * every flow of the architecture (docs/deployment.md, "Network policies") is allowed, and no other flow to or
 * from a node's pods.
 */
class NetworkPolicyTest {

    /** A pod, or an address outside the cluster (then {@code ip} is set and it has no labels). */
    record Endpoint(
            String name,
            String namespace,
            Map<String, String> labels,
            Map<String, String> namespaceLabels,
            List<Port> ports,
            String ip) {

        String service() {
            return labels.getOrDefault("app.kubernetes.io/name", "");
        }

        boolean isNode() {
            return "xmtp-node".equals(namespaceLabels.get("app.kubernetes.io/part-of"))
                    && ServiceProperties.SERVICES.contains(service());
        }

        @Override
        public String toString() {
            return ip != null ? ip : namespace + "/" + name;
        }
    }

    record Port(String name, int number, String protocol) {}

    record Flow(Endpoint from, Endpoint to, Port port) {
        @Override
        public String toString() {
            return from + " -> " + to + ":" + port.number() + "/" + port.protocol();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/prod", "k8s/examples/three-nodes"})
    void thePoliciesAllowTheArchitecturesFlowsAndNothingElse(String dir) {
        List<ObjectNode> objects = Manifests.render(dir);
        List<Endpoint> endpoints = endpoints(objects);
        List<ObjectNode> policies = Manifests.ofKind(objects, "NetworkPolicy");
        List<String> denied = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        int expectedCount = 0;
        for (Endpoint from : endpoints) {
            if (from.ip() != null && !from.ip().equals(CLIENT)) {
                continue;
            }
            for (Endpoint to : endpoints) {
                if (from.equals(to) || !(from.isNode() || to.isNode())) {
                    continue;
                }
                for (Port port : to.ports()) {
                    Flow flow = new Flow(from, to, port);
                    boolean allowed = allowed(policies, endpoints, flow);
                    boolean expected = expected(flow);
                    expectedCount += expected ? 1 : 0;
                    if (expected && !allowed) {
                        denied.add(flow.toString());
                    } else if (allowed && !expected) {
                        extra.add(flow.toString());
                    }
                }
            }
        }
        assertThat(expectedCount).as("flows of the architecture found").isGreaterThan(20);
        assertThat(denied)
                .as(dir + ": flows of the architecture the policies deny")
                .isEmpty();
        assertThat(extra)
                .as(dir + ": flows the policies allow that the architecture does not use")
                .isEmpty();
    }

    @Test
    void theEvaluatorCatchesAMissingAndAnExtraFlow() {
        List<ObjectNode> objects = Manifests.render("k8s/overlays/dev");
        List<Endpoint> endpoints = endpoints(objects);
        Endpoint keystore = pod(endpoints, "xmtp", "keystore-service");
        Endpoint topic = pod(endpoints, "xmtp", "topic-service");
        Endpoint bootstrap = pod(endpoints, "xmtp", "bootstrap-service");
        Port store = topic.ports().get(0);
        List<ObjectNode> policies = Manifests.ofKind(objects, "NetworkPolicy");
        assertThat(allowed(policies, endpoints, new Flow(keystore, topic, store)))
                .isTrue();
        assertThat(allowed(
                        policies,
                        endpoints,
                        new Flow(keystore, bootstrap, bootstrap.ports().get(0))))
                .as("keystore never calls bootstrap")
                .isFalse();
        List<ObjectNode> without = policies.stream()
                .filter(p -> !Manifests.name(p).equals("keystore-service"))
                .toList();
        assertThat(allowed(without, endpoints, new Flow(keystore, topic, store)))
                .isFalse();
    }

    static final String CLIENT = "203.0.113.10";
    static final String NODE_LOCAL_DNS = "169.254.20.10";

    static Endpoint pod(List<Endpoint> endpoints, String namespace, String service) {
        return endpoints.stream()
                .filter(e -> namespace.equals(e.namespace()) && e.service().equals(service))
                .findFirst()
                .orElseThrow();
    }

    /** The rendered workloads' pods, and the pods and addresses the infrastructure brings. */
    static List<Endpoint> endpoints(List<ObjectNode> objects) {
        Map<String, Map<String, String>> nsLabels = new HashMap<>();
        for (ObjectNode n : Manifests.ofKind(objects, "Namespace")) {
            Map<String, String> labels =
                    new HashMap<>(strings(n.path("metadata").path("labels")));
            labels.put("kubernetes.io/metadata.name", Manifests.name(n));
            nsLabels.put(Manifests.name(n), labels);
        }
        for (String ns : List.of("xmtp-infra", "kube-system", "monitoring", "default")) {
            nsLabels.computeIfAbsent(ns, k -> new HashMap<>(Map.of("kubernetes.io/metadata.name", k)));
        }
        List<Endpoint> out = new ArrayList<>();
        for (ObjectNode w : CrossReferenceTest.workloads(objects)) {
            List<Port> ports = new ArrayList<>();
            CrossReferenceTest.containerPorts(w)
                    .forEach(p -> ports.add(new Port(
                            p.path("name").asString(""),
                            p.path("containerPort").asInt(),
                            p.path("protocol").asString("TCP"))));
            out.add(new Endpoint(
                    Manifests.name(w),
                    Manifests.namespace(w),
                    strings(Manifests.podLabels(w)),
                    nsLabels.get(Manifests.namespace(w)),
                    ports,
                    null));
        }
        // what the operators run, with the labels they give their pods
        out.add(new Endpoint(
                "xmtp-kafka-dual-role-0",
                "xmtp-infra",
                Map.of(
                        "strimzi.io/cluster", "xmtp-kafka",
                        "strimzi.io/kind", "Kafka",
                        "strimzi.io/broker-role", "true",
                        "app.kubernetes.io/name", "kafka"),
                nsLabels.get("xmtp-infra"),
                List.of(new Port("tcp-clients", 9092, "TCP"), new Port("tcp-clientstls", 9093, "TCP")),
                null));
        out.add(new Endpoint(
                "xmtp-pg-1",
                "xmtp-infra",
                Map.of("cnpg.io/cluster", "xmtp-pg", "cnpg.io/podRole", "instance"),
                nsLabels.get("xmtp-infra"),
                List.of(new Port("postgresql", 5432, "TCP"), new Port("status", 8000, "TCP")),
                null));
        if (CrossReferenceTest.workloads(objects).stream()
                .noneMatch(w -> Manifests.name(w).equals("redis"))) {
            out.add(new Endpoint(
                    "redis-0",
                    "xmtp-infra",
                    Map.of("app.kubernetes.io/name", "redis"),
                    nsLabels.get("xmtp-infra"),
                    List.of(new Port("redis", 6379, "TCP")),
                    null));
        }
        List<Port> dns = List.of(new Port("dns", 53, "UDP"), new Port("dns-tcp", 53, "TCP"));
        out.add(new Endpoint(
                "coredns", "kube-system", Map.of("k8s-app", "kube-dns"), nsLabels.get("kube-system"), dns, null));
        out.add(new Endpoint("node-local-dns", null, Map.of(), Map.of(), dns, NODE_LOCAL_DNS));
        out.add(new Endpoint(
                "prometheus", "monitoring", Map.of("app", "prometheus"), nsLabels.get("monitoring"), List.of(), null));
        // a pod that is nobody in particular, in another namespace, offering a port
        out.add(new Endpoint(
                "stranger",
                "default",
                Map.of("app", "stranger"),
                nsLabels.get("default"),
                List.of(new Port("http", 8080, "TCP")),
                null));
        // a client on the internet, and an address out there offering DNS and HTTPS
        out.add(new Endpoint("client", null, Map.of(), Map.of(), List.of(), CLIENT));
        out.add(new Endpoint(
                "internet",
                null,
                Map.of(),
                Map.of(),
                List.of(new Port("https", 443, "TCP"), new Port("dns", 53, "UDP")),
                "198.51.100.7"));
        return out;
    }

    static Map<String, String> strings(JsonNode labels) {
        Map<String, String> out = new HashMap<>();
        labels.properties().forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return out;
    }

    /** The architecture's flows (docs/deployment.md, "Network policies"). */
    static boolean expected(Flow f) {
        Endpoint from = f.from();
        Endpoint to = f.to();
        int port = f.port().number();
        String src = from.isNode() ? from.service() : "";
        String dst = to.isNode() ? to.service() : "";
        boolean sameNode = from.isNode() && to.isNode() && from.namespace().equals(to.namespace());
        if (port == 53 && from.isNode()) {
            return true; // DNS, to any address
        }
        if (dst.equals("gateway-service") && (port == 5555 || port == 5556) && !from.isNode()) {
            return true; // the public entry, REST and gRPC, from anywhere outside the nodes (no node service calls it)
        }
        if ("monitoring".equals(from.namespace())) {
            return Map.of(
                                    "gateway-service", 5557,
                                    "relay-service", 5101,
                                    "topic-service", 5102,
                                    "keystore-service", 5103,
                                    "bootstrap-service", 5104)
                            .getOrDefault(dst, -1)
                    == port;
        }
        Set<String> kafkaClients = Set.of("relay-service", "topic-service", "keystore-service", "bootstrap-service");
        return switch (src) {
            case "gateway-service" ->
                (sameNode && dst.equals("bootstrap-service") && port == 5104)
                        || (dst.equals("relay-service") && port == 5101)
                        || (dst.equals("topic-service") && port == 5102)
                        || (dst.equals("keystore-service") && port == 5103)
                        || redis(to, port);
            case "relay-service" -> (sameNode && dst.equals("topic-service") && port == 5102) || kafka(to, port);
            case "keystore-service" ->
                (sameNode && dst.equals("topic-service") && port == 5102)
                        || kafka(to, port)
                        || postgres(to, port)
                        || redis(to, port);
            case "topic-service" ->
                (sameNode && dst.equals("bootstrap-service") && port == 5104)
                        || (dst.equals("topic-service") && port == 5102)
                        || kafka(to, port)
                        || postgres(to, port);
            case "bootstrap-service" ->
                (sameNode
                                && ((dst.equals("relay-service") && port == 5101)
                                        || (dst.equals("topic-service") && port == 5102)
                                        || (dst.equals("keystore-service") && port == 5103)))
                        || (kafkaClients.contains(src) && kafka(to, port))
                        || redis(to, port);
            default -> false;
        };
    }

    static boolean kafka(Endpoint to, int port) {
        return "true".equals(to.labels().get("strimzi.io/broker-role")) && port == 9092;
    }

    static boolean postgres(Endpoint to, int port) {
        return to.labels().containsKey("cnpg.io/cluster") && port == 5432;
    }

    static boolean redis(Endpoint to, int port) {
        return "redis".equals(to.labels().get("app.kubernetes.io/name")) && port == 6379;
    }

    /** Whether the policies let the flow through: the source's egress and the destination's ingress. */
    static boolean allowed(List<ObjectNode> policies, List<Endpoint> endpoints, Flow f) {
        return direction(policies, f.from(), f.to(), f.port(), "Egress")
                && direction(policies, f.to(), f.from(), f.port(), "Ingress");
    }

    /** For {@code subject}'s own side of the flow: isolated and no rule admits {@code peer} on the port? */
    static boolean direction(List<ObjectNode> policies, Endpoint subject, Endpoint peer, Port port, String type) {
        if (subject.ip() != null) {
            return true; // outside the cluster: no policy applies
        }
        boolean isolated = false;
        for (ObjectNode p : policies) {
            if (!Manifests.namespace(p).equals(subject.namespace())
                    || !selects(p.path("spec").path("podSelector"), subject.labels())
                    || !types(p).contains(type)) {
                continue;
            }
            isolated = true;
            String rules = type.equals("Ingress") ? "ingress" : "egress";
            String peers = type.equals("Ingress") ? "from" : "to";
            for (JsonNode rule : p.path("spec").path(rules)) {
                if (peersMatch(rule.path(peers), peer, Manifests.namespace(p))
                        && portsMatch(rule.path("ports"), port)) {
                    return true;
                }
            }
        }
        return !isolated;
    }

    static Set<String> types(JsonNode policy) {
        JsonNode t = policy.path("spec").path("policyTypes");
        if (!t.isMissingNode()) {
            Set<String> out = new HashSet<>();
            t.forEach(v -> out.add(v.asString()));
            return out;
        }
        return policy.path("spec").has("egress") ? Set.of("Ingress", "Egress") : Set.of("Ingress");
    }

    static boolean peersMatch(JsonNode peers, Endpoint peer, String policyNamespace) {
        if (peers.isMissingNode() || peers.isEmpty()) {
            return true;
        }
        for (JsonNode p : peers) {
            if (p.has("ipBlock")) {
                if (peer.ip() != null
                        && inCidr(peer.ip(), p.path("ipBlock").path("cidr").asString())) {
                    boolean excepted = false;
                    for (JsonNode e : p.path("ipBlock").path("except")) {
                        excepted |= inCidr(peer.ip(), e.asString());
                    }
                    if (!excepted) {
                        return true;
                    }
                }
                continue;
            }
            if (peer.ip() != null) {
                continue;
            }
            boolean namespaceOk = p.has("namespaceSelector")
                    ? selects(p.path("namespaceSelector"), peer.namespaceLabels())
                    : policyNamespace.equals(peer.namespace());
            boolean podOk = !p.has("podSelector") || selects(p.path("podSelector"), peer.labels());
            if (namespaceOk && podOk) {
                return true;
            }
        }
        return false;
    }

    static boolean portsMatch(JsonNode ports, Port port) {
        if (ports.isMissingNode() || ports.isEmpty()) {
            return true;
        }
        for (JsonNode p : ports) {
            if (!p.path("protocol").asString("TCP").equals(port.protocol())) {
                continue;
            }
            JsonNode n = p.path("port");
            if (n.isMissingNode()) {
                return true;
            }
            if (n.isNumber()) {
                int end = p.path("endPort").asInt(n.asInt());
                if (port.number() >= n.asInt() && port.number() <= end) {
                    return true;
                }
            } else if (n.asString().equals(port.name())) {
                return true;
            }
        }
        return false;
    }

    /** A label selector: matchLabels and matchExpressions; an empty one selects everything. */
    static boolean selects(JsonNode selector, Map<String, String> labels) {
        if (labels == null) {
            return false;
        }
        for (var e : selector.path("matchLabels").properties()) {
            if (!e.getValue().asString().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (JsonNode x : selector.path("matchExpressions")) {
            String key = x.path("key").asString();
            List<String> values = new ArrayList<>();
            x.path("values").forEach(v -> values.add(v.asString()));
            boolean has = labels.containsKey(key);
            boolean ok = switch (x.path("operator").asString()) {
                case "In" -> has && values.contains(labels.get(key));
                case "NotIn" -> !has || !values.contains(labels.get(key));
                case "Exists" -> has;
                case "DoesNotExist" -> !has;
                default -> throw new AssertionError("operator " + x.path("operator"));
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean inCidr(String ip, String cidr) {
        if (ip.contains(":") || cidr.contains(":")) {
            return false;
        }
        String[] parts = cidr.split("/");
        int bits = Integer.parseInt(parts[1]);
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        return (address(ip) & mask) == (address(parts[0]) & mask);
    }

    static long address(String ip) {
        long out = 0;
        for (String octet : ip.split("\\.")) {
            out = out << 8 | Integer.parseInt(octet);
        }
        return out;
    }
}
