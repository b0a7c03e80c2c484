package org.xmtpnode.devnet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/** The devnet's one wait loop, and the health requests it polls with (loopback HTTP GETs). */
final class Poll {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** A condition to wait for; it may throw to give up at once (a process that exited, say). */
    @FunctionalInterface
    interface Condition {
        boolean holds();
    }

    private Poll() {}

    /**
     * Asks {@code condition} every {@code interval} until it holds.
     *
     * @throws IllegalStateException with {@code failure}'s message when {@code timeout} passes first
     */
    static void until(Duration timeout, Duration interval, Condition condition, Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(failure.get());
            }
            sleep(interval);
        }
    }

    /** Asks {@code condition} every {@code interval} until it holds, without a deadline. */
    static void until(Duration interval, Condition condition) {
        while (!condition.holds()) {
            sleep(interval);
        }
    }

    /** The status code of a GET, or -1 when nothing answers. */
    static int status(URI uri, Duration timeout) {
        HttpResponse<String> r = get(uri, timeout);
        return r == null ? -1 : r.statusCode();
    }

    /** The body of a GET, or null when nothing answers. */
    static String body(URI uri, Duration timeout) {
        HttpResponse<String> r = get(uri, timeout);
        return r == null ? null : r.body();
    }

    private static HttpResponse<String> get(URI uri, Duration timeout) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(uri).timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null; // not listening (yet)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
