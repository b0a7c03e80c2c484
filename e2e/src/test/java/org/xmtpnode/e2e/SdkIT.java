package org.xmtpnode.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The unmodified {@code @xmtp/xmtp-js} 13.0.4 SDK against the running local network: its own test
 * suite in {@code e2e/js} (node:test) must pass.
 */
class SdkIT {

    @Test
    void theRealSdkWorksAgainstTheNetwork() throws Exception {
        Path js = Path.of(System.getProperty("xmtp.e2e.js", "js")).toAbsolutePath();
        String apiUrl = SharedDevnet.get().apiUrl();
        if (!Files.isDirectory(js.resolve("node_modules"))) {
            run(js, List.of("npm", "ci", "--no-audit", "--no-fund"), apiUrl, 300);
        }
        int exit = run(js, List.of("npm", "test"), apiUrl, 600);
        assertThat(exit).as("the SDK suite in %s passed (its output is above)", js).isZero();
    }

    private static int run(Path dir, List<String> command, String apiUrl, long timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).inheritIO()
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("XMTP_API_URL", apiUrl);
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " took more than " + timeoutSeconds + " s");
        }
        return p.exitValue();
    }
}
