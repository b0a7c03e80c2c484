package org.xmtpnode.client;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.xmtpnode.client.api.RetryPolicy;
import org.xmtpnode.client.content.CodecRegistry;

/**
 * How a client reaches the network and what it knows: the node's API URL, the retry policy, the
 * timeout of one call, the clock that dates messages and tokens, and the content codecs.
 */
public record ClientOptions(URI apiUrl, RetryPolicy retry, Duration requestTimeout, Clock clock, CodecRegistry codecs) {

    /** The local network that {@code bin/devnet} runs. */
    public static final URI LOCAL = URI.create("http://127.0.0.1:5555");

    public ClientOptions {
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(codecs, "codecs");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive");
        }
    }

    /** Defaults: retries as the SDKs do, 30 s per call, the system clock, text content. */
    public static ClientOptions forApi(URI apiUrl) {
        return new ClientOptions(
                apiUrl, RetryPolicy.DEFAULT, Duration.ofSeconds(30), Clock.systemUTC(), new CodecRegistry());
    }

    public ClientOptions withRetry(RetryPolicy policy) {
        return new ClientOptions(apiUrl, policy, requestTimeout, clock, codecs);
    }

    public ClientOptions withCodecs(CodecRegistry registry) {
        return new ClientOptions(apiUrl, retry, requestTimeout, clock, registry);
    }

    public ClientOptions withRequestTimeout(Duration timeout) {
        return new ClientOptions(apiUrl, retry, timeout, clock, codecs);
    }
}
