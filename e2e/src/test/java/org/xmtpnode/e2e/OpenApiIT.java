package org.xmtpnode.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmtpnode.devnet.Devnet;
import org.xmtpnode.testsupport.TestWallet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code docs/openapi.yaml} against the running API of a local network: every public route is described,
 * every described operation answers, with a documented status, a body its schema accepts — its example
 * request, a bad request, and for the key directory a wallet that has bundles.
 */
class OpenApiIT {

    static final Path ROOT =
            Path.of(System.getProperty("xmtp.root", "..")).toAbsolutePath().normalize();
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static JsonNode spec;
    static Devnet devnet;
    static TestWallet wallet;
    static String token;

    @BeforeAll
    static void load() throws Exception {
        spec = new YAMLMapper().readTree(ROOT.resolve("docs/openapi.yaml").toFile());
        devnet = SharedDevnet.get();
        wallet = TestWallet.random();
        token = wallet.token(System.currentTimeMillis() * 1_000_000L);
    }

    @Test
    void everyPublicRouteIsDescribedAndEveryDescribedPathIsARoute() throws IOException {
        Set<String> described = new TreeSet<>();
        spec.path("paths").propertyNames().forEach(described::add);
        JsonNode routes = new YAMLMapper()
                .readTree(ROOT.resolve("gateway-service/src/main/resources/application.yml")
                        .toFile())
                .at("/spring/cloud/gateway/server/webflux/routes");
        Set<String> routed = new TreeSet<>();
        for (JsonNode route : routes) {
            for (JsonNode predicate : route.path("predicates")) {
                String p = predicate.asString();
                if (p.startsWith("Path=")) {
                    routed.addAll(List.of(p.substring(5).split(",")));
                }
            }
        }
        for (String r : routed) {
            if (r.endsWith("/**")) {
                String prefix = r.substring(0, r.length() - 2);
                assertThat(described).as("%s is described", r).anyMatch(p -> p.startsWith(prefix));
            } else {
                assertThat(described).as("the route %s is described", r).contains(r);
            }
        }
        for (String p : described) {
            boolean isRoute = routed.contains(p)
                    || routed.stream().anyMatch(r -> r.endsWith("/**") && p.startsWith(r.substring(0, r.length() - 2)));
            boolean onBootstrap = spec.path("paths").path(p).has("servers");
            assertThat(isRoute || onBootstrap)
                    .as("%s is a gateway route or names its own server", p)
                    .isTrue();
        }
    }

    @Test
    void everyOperationAnswersItsExampleAndABadRequestAsDescribed() throws Exception {
        List<String> checked = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths =
                        spec.path("paths").properties().iterator();
                paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (String method : List.of("get", "post")) {
                JsonNode op = path.getValue().path(method);
                if (op.isMissingNode()) {
                    continue;
                }
                String url = base(path.getKey()) + path.getKey();
                for (JsonNode parameter : op.path("parameters")) {
                    JsonNode p = resolve(parameter);
                    if (p.path("in").asString().equals("path")) {
                        url = url.replace(
                                "{" + p.path("name").asString() + "}",
                                p.path("example").asString());
                    }
                }
                JsonNode example = op.at("/requestBody/content").properties().stream()
                        .findFirst()
                        .map(e -> e.getValue().path("example"))
                        .orElse(null);
                String body = example == null || example.isMissingNode() ? null : JSON.writeValueAsString(example);
                check(op, method, url, body);
                check(op, method, badVariant(url, method), method.equals("post") ? "{\"not\":" : null);
                checked.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }
        System.out.println("openapi: checked " + checked);
        assertThat(checked).hasSize(10);
    }

