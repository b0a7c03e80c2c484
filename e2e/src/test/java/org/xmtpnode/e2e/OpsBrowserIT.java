package org.xmtpnode.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmtpnode.devnet.Devnet;
import org.xmtpnode.devnet.Devnet.Service;
import org.xmtpnode.testsupport.TestWallet;

/**
 * The ops console in a real headless browser (the system's chromium, driven by npm playwright-core; see
 * e2e/js/console.mjs) on a local network of two nodes under traffic: every node serving with its probe
 * tile green and its rates moving; then a node that is stopped turns silent within the registry's TTL
 * and its probe tile red. Screenshots in target/.
 */
class OpsBrowserIT {

    static Devnet devnet;

    @BeforeAll
    static void network() throws Exception {
        Path root =
                Path.of(System.getProperty("xmtp.root", "..")).toAbsolutePath().normalize();
        devnet = Devnet.start(Devnet.Options.ephemeral(root, Files.createTempDirectory("devnet-ops-"), 1)
                .withNodes(2)
                .withArgs(
                        Service.GATEWAY,
                        "--xmtp.gateway.rate-limits.enabled=false",
                        "--xmtp.gateway.ops.probe.interval=2s"));
        Npm.ensureInstalled();
    }

    @AfterAll
    static void stop() {
        if (devnet != null) {
            devnet.close();
        }
    }

    static Npm.Result console(String screenshot, String phase, List<String> nodes) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "node",
                "console.mjs",
                devnet.gatewayManagementUrl() + "/ops/",
                Path.of("target", screenshot).toAbsolutePath().toString(),
                phase));
        command.addAll(nodes);
        return Npm.run(command, Map.of(), 120, false);
    }

    @Test
    void theConsoleShowsTheNetworkLiveAndANodeThatStops() throws Exception {
        List<String> nodes = devnet.nodeIds();
        assertThat(nodes).hasSize(2);
        String token = TestWallet.random().token(System.currentTimeMillis() * 1_000_000L);
        try (Traffic traffic = new Traffic(devnet.apiUrl(), token, "/xmtp/0/m-ops-" + UUID.randomUUID() + "/proto")) {
            Npm.Result live = console("ops-console.png", "live", nodes);
            assertThat(live.exit()).as(live.stdout()).isZero();
            assertThat(traffic.acknowledged).isNotEmpty();

            devnet.stopNode(1, true);
            Npm.Result stopped = console("ops-console-node-stopped.png", "stopped", List.of(nodes.get(1)));
            assertThat(stopped.exit()).as(stopped.stdout()).isZero();
            assertThat(stopped.stdout()).contains("\"node\":\"" + nodes.get(0) + "\",\"state\":\"serving\"");
        }
    }
}
