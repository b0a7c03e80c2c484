package org.xmtpnode.deploy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The properties each service reads, from the configuration metadata the build writes: its own
 * {@code xmtp.*} records (and node-runtime's {@code xmtp.node.*}, {@code xmtp.kafka.*} where it enables them),
 * and the framework's properties from the metadata of every library in its runnable jar. An environment
 * variable maps to a property the way Spring's relaxed binding does (docs/configuration.md).
 */
final class ServiceProperties {

    static final List<String> SERVICES =
            List.of("gateway-service", "relay-service", "topic-service", "keystore-service", "bootstrap-service");

    /** Variables the JVM reads, not Spring. */
    static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

    /**
     * Properties a service binds through node-runtime's shared record but never uses: bootstrap-service's only
     * topic is the registry (one partition, named by xmtp.bootstrap.registry-topic), so the envelope topic's name
     * and partitions mean nothing to it.
     */
    static final Map<String, Set<String>> BOUND_BUT_UNUSED =
            Map.of("bootstrap-service", Set.of("xmtp.kafka.topic", "xmtp.kafka.partitions"));

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String RUNTIME_CONFIG = "org/xmtpnode/runtime/config/NodeProperties";
    private static final Map<String, Set<String>> READ = new ConcurrentHashMap<>();

    private ServiceProperties() {}

    /** Every property name the service reads. */
    static Set<String> of(String service) {
        return READ.computeIfAbsent(service, ServiceProperties::load);
    }

    /** The environment form of a property: upper case, dots to underscores, dashes dropped. */
    static String environmentVariable(String property) {
        return property.replace(".", "_").replace("-", "").toUpperCase(Locale.ROOT);
    }

    /** Whether the service reads the variable (a property's environment form, or one the JVM reads). */
    static boolean reads(String service, String variable) {
        if (JVM_VARIABLES.contains(variable)) {
            return true;
        }
        return of(service).stream().anyMatch(p -> environmentVariable(p).equals(variable));
    }

    /** The property a variable sets for a service, or null. */
    static String property(String service, String variable) {
        return of(service).stream()
                .filter(p -> environmentVariable(p).equals(variable))
                .findFirst()
                .orElse(null);
    }

    private static Set<String> load(String service) {
        Path module = Manifests.ROOT.resolve(service);
        Set<String> names = new TreeSet<>();
        names.addAll(xmtp(metadata(module.resolve("target/classes/META-INF/spring-configuration-metadata.json"))));
        if (enablesRuntimeGroups(module)) {
            names.addAll(xmtp(metadata(Manifests.ROOT.resolve(
                    "node-runtime/target/classes/META-INF/spring-configuration-metadata.json"))));
        }
        names.removeAll(BOUND_BUT_UNUSED.getOrDefault(service, Set.of()));
        names.addAll(frameworkProperties(jar(module, service)));
        return names;
    }

    private static Set<String> xmtp(Set<String> names) {
        Set<String> out = new HashSet<>();
        for (String n : names) {
            if (n.startsWith("xmtp.")) {
                out.add(n);
            }
        }
        return out;
    }

    private static Set<String> metadata(Path file) {
        if (!Files.exists(file)) {
            throw new AssertionError("no configuration metadata at " + file + ": build the module first");
        }
        try {
            return names(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> names(byte[] json) {
        Set<String> out = new HashSet<>();
        JsonNode root = JSON.readTree(json);
        root.path("properties").forEach(p -> out.add(p.path("name").asString()));
        return out;
    }

    /** The framework's properties (not {@code xmtp.*}) from the metadata of every library in the jar. */
    private static Set<String> frameworkProperties(Path jar) {
        Set<String> out = new HashSet<>();
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            JarEntry e;
            while ((e = in.getNextJarEntry()) != null) {
                if (e.getName().startsWith("BOOT-INF/lib/") && e.getName().endsWith(".jar")) {
                    readNested(new ByteArrayInputStream(in.readAllBytes()), out);
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        out.removeIf(n -> n.startsWith("xmtp."));
        return out;
    }

    private static void readNested(InputStream jar, Set<String> out) throws IOException {
        try (JarInputStream in = new JarInputStream(jar)) {
            JarEntry e;
            while ((e = in.getNextJarEntry()) != null) {
                String n = e.getName();
                if (n.equals("META-INF/spring-configuration-metadata.json")
                        || n.equals("META-INF/additional-spring-configuration-metadata.json")) {
                    out.addAll(names(in.readAllBytes()));
                }
            }
        }
    }

    /** The runnable jar the build made, {@code <module>/target/<module>-<version>.jar}. */
    static Path jar(Path module, String name) {
        Path jar = module.resolve("target").resolve(name + "-" + System.getProperty("xmtp.version") + ".jar");
        if (!Files.exists(jar)) {
            throw new AssertionError("no " + jar + ": build the module first (mvn package)");
        }
        return jar;
    }

    /** Whether the service's compiled configuration enables node-runtime's shared records. */
    private static boolean enablesRuntimeGroups(Path module) {
        try (Stream<Path> classes = Files.walk(module.resolve("target/classes"))) {
            return classes.filter(p -> p.toString().endsWith(".class")).anyMatch(p -> {
                try {
                    String bytes = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
                    return bytes.contains("EnableConfigurationProperties") && bytes.contains(RUNTIME_CONFIG);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