    @Test
    void aWalletWithBundlesIsAnsweredAsDescribed() throws Exception {
        String topic = "/xmtp/0/contact-" + wallet.walletAddress() + "/proto";
        long t = System.currentTimeMillis() * 1_000_000L;
        String publish =
                "{\"envelopes\":[" + envelope(topic, t, wallet.contactBundleV2().toByteArray()) + "]}";
        HttpResponse<String> r = send("POST", devnet.apiUrl() + "/message/v1/publish", publish);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode op = spec.at("/paths/~1keys~1v1~1contacts~1{wallet}/get");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(
                                check(op, "get", devnet.apiUrl() + "/keys/v1/contacts/" + wallet.walletAddress(), null))
                        .isEqualTo(200));
    }

    static String envelope(String topic, long timeNs, byte[] message) {
        return "{\"contentTopic\":\"" + topic + "\",\"timestampNs\":\"" + timeNs + "\",\"message\":\""
                + Base64.getEncoder().encodeToString(message) + "\"}";
    }

    String base(String path) {
        return path.startsWith("/nodes/") ? devnet.url(Devnet.Service.BOOTSTRAP, 0) : devnet.apiUrl();
    }

    /** A request the API must refuse: a malformed body, or a malformed address in the path. */
    static String badVariant(String url, String method) {
        return method.equals("get") && url.contains("/keys/v1/")
                ? url.replaceAll("0x[0-9a-fA-F]{40}", "0xnot-an-address")
                : url;
    }

    /** Sends, then checks the status is documented and the body (a stream's first line) fits its schema. */
    static int check(JsonNode op, String method, String url, String body) throws Exception {
        boolean stream = url.contains("/subscribe");
        HttpResponse<String> r = stream ? firstLine(url, body) : send(method.toUpperCase(Locale.ROOT), url, body);
        String status = Integer.toString(r.statusCode());
        String what = method + " " + url + " " + (body == null ? "" : body) + " -> " + status + " " + r.body();
        JsonNode response = resolve(op.path("responses").path(status));
        assertThat(response.isMissingNode()).as("a documented status: %s", what).isFalse();
        String contentType = r.headers().firstValue("Content-Type").orElse("").split(";")[0];
        JsonNode media = response.path("content").path(contentType);
        assertThat(media.isMissingNode())
                .as("a documented content type (%s): %s", contentType, what)
                .isFalse();
        List<Error> errors = validator(media.path("schema")).validate(JSON.readTree(r.body()));
        assertThat(errors).as("the body fits its schema: %s", what).isEmpty();
        if (r.statusCode() == 429) {
            assertThat(r.headers().firstValue("Retry-After")).as(what).isPresent();
        }
        return r.statusCode();
    }

    static HttpResponse<String> send(String method, String url, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (url.endsWith("/message/v1/publish")) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A stream's status and first line (the heartbeat at once), or a refused stream's whole body. */
    static HttpResponse<String> firstLine(String url, String body) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        String line;
        try (var reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            line = r.statusCode() == 200
                    ? reader.readLine()
                    : String.join("\n", reader.lines().toList());
        }
        return new TextResponse(r, line);
    }

    /** A response whose body was read as text already. */
    record TextResponse(HttpResponse<InputStream> r, String text) implements HttpResponse<String> {
        @Override
        public int statusCode() {
            return r.statusCode();
        }

        @Override
        public HttpRequest request() {
            return r.request();
        }

        @Override
        public Optional<HttpResponse<String>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
            return r.headers();
        }

        @Override
        public String body() {
            return text;
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return r.sslSession();
        }

        @Override
        public URI uri() {
            return r.uri();
        }

        @Override
        public HttpClient.Version version() {
            return r.version();
        }
    }

    /** Follows a {@code $ref} to components. */
    static JsonNode resolve(JsonNode node) {
        JsonNode n = node;
        while (n.has("$ref")) {
            n = spec.at(n.path("$ref").asString().substring(1));
        }
        return n;
    }

    /** A JSON Schema (2020-12) of an OpenAPI schema: the components become $defs. */
    static Schema validator(JsonNode schema) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("$defs", spec.at("/components/schemas"));
        ((ObjectNode) root).setAll((ObjectNode) schema);
        String text = JSON.writeValueAsString(root).replace("#/components/schemas/", "#/$defs/");
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(text);
    }
}
