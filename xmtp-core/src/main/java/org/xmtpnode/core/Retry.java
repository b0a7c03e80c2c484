package org.xmtpnode.core;

import java.util.function.BooleanSupplier;

/** Retries an action with exponential backoff (100 ms doubling to 5 s) while the caller keeps running. */
public final class Retry {

    private static final long FIRST_MS = 100;
    private static final long MAX_MS = 5_000;

    private Retry() {}

    /**
     * Runs {@code action} until it succeeds or {@code keepGoing} turns false (or the thread is
     * interrupted); each failure is handed to {@code onFailure} with the wait before the next try.
     *
     * @return true once the action succeeded
     */
    public static boolean untilDone(BooleanSupplier keepGoing, Runnable action, FailureHandler onFailure) {
        long backoff = FIRST_MS;
        while (keepGoing.getAsBoolean()) {
            try {
                action.run();
                return true;
            } catch (RuntimeException e) {
                onFailure.failed(e, backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                backoff = Math.min(backoff * 2, MAX_MS);
            }
        }
        return false;
    }

    /** What to do with one failed try (log it, usually). */
    @FunctionalInterface
    public interface FailureHandler {
        void failed(RuntimeException error, long retryInMillis);
    }
}
