package org.xmtpnode.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every rendered object of a Kubernetes kind validates against the Kubernetes API's models (the official
 * client, Kubernetes 1.35): required fields present, types right, and no field the schema does not have (what
 * {@code kubectl apply} with strict field validation refuses). The operators' resources use the APIs their
 * pinned releases serve, and validate against the models the npm packages of {@code deploy-check/schemas} make
 * from each project's CRDs or API types (kubernetes-models), unknown fields refused: see
 * {@code validate-custom-resources.mjs} and {@code deploy-check/schemas/README.md}.
 */
class SchemaTest {

    interface Validator {
        void validate(JsonElement json) throws IOException;
    }

    static final Map<String, Validator> CORE = Map.of(
            "v1/Namespace", V1Namespace::validateJsonElement,
            "v1/Service", V1Service::validateJsonElement,
            "v1/ConfigMap", V1ConfigMap::validateJsonElement,
            "v1/Secret", V1Secret::validateJsonElement,
            "apps/v1/Deployment", V1Deployment::validateJsonElement,
            "apps/v1/StatefulSet", V1StatefulSet::validateJsonElement,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget::validateJsonElement,
            "autoscaling/v2/HorizontalPodAutoscaler", V2HorizontalPodAutoscaler::validateJsonElement,
            "networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy::validateJsonElement);

    /** The custom resources and the API versions their pinned operators serve. */
    static final Set<String> CUSTOM = Set.of(
            "kafka.strimzi.io/v1/Kafka",
            "kafka.strimzi.io/v1/KafkaNodePool",
            "kafka.strimzi.io/v1/KafkaTopic",
            "kafka.strimzi.io/v1/KafkaMirrorMaker2",
            "postgresql.cnpg.io/v1/Cluster",
            "postgresql.cnpg.io/v1/Database",
            "postgresql.cnpg.io/v1/DatabaseRole",
            "gateway.networking.k8s.io/v1/Gateway",
            "gateway.networking.k8s.io/v1/HTTPRoute",
            "gateway.networking.k8s.io/v1/GRPCRoute",
            "cert-manager.io/v1/Issuer",
            "monitoring.coreos.com/v1/PodMonitor",
            "monitoring.coreos.com/v1/PrometheusRule");

    /**
     * Custom resources no npm package models yet: CloudNativePG's DatabaseRole (new in 1.30) is in none of
     * them (the newest {@code @kubernetes-models/cloudnative-pg}, 2.0.0, is of an earlier API); checked for its
     * API version only, until a package has it.
     */
    static final Set<String> UNMODELLED = Set.of("postgresql.cnpg.io/v1/DatabaseRole");

    static final JsonMapper JSON = JsonMapper.builder().build();

    static String type(JsonNode o) {
        return o.path("apiVersion").asString() + "/" + Manifests.kind(o);
    }

    static List<ObjectNode> everything() {
        List<ObjectNode> all = new ArrayList<>();
        Manifests.APPLIED.forEach(dir -> all.addAll(Manifests.render(dir)));
        Manifests.LOOSE.forEach(file -> all.addAll(Manifests.file(file)));
        return all;
    }

    @Test
    void everyKubernetesObjectIsValidWithNoUnknownField() {
        List<String> invalid = new ArrayList<>();
        int validated = 0;
        for (ObjectNode o : everything()) {
            Validator v = CORE.get(type(o));
            if (v == null) {
                continue;
            }
            try {
                v.validate(JsonParser.parseString(JSON.writeValueAsString(o)));
                validated++;
            } catch (IOException | RuntimeException e) {
                invalid.add(Manifests.id(o) + ": "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        assertThat(validated).isGreaterThan(50);
        assertThat(invalid).isEmpty();
    }

    @Test
    void everyCustomResourceIsValidWithNoUnknownField() {
        Map<String, ObjectNode> custom = new LinkedHashMap<>();
        for (String dir : Manifests.APPLIED) {
            for (ObjectNode o : Manifests.render(dir)) {
                if (CUSTOM.contains(type(o)) && !UNMODELLED.contains(type(o))) {
                    custom.put(dir + ": " + Manifests.id(o), o);
                }
            }
        }
        for (String file : Manifests.LOOSE) {
            Manifests.file(file).forEach(o -> custom.put(file + ": " + Manifests.id(o), o));
        }
        Set<String> kinds = new TreeSet<>();
        custom.values().forEach(o -> kinds.add(type(o)));
        Set<String> modelled = new TreeSet<>(CUSTOM);
        modelled.removeAll(UNMODELLED);
        assertThat(kinds).as("every modelled custom kind is rendered somewhere").isEqualTo(modelled);

        Map<String, List<String>> results = SchemaPackages.validateCustomResources(custom);
        assertThat(results).hasSize(custom.size());
        Map<String, List<String>> invalid = new TreeMap<>(results);
        invalid.values().removeIf(List::isEmpty);
        assertThat(invalid).as("custom resources against their models").isEmpty();
    }

    @Test
    void aCustomResourceWithAnUnknownFieldAWrongTypeOrAMissingRequiredFieldIsRefused() {
        List<ObjectNode> dev = Manifests.render("k8s/overlays/dev");
        ObjectNode kafka = Manifests.ofKind(dev, "Kafka").get(0);
        ObjectNode cluster = Manifests.ofKind(dev, "Cluster").get(0);
        ObjectNode route = Manifests.ofKind(dev, "HTTPRoute").get(0);
        ObjectNode issuer = Manifests.ofKind(dev, "Issuer").get(0);

        ObjectNode unknownDeep = kafka.deepCopy();
        ((ObjectNode) unknownDeep.path("spec").path("kafka").path("listeners").get(0)).put("tlss", true);
        ObjectNode unknownInRoute = route.deepCopy();
        ((ObjectNode) unknownInRoute.path("spec").path("rules").get(0)).putArray("matchs");
        ObjectNode unknownInIssuer = issuer.deepCopy();
        ((ObjectNode) unknownInIssuer.path("spec")).put("acmee", "x");
        ObjectNode wrongType = cluster.deepCopy();
        ((ObjectNode) wrongType.path("spec")).put("instances", "three");
        ObjectNode missingRequired = kafka.deepCopy();
        ((ObjectNode) missingRequired
                        .path("spec")
                        .path("kafka")
                        .path("listeners")
                        .get(0))
                .remove("type");
        // and where the CRD keeps unknown fields (x-kubernetes-preserve-unknown-fields), any key is taken
        ObjectNode openMap = kafka.deepCopy();
        ((ObjectNode) openMap.path("spec").path("kafka").path("config")).put("any.broker.setting", 1);

        Map<String, ObjectNode> objects = new LinkedHashMap<>();
        objects.put("unknown field", unknownDeep);
        objects.put("unknown field in a route", unknownInRoute);
        objects.put("unknown field in an issuer", unknownInIssuer);
        objects.put("wrong type", wrongType);
        objects.put("missing required field", missingRequired);
        objects.put("open map", openMap);
        Map<String, List<String>> results = SchemaPackages.validateCustomResources(objects);

        assertThat(results.get("unknown field")).anyMatch(e -> e.contains("tlss") && e.contains("known properties"));
        assertThat(results.get("unknown field in a route")).anyMatch(e -> e.contains("matchs"));
        assertThat(results.get("unknown field in an issuer")).anyMatch(e -> e.contains("acmee"));
        assertThat(results.get("wrong type")).anyMatch(e -> e.contains("/spec/instances must be integer"));
        assertThat(results.get("missing required field")).anyMatch(e -> e.contains("must have required property type"));
        assertThat(results.get("open map")).isEmpty();
    }

    @Test
    void anUnknownFieldIsRefused() {
        ObjectNode deployment = Manifests.ofKind(Manifests.render("k8s/overlays/dev"), "Deployment")
                .get(0)
                .deepCopy();
        ((ObjectNode) deployment
                        .path("spec")
                        .path("template")
                        .path("spec")
                        .path("containers")
                        .get(0))
                .put("imagePullPolicyy", "Always");
        assertThatThrownBy(() ->
                        V1Deployment.validateJsonElement(JsonParser.parseString(JSON.writeValueAsString(deployment))))
                .hasMessageContaining("imagePullPolicyy");
    }

    @Test
    void everyObjectIsOfAnApiTheClusterServes() {
        List<String> unknown = new ArrayList<>();
        for (ObjectNode o : everything()) {
            if (!CORE.containsKey(type(o)) && !CUSTOM.contains(type(o))) {
                unknown.add(Manifests.id(o) + " (" + type(o) + ")");
            }
        }
        assertThat(unknown)
                .as("kinds of no served API: Strimzi 1.x serves kafka.strimzi.io/v1 only")
                .isEmpty();
    }

    @Test
    void mirrorMakerHasItsV1Shape() {
        ObjectNode mm2 = Manifests.file("k8s/infra/mirrormaker2-example.yaml").get(0);
        JsonNode spec = mm2.path("spec");
        assertThat(spec.path("target").path("alias").asString()).isNotEmpty();
        assertThat(spec.has("clusters")).as("v1beta2's clusters").isFalse();
        assertThat(spec.has("connectCluster")).as("v1beta2's connectCluster").isFalse();
        for (JsonNode mirror : spec.path("mirrors")) {
            assertThat(mirror.path("source").path("alias").asString()).isNotEmpty();
            assertThat(mirror.has("sourceCluster") || mirror.has("targetCluster"))
                    .isFalse();
            // the services read exact topic names: records must land in the same names
            assertThat(mirror.path("sourceConnector")
                            .path("config")
                            .path("replication.policy.class")
                            .asString())
                    .endsWith("IdentityReplicationPolicy");
        }
    }
}
