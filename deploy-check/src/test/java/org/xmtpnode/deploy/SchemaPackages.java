package org.xmtpnode.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The npm packages of {@code deploy-check/schemas} (package.json, pinned by package-lock.json): the Compose
 * Specification's schema and the custom resources' models. {@code npm ci} installs them on first use, and again
 * when package.json pins a version the installed tree does not have.
 */
final class SchemaPackages {

    static final Path DIR = Manifests.ROOT.resolve("deploy-check/schemas");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SchemaPackages() {}

    /** The installed packages' folder, after {@code npm ci} where package.json and node_modules differ. */
    static synchronized Path nodeModules() {
        Path modules = DIR.resolve("node_modules");
        if (!installed(modules)) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
            assertThat(installed(modules)).as("npm ci in " + DIR).isTrue();
        }
        return modules;
    }

    private static boolean installed(Path modules) {
        JsonNode wanted = JSON.readTree(DIR.resolve("package.json").toFile()).path("dependencies");
        for (var dependency : wanted.properties()) {
            Path manifest = modules.resolve(dependency.getKey()).resolve("package.json");
            if (!Files.exists(manifest)
                    || !JSON.readTree(manifest.toFile())
                            .path("version")
                            .asString()
                            .equals(dependency.getValue().asString())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Validates custom resources with validate-custom-resources.mjs (the models' own schema checks, and a strict
     * TypeScript compile that refuses unknown fields): each object's id to its errors, empty when valid.
     */
    static Map<String, List<String>> validateCustomResources(Map<String, ? extends JsonNode> objects) {
        nodeModules();
        ArrayNode input = JSON.createArrayNode();
        objects.forEach((id, object) -> {
            ObjectNode entry = input.addObject();
            entry.put("id", id);
            entry.set("object", object);
        });
        try {
            Path file = Files.createTempFile("custom-resources", ".json");
            try {
                Files.writeString(file, JSON.writeValueAsString(input));
                String out = run(
                        List.of(
                                "node",
                                DIR.resolve("validate-custom-resources.mjs").toString(),
                                file.toString()),
                        120);
                Map<String, List<String>> results = new LinkedHashMap<>();
                for (JsonNode r : JSON.readTree(out)) {
                    List<String> errors = new ArrayList<>();
                    r.path("errors").forEach(e -> errors.add(e.asString()));
                    results.put(r.path("id").asString(), errors);
                }
                return results;
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String run(List<String> command, int seconds) {
        try {
            Path err = Files.createTempFile("npm", ".err");
            try {
                Process p = new ProcessBuilder(command)
                        .directory(DIR.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectError(err.toFile())
                        .start();
                byte[] out = p.getInputStream().readAllBytes();
                boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
                if (!done) {
                    p.destroyForcibly();
                }
                assertThat(done && p.exitValue() == 0)
                        .as(String.join(" ", command) + " in " + DIR + ": " + Files.readString(err))
                        .isTrue();
                return new String(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
