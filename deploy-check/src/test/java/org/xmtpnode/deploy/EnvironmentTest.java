package org.xmtpnode.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every environment variable the manifests and the compose file give a service maps to a property that
 * service reads (from the configuration metadata the build writes), so a renamed property or a variable meant
 * for another service fails here instead of being ignored in a deployment.
 */
class EnvironmentTest {

    @Test
    void everyVariableOfEveryRenderedDeploymentIsReadByItsService() {
        List<String> unread = new ArrayList<>();
        for (String dir : Manifests.APPLIED) {
            for (ObjectNode d : Manifests.ofKind(Manifests.render(dir), "Deployment")) {
                String service = Manifests.name(d);
                if (!ServiceProperties.SERVICES.contains(service)) {
                    continue;
                }
                for (JsonNode c : Manifests.containers(d)) {
                    for (JsonNode env : c.path("env")) {
                        String name = env.path("name").asString();
                        if (!ServiceProperties.reads(service, name)) {
                            unread.add(dir + ": " + Manifests.id(d) + " sets " + name);
                        }
                    }
                }
            }
        }
        assertThat(unread).as("variables no service reads").isEmpty();
    }

    @Test
    void everyVariableOfTheComposeFileIsReadByItsService() {
        List<String> unread = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, Map<String, String>> s :
                ComposeFile.environments().entrySet()) {
            if (!ServiceProperties.SERVICES.contains(s.getKey())) {
                continue;
            }
            for (String name : s.getValue().keySet()) {
                checked++;
                if (!ServiceProperties.reads(s.getKey(), name)) {
                    unread.add(s.getKey() + " sets " + name);
                }
            }
        }
        assertThat(checked).isGreaterThan(20);
        assertThat(unread).as("variables no service reads").isEmpty();
    }

    @Test
    void aVariableForAnotherServiceOrAnOldNameIsRefused() {
        // what this check exists for: the names the deployments used before the properties moved
        assertThat(ServiceProperties.reads("relay-service", "XMTP_RELAY_STORE_URL"))
                .isFalse();
        assertThat(ServiceProperties.reads("keystore-service", "XMTP_CATCH_UP_STORE_URL"))
                .isFalse();
        assertThat(ServiceProperties.reads("bootstrap-service", "XMTP_NODE_PUBLIC_URL"))
                .isFalse();
        assertThat(ServiceProperties.reads("gateway-service", "XMTP_KAFKA_BOOTSTRAPSERVERS"))
                .isFalse();
        assertThat(ServiceProperties.reads("gateway-service", "XMTP_NODE_ID")).isFalse();
        assertThat(ServiceProperties.reads("bootstrap-service", "XMTP_KAFKA_TOPIC"))
                .isFalse();
        // and the current ones are read
        assertThat(ServiceProperties.reads("relay-service", "XMTP_RELAY_TOPICURL"))
                .isTrue();
        assertThat(ServiceProperties.reads("keystore-service", "XMTP_KEYSTORE_TOPICURL"))
                .isTrue();
        assertThat(ServiceProperties.reads("topic-service", "SPRING_DATASOURCE_URL"))
                .isTrue();
        assertThat(ServiceProperties.reads("gateway-service", "MANAGEMENT_SERVER_PORT"))
                .isTrue();
    }
}
