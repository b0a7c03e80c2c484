package org.xmtpnode.gateway.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * gateway-service settings ({@code xmtp.gateway.*}).
 *
 * @param relayUrl     the relay-service that takes publish and subscribe
 * @param storeUrl     the topic-service that answers query and batch-query
 * @param maxBodyBytes request body caps; a larger body gets 413 / code 3 before it reaches a service
 */
@ConfigurationProperties("xmtp.gateway")
@Validated
public record GatewayProperties(@NotNull URI relayUrl, @NotNull URI storeUrl, @Valid @NotNull MaxBodyBytes maxBodyBytes) {

    /**
     * @param publish   {@code /message/v1/publish}
     * @param subscribe {@code /message/v1/subscribe} (a wallet may follow thousands of topics)
     * @param other     every other path
     */
    public record MaxBodyBytes(@Min(1024) long publish, @Min(1024) long subscribe,
                               @Min(1024) long other) {

        public long forPath(String path) {
            return switch (path) {
                case "/message/v1/publish" -> publish;
                case "/message/v1/subscribe" -> subscribe;
                default -> other;
            };
        }
    }
}
