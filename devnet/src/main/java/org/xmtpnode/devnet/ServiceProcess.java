package org.xmtpnode.devnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running service JVM: the command it was started with, the log file its output goes to, and
 * the process. It can be asked whether it is ready, stopped, and started again with the same command.
 */
record ServiceProcess(ServiceInstance instance, List<String> command, Path logFile, Process process) {

    private static final Logger log = LoggerFactory.getLogger(ServiceProcess.class);

    /** Runs {@code command}, its output and errors appended to {@code logFile}. */
    static ServiceProcess start(ServiceInstance instance, List<String> command, Path logFile) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            return new ServiceProcess(instance, List.copyOf(command), logFile, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + instance.service().module, e);
        }
    }

    /** The same command again, into the same log (the port is in the command: it stays). */
    ServiceProcess startAgain() {
        return start(instance, command, logFile);
    }

    Devnet.Service service() {
        return instance.service();
    }

    /** Waits until the readiness URL answers 200; fails with the log's last lines if it exits or the time passes. */
    void awaitReady(Duration timeout) {
        String module = service().module;
        Poll.until(
                timeout,
                Duration.ofMillis(250),
                () -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(module + " exited with " + process.exitValue() + lastLines());
                    }
                    return Poll.status(instance.readiness(), Duration.ofSeconds(2)) == 200;
                },
                () -> module + " was not ready within " + timeout.toSeconds() + " s" + lastLines());
        log.info("{} is ready", module);
    }

    /** The readiness status code now (200 ready, 503 not ready, -1 not answering). */
    int readiness() {
        return Poll.status(instance.readiness(), Duration.ofSeconds(15));
    }

    /** SIGKILL (a crash) or SIGTERM (Spring's graceful shutdown). */
    void signal(boolean kill) {
        if (kill) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
    }

    /**
     * Waits for the process to end; one still running after {@code grace} is killed.
     *
     * @return whether it ended within {@code grace}
     */
    boolean awaitExit(Duration grace) {
        try {
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        return false;
    }

    private String lastLines() {
        String tail;
        try {
            List<String> all = Files.readAllLines(logFile);
            tail = String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
        } catch (IOException e) {
            tail = "(no log)";
        }
        return "; last lines of " + logFile + ":\n" + tail;
    }
}
