package org.xmtpnode.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The repository's deployment files: every kustomization under {@code k8s/}, rendered with {@code kubectl
 * kustomize} (Kustomize v5, as an operator's {@code kubectl apply -k} does), and the example manifests that no
 * kustomization includes.
 */
final class Manifests {

    static final Path ROOT =
            Path.of(System.getProperty("xmtp.root", "..")).toAbsolutePath().normalize();
    static final Path K8S = ROOT.resolve("k8s");
    static final ObjectMapper YAML = YAMLMapper.builder().build();

    /** The kustomizations an operator applies: the overlays, the examples and the infrastructure. */
    static final List<String> APPLIED = List.of(
            "k8s/overlays/dev",
            "k8s/overlays/prod",
            "k8s/examples/three-nodes",
            "k8s/infra/dev",
            "k8s/infra/production");

    /** Manifests applied with {@code kubectl apply -f}, outside every kustomization. */
    static final List<String> LOOSE = List.of("k8s/infra/mirrormaker2-example.yaml");

    private static final Map<Path, List<ObjectNode>> RENDERED = new ConcurrentHashMap<>();

    private Manifests() {}

    /** Every folder under k8s/ with a kustomization.yaml, relative to the repository. */
    static List<String> kustomizations() {
        try (Stream<Path> files = Files.walk(K8S)) {
            return files.filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                    .map(p -> ROOT.relativize(p.getParent()).toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The objects one kustomization renders to (cached: each is rendered once per test JVM). */
    static List<ObjectNode> render(String dir) {
        return RENDERED.computeIfAbsent(ROOT.resolve(dir), Manifests::kustomize);
    }

    /** The objects of a plain manifest file. */
    static List<ObjectNode> file(String path) {
        try {
            return documents(Files.readString(ROOT.resolve(path)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<ObjectNode> kustomize(Path dir) {
        try {
            Process p = new ProcessBuilder(kubectl(), "kustomize", dir.toString())
                    .redirectErrorStream(false)
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + ROOT.relativize(dir) + " failed: " + err);
            }
            return documents(new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kubectl (.ci/run installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** kubectl from the PATH, or {@code KUBECTL}. */
    static String kubectl() {
        return Optional.ofNullable(System.getenv("KUBECTL")).orElse("kubectl");
    }

    static List<ObjectNode> documents(String yaml) {
        List<ObjectNode> out = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.strip().isEmpty()
                    || doc.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
                continue;
            }
            JsonNode node = YAML.readTree(doc);
            if (node instanceof ObjectNode o) {
                out.add(o);
            }
        }
        return out;
    }

    static String kind(JsonNode o) {
        return o.path("kind").asString("");
    }

    static String name(JsonNode o) {
        return o.path("metadata").path("name").asString("");
    }

    static String namespace(JsonNode o) {
        return o.path("metadata").path("namespace").asString("");
    }

    static String id(JsonNode o) {
        return kind(o) + " " + (namespace(o).isEmpty() ? "" : namespace(o) + "/") + name(o);
    }

    static List<ObjectNode> ofKind(List<ObjectNode> objects, String kind) {
        return objects.stream().filter(o -> kind(o).equals(kind)).toList();
    }

    static Optional<ObjectNode> find(List<ObjectNode> objects, String kind, String namespace, String name) {
        return objects.stream()
                .filter(o -> kind(o).equals(kind) && namespace(o).equals(namespace) && name(o).equals(name))
                .findFirst();
    }

    /** The pod template's labels of a workload (Deployment, StatefulSet). */
    static JsonNode podLabels(JsonNode workload) {
        return workload.path("spec").path("template").path("metadata").path("labels");
    }

    static List<JsonNode> containers(JsonNode workload) {
        List<JsonNode> out = new ArrayList<>();
        workload.path("spec").path("template").path("spec").path("containers").forEach(out::add);
        return out;
    }

    /** Whether every label of {@code selector} (matchLabels form) is among {@code labels}. */
    static boolean matches(JsonNode selector, JsonNode labels) {
        if (selector.isMissingNode() || selector.isNull() || selector.isEmpty()) {
            return false;
        }
        for (var e : selector.properties()) {
            if (!e.getValue().asString().equals(labels.path(e.getKey()).asString(null))) {
                return false;
            }
        }
        return true;
    }
}
