package org.xmtpnode.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** Every kustomization renders, as {@code kubectl apply -k} would, into objects with distinct names. */
class RenderTest {

    @Test
    void everyKustomizationRendersWithoutDuplicates() throws IOException {
        List<String> dirs = Manifests.kustomizations();
        assertThat(dirs).containsAll(Manifests.APPLIED);
        int rendered = 0;
        for (String dir : dirs) {
            if (Files.readString(Manifests.ROOT.resolve(dir).resolve("kustomization.yaml"))
                    .contains("kind: Component")) {
                continue; // a component renders only inside a kustomization (the overlays include both)
            }
            List<ObjectNode> objects = Manifests.render(dir);
            assertThat(objects).as(dir).isNotEmpty();
            Set<String> ids = new HashSet<>();
            for (ObjectNode o : objects) {
                assertThat(ids.add(Manifests.id(o)))
                        .as(dir + " renders " + Manifests.id(o) + " twice")
                        .isTrue();
            }
            rendered++;
        }
        assertThat(rendered).isGreaterThanOrEqualTo(Manifests.APPLIED.size());
    }

    @Test
    void theLooseExamplesParse() {
        for (String file : Manifests.LOOSE) {
            assertThat(Manifests.file(file)).as(file).isNotEmpty();
        }
    }

    @Test
    void theDevOverlayBringsAWholeNodeWithItsInfrastructure() {
        List<ObjectNode> dev = Manifests.render("k8s/overlays/dev");
        for (String kind : List.of("Kafka", "KafkaNodePool", "KafkaTopic", "Cluster", "Database", "DatabaseRole")) {
            assertThat(Manifests.ofKind(dev, kind)).as(kind).isNotEmpty();
        }
        assertThat(Manifests.ofKind(dev, "Deployment")).hasSize(5);
        assertThat(Manifests.find(dev, "StatefulSet", "xmtp-infra", "redis")).isPresent();
        assertThat(Manifests.ofKind(dev, "HTTPRoute")).hasSize(1);
    }
}
