package org.xmtpnode.client.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.xmtpnode.client.XmtpException;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.WireJson;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.api.StreamLine;

/**
 * A live subscription to some topics, read on a thread of its own. When the stream breaks it is
 * re-established (after at least a second, then with the retry policy's backoff), and the listener
 * hears why; envelopes published while it was down are not replayed. A node's refusal of the request
 * itself (a bad topic, say) ends it. {@link #close()} stops it.
 */
public final class Subscription implements AutoCloseable {

    /** Receives a subscription's envelopes and problems, on the subscription's thread. */
    public interface Listener {

        void onEnvelope(Envelope envelope);

        /**
         * The stream broke (and is being re-established unless {@code terminal}), or the listener
         * itself threw.
         */
        default void onError(XmtpException error, boolean terminal) {}
    }

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final Duration MIN_RECONNECT = Duration.ofSeconds(1);

    private final ApiClient api;
    private final Listener listener;
    private final Object lock = new Object();
    private final Thread thread;
    private List<String> topics;
    private InputStream current;
    private boolean live;
    private boolean closed;
    private boolean restart;

    private Subscription(ApiClient api, List<String> topics, Listener listener) {
        this.api = api;
        this.topics = topics;
        this.listener = listener;
        this.thread = new Thread(this::run, "xmtp-subscription-" + THREADS.incrementAndGet());
        this.thread.setDaemon(true);
    }

    static Subscription start(ApiClient api, List<String> topics, Listener listener) {
        Subscription s = new Subscription(api, topics, listener);
        s.thread.start();
        return s;
    }

    /**
     * Waits until the node has answered the subscription (this node registers a subscription before it
     * answers, so envelopes published afterwards are delivered).
     *
     * @return whether it is live
     */
    public boolean awaitLive(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!live && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return live;
        }
    }

    /** Moves the subscription to another set of topics (it reconnects at once). */
    public void updateTopics(List<String> newTopics) {
        if (newTopics.isEmpty()) {
            throw new IllegalArgumentException("a subscription needs at least one topic");
        }
        synchronized (lock) {
            topics = List.copyOf(newTopics);
            restart = true;
            closeCurrent();
        }
    }

    public List<String> topics() {
        synchronized (lock) {
            return topics;
        }
    }

    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            live = false;
            lock.notifyAll();
            closeCurrent();
        }
        thread.interrupt();
    }

    private void closeCurrent() {
        InputStream in = current;
        current = null;
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // the stream is being abandoned either way
            }
        }
    }

    private void run() {
        int failures = 0;
        while (true) {
            List<String> wanted;
            synchronized (lock) {
                if (closed) {
                    return;
                }
                wanted = topics;
                restart = false;
            }
            long started = System.nanoTime();
            XmtpException cause;
            try {
                stream(wanted);
                cause = new XmtpApiException(XmtpApiException.UNAVAILABLE, 200, "the node ended the stream");
            } catch (XmtpApiException e) {
                if (!e.unreachable()
                        && e.httpStatus() != 200
                        && e.code() != XmtpApiException.UNAVAILABLE
                        && e.httpStatus() != 503) {
                    synchronized (lock) {
                        closed = true;
                        lock.notifyAll();
                    }
                    listener.onError(e, true);
                    return;
                }
                cause = e;
            } catch (IOException e) {
                cause = new XmtpApiException(
                        "the stream from " + api.baseUri() + " broke (" + ApiClient.describe(e) + ")", e);
            } catch (InterruptedException e) {
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                }
                cause = new XmtpApiException("the stream was interrupted", e);
            } finally {
                synchronized (lock) {
                    live = false;
                    current = null;
                }
            }
            synchronized (lock) {
                if (closed) {
                    return;
                }
                if (restart) {
                    failures = 0;
                    continue;
                }
            }
            listener.onError(cause, false);
            boolean quick = System.nanoTime() - started < MIN_RECONNECT.toNanos();
            failures = quick ? failures + 1 : 0;
            Duration wait = failures == 0
                    ? MIN_RECONNECT
                    : max(MIN_RECONNECT, api.retryPolicy().delayAfter(failures));
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                if (isClosed()) {
                    return;
                }
            }
        }
    }

    private void stream(List<String> wanted) throws IOException, InterruptedException {
        HttpResponse<InputStream> response =
                api.http().send(api.subscribeRequest(wanted), HttpResponse.BodyHandlers.ofInputStream());
        InputStream body = response.body();
        if (response.statusCode() != 200) {
            byte[] error;
            try (body) {
                error = body.readNBytes(64 * 1024);
            }
            throw ApiClient.error(response.statusCode(), error);
        }
        synchronized (lock) {
            if (closed || restart) {
                body.close();
                return;
            }
            current = body;
            live = true;
            lock.notifyAll();
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    deliver(line);
                }
            }
        }
    }

    private void deliver(String line) {
        StreamLine parsed;
        try {
            parsed = WireJson.parse(line.getBytes(StandardCharsets.UTF_8), StreamLine.newBuilder())
                    .build();
        } catch (ApiException e) {
            listener.onError(
                    new XmtpApiException(13, 200, "the node streamed a line that is not valid: " + e.getMessage()),
                    false);
            return;
        }
        if (parsed.hasError()) {
            throw new XmtpApiException(
                    parsed.getError().getCode(),
                    200,
                    "the node ended the stream: " + parsed.getError().getMessage());
        }
        Envelope envelope = parsed.getResult();
        if (envelope.getContentTopic().isEmpty()) {
            return; // a heartbeat
        }
        try {
            listener.onEnvelope(envelope);
        } catch (XmtpException e) {
            listener.onError(e, false);
        } catch (RuntimeException e) {
            listener.onError(new XmtpException("the stream's listener failed: " + e, e), false);
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
