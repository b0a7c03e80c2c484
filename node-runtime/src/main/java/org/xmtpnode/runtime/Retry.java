package org.xmtpnode.runtime;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The one way this project retries: exponential backoff (100 ms doubling to 5 s) while the caller
 * keeps running. Every loop that waits for Kafka, PostgreSQL or a peer goes through here, so each
 * failure is reported the same way and no loop spins or gives up on its own terms.
 */
public final class Retry {

    private static final long FIRST_MS = 100;
    private static final long MAX_MS = 5_000;

    private Retry() {}

    /** One try of an action that may fail. */
    @FunctionalInterface
    public interface Attempt {
        void run() throws Exception;
    }

    /** One look at a condition; an exception counts as a failed look and is retried with backoff. */
    @FunctionalInterface
    public interface Check {
        boolean holds() throws Exception;
    }

    /** What to do with one failed try (log it, usually). */
    @FunctionalInterface
    public interface FailureHandler {
        void failed(Exception error, long retryInMillis);
    }

    /**
     * Runs {@code attempt} until it succeeds or {@code keepGoing} turns false (or the thread is
     * interrupted); each failure is handed to {@code onFailure} with the wait before the next try.
     *
     * @return true once the attempt succeeded
     */
    public static boolean untilDone(BooleanSupplier keepGoing, Attempt attempt, FailureHandler onFailure) {
        return await(
                keepGoing,
                () -> {
                    attempt.run();
                    return true;
                },
                Duration.ZERO,
                onFailure);
    }

    /**
     * Looks at {@code condition} every {@code interval} until it holds or {@code keepGoing} turns false;
     * a look that throws is handed to {@code onFailure} and retried with backoff.
     *
     * @return true once the condition held
     */
    public static boolean await(
            BooleanSupplier keepGoing, Check condition, Duration interval, FailureHandler onFailure) {
        long backoff = FIRST_MS;
        while (keepGoing.getAsBoolean()) {
            long wait;
            try {
                if (condition.holds()) {
                    return true;
                }
                backoff = FIRST_MS;
                wait = interval.toMillis();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                onFailure.failed(e, backoff);
                wait = backoff;
                backoff = Math.min(backoff * 2, MAX_MS);
            }
            if (!sleep(wait)) {
                return false;
            }
        }
        return false;
    }

    /** @return false when interrupted (the interrupt flag is set again) */
    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
