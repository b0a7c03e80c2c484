package org.xmtpnode.e2e;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The SDK's Node.js project in {@code e2e/js}: installed once (npm ci), then its scripts run. */
final class Npm {

    static final Path JS = Path.of(System.getProperty("xmtp.e2e.js", "js")).toAbsolutePath();

    private Npm() {}

    /** Installs when nothing is installed, or when the lock file changed since the last install. */
    static synchronized void ensureInstalled() throws Exception {
        Path installed = JS.resolve("node_modules").resolve(".package-lock.json");
        if (!Files.isRegularFile(installed)
                || Files.getLastModifiedTime(installed)
                                .compareTo(Files.getLastModifiedTime(JS.resolve("package-lock.json")))
                        < 0) {
            int exit = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 300, true)
                    .exit();
            if (exit != 0) {
                throw new AssertionError("npm ci failed in " + JS);
            }
        }
    }

    record Result(int exit, String stdout) {}

    /** Runs a command in e2e/js; output goes to this process's console unless captured. */
    static Result run(List<String> command, Map<String, String> env, long timeoutSeconds, boolean inherit)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(JS.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.redirectOutput(inherit ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = inherit ? "" : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " took more than " + timeoutSeconds + " s");
        }
        return new Result(p.exitValue(), out);
    }
}
