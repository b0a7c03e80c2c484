package org.xmtpnode.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The configuration reference in {@code docs/configuration.md} is generated from the configuration
 * metadata the build writes into every service jar (the validated property records and their javadoc),
 * so it cannot drift from the code: this test generates it again and compares.
 */
class ConfigurationReferenceTest {

    static final Path ROOT =
            Path.of(System.getProperty("xmtp.root", "..")).toAbsolutePath().normalize();
    static final Path DOC = ROOT.resolve("docs/configuration.md");
    static final String BEGIN =
            "<!-- BEGIN GENERATED from the configuration metadata by ConfigurationReferenceTest -->";
    static final String END = "<!-- END GENERATED -->";
    static final List<String> SERVICES =
            List.of("relay-service", "topic-service", "keystore-service", "bootstrap-service", "gateway-service");
    /** The shared groups of node-runtime, and the class a service enables them with. */
    static final String RUNTIME_CONFIG = "org/xmtpnode/runtime/config/NodeProperties";

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void theDocumentedConfigurationIsTheCodes() throws IOException {
        String generated = generate();
        Path written = ROOT.resolve("e2e/target/docs/configuration-reference.md");
        Files.createDirectories(written.getParent());
        Files.writeString(written, generated);
        String doc = Files.readString(DOC);
        assertThat(doc).contains(BEGIN).contains(END);
        String documented = doc.substring(doc.indexOf(BEGIN) + BEGIN.length(), doc.indexOf(END));
        assertThat(documented.strip())
                .as(
                        "docs/configuration.md is generated from the code's configuration metadata; put %s between"
                                + " its markers",
                        written)
                .isEqualTo(generated.strip());
    }

    static String generate() throws IOException {
        StringBuilder out = new StringBuilder();
        List<String> shared = new ArrayList<>();
        for (String service : SERVICES) {
            if (enablesRuntimeGroups(service)) {
                shared.add(service);
            }
        }
        out.append("\n### Every node service: `xmtp.node.*`, `xmtp.kafka.*`\n\n");
        out.append("Read by ").append(String.join(", ", shared)).append(" (node-runtime's records).\n\n");
        table(out, metadata(ROOT.resolve("node-runtime")));
        for (String service : SERVICES) {
            out.append("\n### ").append(service).append("\n\n");
            table(out, metadata(ROOT.resolve(service)));
        }
        return out.toString();
    }

    /** Whether the service's compiled configuration enables node-runtime's shared records. */
    static boolean enablesRuntimeGroups(String service) throws IOException {
        try (Stream<Path> classes = Files.walk(ROOT.resolve(service).resolve("target/classes"))) {
            return classes.filter(p -> p.toString().endsWith(".class")).anyMatch(p -> {
                try {
                    String bytes = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
                    return bytes.contains("EnableConfigurationProperties") && bytes.contains(RUNTIME_CONFIG);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    static JsonNode metadata(Path module) throws IOException {
        Path file = module.resolve("target/classes/META-INF/spring-configuration-metadata.json");
        assertThat(file)
                .as("the build writes configuration metadata into %s", module)
                .exists();
        return JSON.readTree(file.toFile());
    }

    static void table(StringBuilder out, JsonNode metadata) {
        out.append("| property | environment variable | default | meaning |\n|---|---|---|---|\n");
        List<JsonNode> properties = new ArrayList<>();
        metadata.path("properties").forEach(properties::add);
        properties.sort(
                (a, b) -> a.path("name").asString().compareTo(b.path("name").asString()));
        for (JsonNode p : properties) {
            String name = p.path("name").asString();
            if (!name.startsWith("xmtp.")) {
                continue; // the framework's own (an actuator endpoint's settings) are Spring Boot's to document
            }
            out.append("| `")
                    .append(name)
                    .append("` | `")
                    .append(environmentVariable(name))
                    .append("` | ");
            out.append(defaultValue(p.path("defaultValue"))).append(" | ");
            out.append(markdown(p.path("description").asString(""))).append(" |\n");
        }
    }

    /** Spring's relaxed binding: dots to underscores, dashes dropped, upper case. */
    static String environmentVariable(String property) {
        return property.replace(".", "_").replace("-", "").toUpperCase(Locale.ROOT);
    }

    static String defaultValue(JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return "unset";
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(v.asString()));
            return items.isEmpty() ? "empty" : "`" + String.join(",", items) + "`";
        }
        return "`" + value.asString() + "`";
    }

    /** Javadoc to markdown: {@code x} and {@link x} (braces inside balanced) become code, table pipes are escaped. */
    static String markdown(String javadoc) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < javadoc.length()) {
            int tag = javadoc.indexOf("{@", i);
            int space = tag < 0 ? -1 : javadoc.indexOf(' ', tag);
            if (tag < 0 || space < 0) {
                out.append(javadoc, i, javadoc.length());
                break;
            }
            out.append(javadoc, i, tag);
            int depth = 1;
            int j = space + 1;
            while (j < javadoc.length() && depth > 0) {
                char c = javadoc.charAt(j++);
                depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            }
            out.append('`').append(javadoc, space + 1, j - 1).append('`');
            i = j;
        }
        return out.toString().replace("|", "\\|").replaceAll("\\s+", " ").strip();
    }
}
