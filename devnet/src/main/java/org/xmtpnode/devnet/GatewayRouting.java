package org.xmtpnode.devnet;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Which nodes the gateway routes to, as its {@code routing} health group lists them. */
final class GatewayRouting {

    private static final Pattern NODES = Pattern.compile("\"nodes\":\\[([^\\]]*)]");

    private final URI health;

    GatewayRouting(URI health) {
        this.health = health;
    }

    /** The node ids the gateway now routes to; none while it does not answer. */
    List<String> servingNodes() {
        String body = Poll.body(health, Duration.ofSeconds(5));
        Matcher m = NODES.matcher(body == null ? "" : body);
        if (!m.find() || m.group(1).isBlank()) {
            return List.of();
        }
        return Stream.of(m.group(1).split(","))
                .map(x -> x.strip().replace("\"", ""))
                .toList();
    }

    /** Waits until the gateway balances over at least {@code n} serving nodes. */
    void awaitServingNodes(int n, Duration timeout) {
        Poll.until(
                timeout,
                Duration.ofMillis(200),
                () -> servingNodes().size() >= n,
                () -> "the gateway did not see " + n + " serving nodes within " + timeout.toSeconds() + " s (it sees "
                        + servingNodes() + ")");
    }
}
