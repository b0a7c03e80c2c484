package org.xmtpnode.devnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpnode.devnet.Devnet.Options;
import org.xmtpnode.devnet.Devnet.Service;

/**
 * Process supervision: each service instance runs as a JVM of its own from the jar the build made,
 * its output in {@code logs/<name>.log}. Keeps the running ones in start order; waits for them to be
 * ready, restarts and stops them.
 */
final class Supervisor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

    private final Options options;
    private final ServiceJvm jvm;
    private final List<ServiceProcess> processes = new CopyOnWriteArrayList<>();
    private boolean closed;

    Supervisor(Options options) {
        this.options = options;
        this.jvm = ServiceJvm.fromEnvironment();
        log.info("services run on Java {} ({})", jvm.version(), jvm.java());
    }

    /**
     * Makes the JVM's AOT cache of every service among {@code instances} that has none yet (once per build,
     * JDK and JVM options; see {@link ServiceJvm}), the training runs side by side, each with the first
     * instance's arguments.
     */
    void prepare(List<ServiceInstance> instances) {
        Path logs = logs();
        List<CompletableFuture<Optional<ServiceJvm.Training>>> starting = new ArrayList<>();
        Set<Service> seen = EnumSet.noneOf(Service.class);
        for (ServiceInstance instance : instances) {
            if (instance.withFaults() || !seen.add(instance.service())) {
                continue;
            }
            // side by side: each first extracts its jar
            starting.add(CompletableFuture.supplyAsync(() -> jvm.train(
                    moduleJar(options.root(), instance.service().module),
                    options.jvmOptions(),
                    List.of(tmpdir()),
                    instance.args(),
                    logs.resolve(instance.name() + ".aot-training.log"))));
        }
        List<ServiceJvm.Training> trainings = starting.stream()
                .map(CompletableFuture::join)
                .flatMap(Optional::stream)
                .toList();
        if (!trainings.isEmpty()) {
            log.info(
                    "making the JVM's AOT cache of {} service(s), once per build (training runs, logs in {})",
                    trainings.size(),
                    logs);
            trainings.forEach(ServiceJvm.Training::await);
        }
    }

    /** Starts one instance; returns at once (see {@link #awaitReady}). */
    synchronized void start(ServiceInstance instance) {
        if (closed) {
            throw new IllegalStateException("the devnet is stopping");
        }
        String module = instance.service().module;
        List<String> command = command(instance);
        ServiceProcess p = ServiceProcess.start(instance, command, logs().resolve(instance.name() + ".log"));
        processes.add(p);
        log.info(
                "started {} on port {} (pid {}, log {})",
                module,
                instance.port(),
                p.process().pid(),
                p.logFile());
    }

    String java() {
        return jvm.java();
    }

    /** The log folder (and the services' temporary folder), made if missing. */
    private Path logs() {
        Path logs = options.dataDir().resolve("logs");
        try {
            Files.createDirectories(logs);
            Files.createDirectories(options.dataDir().resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + logs, e);
        }
        return logs;
    }

    /** The services' temporary folder, inside the devnet's data. */
    private String tmpdir() {
        return "-Djava.io.tmpdir=" + options.dataDir().resolve("tmp");
    }

    /** The JVM, its options, what it runs (the service's jar), then the instance's arguments. */
    private List<String> command(ServiceInstance instance) {
        List<String> command = new ArrayList<>();
        command.add(jvm.java());
        command.addAll(options.jvmOptions());
        command.add(tmpdir());
        command.addAll(classes(instance));
        command.addAll(instance.args());
        return command;
    }

    /**
     * How the JVM finds the service's classes: its runnable jar; with the fault-injection jar beside it, the
     * same jar through Spring Boot's PropertiesLauncher, which adds {@code loader.path} to the class path.
     */
    private List<String> classes(ServiceInstance instance) {
        Path jar = moduleJar(options.root(), instance.service().module);
        if (!instance.withFaults()) {
            return jvm.classes(jar, options.jvmOptions());
        }
        return List.of(
                "-Dloader.path=" + moduleJar(options.root(), "faults"),
                "-cp",
                jar.toString(),
                "org.springframework.boot.loader.launch.PropertiesLauncher");
    }

    /**
     * The jar the build made for a module, {@code <module>/target/<module>-<version>.jar}: the newest,
     * should a jar of an earlier version still lie there.
     */
    static Path moduleJar(Path root, String module) {
        Path target = root.resolve(module).resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> {
                        String n = p.getFileName().toString();
                        return n.startsWith(module + "-")
                                && n.endsWith(".jar")
                                && !n.endsWith("-sources.jar")
                                && !n.endsWith("-tests.jar");
                    })
                    .max(Comparator.comparingLong(p -> p.toFile().lastModified()))
                    .orElseThrow(() -> new IllegalStateException(
                            "no jar in " + target + ": build it first (mvn -DskipTests package)"));
        } catch (IOException e) {
            throw new IllegalStateException("no " + target + ": build the project first (mvn -DskipTests package)", e);
        }
    }

    /** The running instances that match, in start order. */
    List<ServiceProcess> running(Predicate<ServiceProcess> which) {
        return processes.stream().filter(which).toList();
    }

    /** The running instances of a service, in start order. */
    List<ServiceProcess> running(Service service) {
        return running(p -> p.service() == service);
    }

    /** Waits until every running instance that matches is ready. */
    void awaitReady(Predicate<ServiceProcess> which, Duration timeout) {
        for (ServiceProcess p : running(which)) {
            p.awaitReady(timeout);
        }
    }

    /**
     * SIGTERM to one instance of a service, its exit awaited, then the same command again.
     *
     * @return the stopped process's exit code
     */
    int restart(Service service, int instance, Duration readyTimeout) {
        ServiceProcess old = running(service).get(instance);
        old.signal(false);
        if (!old.awaitExit(Duration.ofSeconds(60))) {
            throw new IllegalStateException(service.module + " did not stop within 60 s of SIGTERM");
        }
        int exit = old.process().exitValue();
        ServiceProcess fresh = old.startAgain();
        processes.set(processes.indexOf(old), fresh);
        fresh.awaitReady(readyTimeout);
        return exit;
    }

    /** Signals all of {@code group} at once, then waits for each (killing it after {@code grace}) and forgets it. */
    void stop(List<ServiceProcess> group, boolean kill, Duration grace) {
        for (ServiceProcess p : group) {
            p.signal(kill);
        }
        for (ServiceProcess p : group) {
            p.awaitExit(grace);
            processes.remove(p);
        }
    }

    /** Returns when any running instance has exited. */
    void awaitAnyExit() {
        Poll.until(
                Duration.ofMillis(200),
                () -> processes.stream().anyMatch(p -> !p.process().isAlive()));
    }

    /** Stops every instance, the last started first (SIGTERM, then SIGKILL after 30 s); starts no more. */
    @Override
    public synchronized void close() {
        closed = true;
        List<ServiceProcess> reversed = new ArrayList<>(processes);
        Collections.reverse(reversed);
        stop(reversed, false, Duration.ofSeconds(30));
    }
}
