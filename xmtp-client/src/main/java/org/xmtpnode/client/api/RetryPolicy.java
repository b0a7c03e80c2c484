package org.xmtpnode.client.api;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How calls are retried when the node is unavailable (503, code 14), rate-limits (429, after its
 * {@code Retry-After}) or cannot be reached: up to {@code maxAttempts} attempts in all, waiting an
 * exponentially growing, jittered delay from {@code initialDelay} up to {@code maxDelay}. Publishing
 * is idempotent on the node (an envelope is stored once), so every call may be retried.
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {

    /** Six attempts over about ten seconds, as the JavaScript SDK retries. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofMillis(200), Duration.ofSeconds(4));

    /** One attempt: fail fast. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("delays must satisfy 0 <= initialDelay <= maxDelay");
        }
    }

    /** The wait before attempt {@code attempt + 1} (attempt counts from 1): full jitter over the backoff. */
    Duration delayAfter(int attempt) {
        long cap = Math.min(maxDelay.toMillis(), initialDelay.toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
    }
}
