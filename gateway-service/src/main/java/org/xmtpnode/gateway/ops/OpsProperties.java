package org.xmtpnode.gateway.ops;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's operations settings ({@code xmtp.gateway.ops.*}): the client tags of its metrics, the
 * synthetic probe and the ops console on the management port.
 *
 * @param knownClients SDK names of {@code X-Client-Version} ({@code <name>/<version>}) that tag the
 *     {@code gateway.clients} meter with their name and major version; any other is tagged {@code other}
 * @param knownApps app names of {@code X-App-Version} ({@code <name>/<version>}) that tag the
 *     {@code gateway.clients} meter with their name; any other is tagged {@code other}
 * @param probe the synthetic end-to-end probe
 * @param console the ops console ({@code /ops/} on the management port)
 */
@ConfigurationProperties("xmtp.gateway.ops")
@Validated
public record OpsProperties(
        @DefaultValue({"xmtp-js", "xmtp-android", "xmtp-ios", "xmtp-react-native", "xmtp-flutter", "xmtp-java"})
        @NotNull
        List<String> knownClients,

        @DefaultValue({}) @NotNull List<String> knownApps,
        @DefaultValue @Valid @NotNull Probe probe,
        @DefaultValue @Valid @NotNull Console console) {

    /**
     * Every interval, for each serving node: subscribe on one of its relays to an ephemeral probe topic,
     * publish one envelope there with the gateway's own identity, and time its arrival on the stream.
     *
     * @param enabled off: no probe traffic, no probe meters
     * @param interval time between two rounds
     * @param timeout a round trip slower than this counts as a failure
     */
    public record Probe(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("10s") @NotNull Duration interval,
            @DefaultValue("5s") @NotNull Duration timeout) {}

    /**
     * The console reads the registry and every listed instance's {@code /actuator/prometheus} once per
     * sample interval, and keeps the samples of the history window for its sparklines.
     *
     * @param enabled off: no sampling and no {@code /ops/} pages
     * @param sampleInterval time between two samples (the console is at most this far behind)
     * @param history how far back the sparklines reach
     * @param scrapeTimeout how long to wait for one instance's metrics
     */
    public record Console(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("2s") @NotNull Duration sampleInterval,
            @DefaultValue("15m") @NotNull Duration history,
            @DefaultValue("1s") @NotNull Duration scrapeTimeout) {

        /** How many samples the history window holds. */
        public int samples() {
            return (int) Math.max(1, history.toMillis() / Math.max(1, sampleInterval.toMillis()));
        }
    }
}
