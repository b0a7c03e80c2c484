package org.xmtpnode.devnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM the services run on, and how it finds their classes quickly.
 *
 * <p>The build targets Java 17, but a newer JDK starts and runs the same jars faster. The services run on
 * the newest JDK found at run time: {@code XMTP_DEVNET_JAVA_HOME} if set, else the newest of this JVM's own
 * and those under {@code JAVA_HOME} and {@code /usr/lib/jvm}.
 *
 * <p>On Java 25 and later each service starts from the JDK's ahead-of-time cache (JEP 483 and 514): its
 * jar is extracted once into plain jars (Spring Boot's {@code jarmode=tools extract}), a training run
 * starts its application context and exits ({@code spring.context.exit=onRefresh}), and the JVM writes
 * the classes it loaded and linked, with their profiles, into a cache that later starts map instead of
 * loading again. The cache lives beside the jar ({@code target/aot/}); it is made again when the jar, the
 * JDK or the JVM options change. A cache that cannot be made only costs the time: the service then starts
 * from its jar as before.
 *
 * <p>On any JDK, a service whose build processed it ahead of time (Spring Boot's {@code process-aot}, which
 * the builds of all services but the gateway run) starts in Spring's AOT mode
 * ({@code -Dspring.aot.enabled=true}): its application context comes from the bean definitions the build
 * generated, instead of from scanning, reading configuration classes and evaluating conditions at every
 * start. Conditions on properties were evaluated at build time, with the defaults; the devnet runs the
 * services with those.
 *
 * <p>{@code XMTP_DEVNET_AOT=off} turns both off.
 */
final class ServiceJvm {

    private static final Logger log = LoggerFactory.getLogger(ServiceJvm.class);

    /** The first JDK whose JVM writes an AOT cache in one training run ({@code -XX:AOTCacheOutput}). */
    private static final int AOT_CACHE_ONE_STEP = 25;

    /** Spring's AOT mode: the application context from the build's generated bean definitions. */
    static final String SPRING_AOT_MODE = "-Dspring.aot.enabled=true";

    private final Path javaHome;
    private final Runtime.Version version;
    private final boolean springAot;
    private final boolean aot;

    ServiceJvm(Path javaHome, Runtime.Version version, boolean aot) {
        this.javaHome = javaHome;
        this.version = version;
        this.springAot = aot;
        this.aot = aot && version.feature() >= AOT_CACHE_ONE_STEP;
    }

    /** The JVM as the environment chooses it (see the class comment). */
    static ServiceJvm fromEnvironment() {
        boolean aot = !"off".equalsIgnoreCase(System.getenv().getOrDefault("XMTP_DEVNET_AOT", "on"));
        String chosen = System.getenv("XMTP_DEVNET_JAVA_HOME");
        if (chosen != null && !chosen.isBlank()) {
            Path home = Path.of(chosen);
            return new ServiceJvm(
                    home,
                    version(home)
                            .orElseThrow(() -> new IllegalStateException(
                                    "XMTP_DEVNET_JAVA_HOME=" + chosen + " is not a JDK (no release file)")),
                    aot);
        }
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of(System.getProperty("java.home")));
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank()) {
            candidates.add(Path.of(javaHome));
        }
        try (Stream<Path> installed = Files.list(Path.of("/usr/lib/jvm"))) {
            installed.forEach(candidates::add);
        } catch (IOException e) {
            // no system JDKs: this JVM's own
        }
        Path best = Path.of(System.getProperty("java.home"));
        Runtime.Version bestVersion = Runtime.version();
        for (Path home : candidates) {
            Optional<Runtime.Version> v = version(home);
            if (v.isPresent()
                    && Files.isExecutable(home.resolve("bin/java"))
                    && v.get().compareTo(bestVersion) > 0) {
                best = home;
                bestVersion = v.get();
            }
        }
        return new ServiceJvm(best, bestVersion, aot);
    }

    /** A JDK's version from its {@code release} file. */
    static Optional<Runtime.Version> version(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(release)) {
            p.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        String v = p.getProperty("JAVA_VERSION", "").replace("\"", "");
        try {
            return v.isEmpty() ? Optional.empty() : Optional.of(Runtime.Version.parse(v));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    String java() {
        return javaHome.resolve("bin").resolve("java").toString();
    }

    Runtime.Version version() {
        return version;
    }

    /**
     * How a JVM with {@code jvmOptions} runs {@code jar}: in Spring's AOT mode when the build processed it so,
     * and from its AOT cache when there is one (see {@link #train}), else from the jar itself.
     */
    List<String> classes(Path jar, List<String> jvmOptions) {
        List<String> classes = new ArrayList<>(springAotMode(jar));
        Cache cache = aot ? cache(jar, jvmOptions) : null;
        if (cache != null && Files.isRegularFile(cache.file())) {
            classes.addAll(List.of(
                    "-XX:AOTCache=" + cache.file(), "-jar", cache.extractedJar().toString()));
        } else {
            classes.addAll(List.of("-jar", jar.toString()));
        }
        return classes;
    }

    /** {@link #SPRING_AOT_MODE} when it is on and the build processed the jar ahead of time, else nothing. */
    private List<String> springAotMode(Path jar) {
        return springAot && springAotProcessed(jar) ? List.of(SPRING_AOT_MODE) : List.of();
    }

    /**
     * Whether the build processed the jar's application ahead of time: the initializer that Spring Boot's
     * {@code process-aot} generates lies beside its main class.
     */
    static boolean springAotProcessed(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String main = manifest == null ? null : manifest.getMainAttributes().getValue("Start-Class");
            return main != null
                    && file.getEntry("BOOT-INF/classes/" + main.replace('.', '/')
                                    + "__ApplicationContextInitializer.class")
                            != null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Makes the AOT cache of {@code jar} for {@code jvmOptions} if it has none: extracts the jar, then runs
     * the service once, with those options, {@code moreOptions} (which the cache does not depend on) and its
     * arguments, as a training run that exits when its application context is ready. Returns the training process to wait for with {@link Training#await},
     * or empty when there is nothing to do.
     */
    Optional<Training> train(
            Path jar, List<String> jvmOptions, List<String> moreOptions, List<String> serviceArgs, Path logFile) {
        if (!aot) {
            return Optional.empty();
        }
        Cache cache = cache(jar, jvmOptions);
        if (Files.isRegularFile(cache.file())) {
            return Optional.empty();
        }
        try {
            Lock lock = Lock.take(cache.dir().getParent().resolve(".lock"));
            try {
                if (Files.isRegularFile(cache.file())) {
                    lock.close();
                    return Optional.empty();
                }
                extract(jar, cache);
                List<String> command = new ArrayList<>();
                command.add(java());
                command.addAll(jvmOptions);
                command.addAll(moreOptions);
                command.addAll(springAotMode(jar));
                command.add("-XX:AOTCacheOutput=" + cache.file());
                command.add("-Dspring.context.exit=onRefresh");
                command.add("-jar");
                command.add(cache.extractedJar().toString());
                command.addAll(serviceArgs);
                Process process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .start();
                return Optional.of(new Training(jar, cache, process, lock, logFile));
            } catch (IOException | RuntimeException e) {
                lock.close();
                throw e;
            }
        } catch (IOException | OverlappingFileLockException e) { // another devnet in this JVM is making it
            log.warn("no AOT cache for {}: {}; it starts from its jar", jar.getFileName(), e.toString());
            return Optional.empty();
        }
    }

    /** One training run under way. */
    record Training(Path jar, Cache cache, Process process, Lock lock, Path logFile) {

        /** Waits for the training run; a run that fails leaves no cache, and the service starts from its jar. */
        void await() {
            try {
                if (!succeeded(process, Duration.ofMinutes(5)) || !Files.isRegularFile(cache.file())) {
                    log.warn(
                            "the AOT training run of {} made no cache (see {}); it starts from its jar",
                            jar.getFileName(),
                            logFile);
                    Files.deleteIfExists(cache.file());
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                lock.close();
            }
        }
    }

    /**
     * Where the cache of one jar lives: {@code target/aot/<jar's stamp>/}, holding the extracted jar and one
     * cache file per JDK and JVM options.
     */
    record Cache(Path dir, Path extractedJar, Path file) {}

    private Cache cache(Path jar, List<String> jvmOptions) {
        try {
            String stamp =
                    Files.size(jar) + "-" + Files.getLastModifiedTime(jar).toMillis();
            Path dir = jar.getParent().resolve("aot").resolve(stamp);
            String key = sha256(version + "\n" + String.join("\n", jvmOptions)).substring(0, 12);
            return new Cache(
                    dir,
                    dir.resolve("app").resolve(jar.getFileName()),
                    dir.resolve("jdk-" + version.feature() + "-" + key + ".aot"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Extracts the jar (once per jar) with Spring Boot's tools; removes what earlier jars left. */
    private void extract(Path jar, Cache cache) throws IOException {
        if (Files.isRegularFile(cache.extractedJar())) {
            return;
        }
        Path aotDir = cache.dir().getParent();
        try (Stream<Path> old = Files.list(aotDir)) {
            for (Path p : old.filter(Files::isDirectory).toList()) {
                deleteTree(p);
            }
        }
        Path staging = Files.createTempDirectory(aotDir, "extract-");
        Process p = new ProcessBuilder(
                        java(),
                        "-Djarmode=tools",
                        "-jar",
                        jar.toString(),
                        "extract",
                        "--destination",
                        staging.resolve("app").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            if (!succeeded(p, Duration.ofMinutes(2))) {
                throw new IOException("extracting " + jar + " failed");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while extracting " + jar, e);
        }
        Files.move(staging, cache.dir());
    }

    /** Waits for a helper process: whether it exited with 0 within the limit; one still running then is killed. */
    private static boolean succeeded(Process process, Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            return false;
        }
        return process.exitValue() == 0;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A lock on a file, so that two devnets (or test JVMs) do not make the same cache at once. */
    record Lock(FileChannel channel, FileLock lock) implements AutoCloseable {

        static Lock take(Path file) throws IOException {
            Files.createDirectories(file.getParent());
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                return new Lock(channel, channel.lock());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // the lock goes with the channel
            }
        }
    }
}
