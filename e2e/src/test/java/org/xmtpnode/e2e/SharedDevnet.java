package org.xmtpnode.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.xmtpnode.devnet.Devnet;

/** One local network per test JVM (two relay instances), stopped when the JVM exits. */
final class SharedDevnet {

    static final int PUBLISH_PER_MINUTE = 6_000;
    static final int PUBLISH_BURST = 300;

    private static Devnet devnet;

    private SharedDevnet() {}

    static synchronized Devnet get() {
        if (devnet == null) {
            try {
                Path root = Path.of(System.getProperty("xmtp.root", ".."))
                        .toAbsolutePath()
                        .normalize();
                Path data = Files.createTempDirectory("devnet-");
                // publish buckets small enough that a test can empty one in a few requests
                devnet = Devnet.start(Devnet.Options.ephemeral(root, data, 2)
                        .withArgs(
                                Devnet.Service.GATEWAY,
                                "--xmtp.gateway.rate-limits.publish.per-minute=" + PUBLISH_PER_MINUTE,
                                "--xmtp.gateway.rate-limits.publish.burst=" + PUBLISH_BURST));
                Devnet started = devnet;
                Runtime.getRuntime().addShutdownHook(new Thread(started::close, "devnet-stop"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return devnet;
    }
}
