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
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every rendered object of a Kubernetes kind validates against the Kubernetes API's models (the official
 * client, Kubernetes 1.35): required fields present, types right, and no field the schema does not have (what
 * {@code kubectl apply} with strict field validation refuses). The operators' resources use the APIs their
 * pinned releases serve.
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
            "cert-manager.io/v1/Issuer",
            "monitoring.coreos.com/v1/PodMonitor",
            "monitoring.coreos.com/v1/PrometheusRule");

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
