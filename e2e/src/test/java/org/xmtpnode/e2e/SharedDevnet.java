package org.xmtpnode.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import org.xmtpnode.devnet.Devnet;

/** One local network per test JVM (two relay instances), stopped when the JVM exits. */
final class SharedDevnet {

    private static Devnet devnet;

    private SharedDevnet() {
    }

    static synchronized Devnet get() {
        if (devnet == null) {
            try {
                Path root = Path.of(System.getProperty("xmtp.root", "..")).toAbsolutePath().normalize();
                Path data = Files.createTempDirectory("devnet-");
                devnet = Devnet.start(Devnet.Options.ephemeral(root, data, 2));
                Devnet started = devnet;
                Runtime.getRuntime().addShutdownHook(new Thread(started::close, "devnet-stop"));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return devnet;
    }
}
