package org.xmtpnode.relay.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.GrpcCode;
import org.xmtpnode.core.Limits;
import org.xmtpnode.proto.api.Envelope;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Group commit for the store: concurrent publishes share one store request. At most
 * {@code maxInFlight} requests are outstanding; whatever arrives meanwhile waits and goes in the
 * next request, up to {@link Limits#MAX_PUBLISH_ENVELOPES} envelopes and {@code maxBatchBytes}.
 * An idle relay sends each publish at once, so batching adds no wait; a busy one turns many small
 * inserts (an HTTP request, a transaction and a commit each) into few large ones.
 *
 * <p>Each caller completes when its own envelopes are committed. A batch that fails with a server
 * error fails every caller in it (each retries; the store is idempotent by digest). A batch the store
 * refuses as invalid is resent caller by caller, so one caller's bad envelope fails only that caller.
 */
public final class StoreBatcher {

    /** What a caller waits on. */
    private record Pending(List<Envelope> envelopes, long bytes, Sinks.One<Void> done) {}

    /** Told of each store request as it is sent (for metrics). */
    public interface Listener {
        void batch(int callers, int envelopes);
    }

    private final Function<List<Envelope>, Mono<Void>> sender;
    private final int maxInFlight;
    private final long maxBatchBytes;
    private final int maxQueuedEnvelopes;
    private final Duration timeout;
    private final Listener listener;

    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedEnvelopes = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param sender             stores one batch; completes once it is committed
     * @param maxInFlight        store requests outstanding at once
     * @param maxBatchBytes      serialized envelope bytes per request (a single larger publish goes alone)
     * @param maxQueuedEnvelopes envelopes waiting before publishes are refused as unavailable
     * @param timeout            how long a caller waits for its envelopes to be committed
     */
    public StoreBatcher(
            Function<List<Envelope>, Mono<Void>> sender,
            int maxInFlight,
            long maxBatchBytes,
            int maxQueuedEnvelopes,
            Duration timeout,
            Listener listener) {
        if (maxInFlight < 1 || maxBatchBytes < 1 || maxQueuedEnvelopes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.sender = sender;
        this.maxInFlight = maxInFlight;
        this.maxBatchBytes = maxBatchBytes;
        this.maxQueuedEnvelopes = maxQueuedEnvelopes;
        this.timeout = timeout;
        this.listener = listener;
    }

    /** Completes once these envelopes are committed; fails with the store's error. */
    public Mono<Void> store(List<Envelope> envelopes) {
        return Mono.defer(() -> {
            if (envelopes.isEmpty()) {
                return Mono.empty();
            }
            if (queuedEnvelopes.addAndGet(envelopes.size()) > maxQueuedEnvelopes) {
                queuedEnvelopes.addAndGet(-envelopes.size());
                return Mono.error(ApiException.unavailable("the message store is overloaded, retry later"));
            }
            long bytes = 0;
            for (Envelope e : envelopes) {
                bytes += e.getSerializedSize();
            }
            Sinks.One<Void> done = Sinks.one();
            queue.add(new Pending(envelopes, bytes, done));
            drain();
            return done.asMono()
                    .timeout(
                            timeout,
                            Mono.error(() -> ApiException.unavailable("the message store did not answer in time")));
        });
    }

    /** Envelopes waiting for a store request. */
    public int queued() {
        return queuedEnvelopes.get();
    }

    /** Starts requests while there is work and room; a finishing request calls it again. */
    private void drain() {
        while (!queue.isEmpty()) {
            int n = inFlight.get();
            if (n >= maxInFlight) {
                return; // the next request to finish drains
            }
            if (!inFlight.compareAndSet(n, n + 1)) {
                continue;
            }
            List<Pending> batch = take();
            if (batch.isEmpty()) {
                inFlight.decrementAndGet();
                continue;
            }
            send(batch);
        }
    }

    private List<Pending> take() {
        List<Pending> batch = new ArrayList<>();
        int envelopes = 0;
        long bytes = 0;
        synchronized (queue) { // one taker at a time keeps the size check and the poll together
            for (Pending next = queue.peek(); next != null; next = queue.peek()) {
                boolean fits = envelopes + next.envelopes().size() <= Limits.MAX_PUBLISH_ENVELOPES
                        && bytes + next.bytes() <= maxBatchBytes;
                if (!batch.isEmpty() && !fits) {
                    break;
                }
                queue.poll();
                batch.add(next);
                envelopes += next.envelopes().size();
                bytes += next.bytes();
            }
        }
        queuedEnvelopes.addAndGet(-envelopes);
        return batch;
    }

    private void send(List<Pending> batch) {
        List<Envelope> all;
        if (batch.size() == 1) {
            all = batch.get(0).envelopes();
        } else {
            all = new ArrayList<>();
            for (Pending p : batch) {
                all.addAll(p.envelopes());
            }
        }
        listener.batch(batch.size(), all.size());
        Mono<Void> request;
        try {
            request = sender.apply(all);
        } catch (RuntimeException e) {
            request = Mono.error(e);
        }
        request.subscribe(null, error -> finish(batch, error), () -> finish(batch, null));
    }

    private void finish(List<Pending> batch, Throwable error) {
        inFlight.decrementAndGet();
        if (error != null
                && batch.size() > 1
                && error instanceof ApiException api
                && api.code() == GrpcCode.INVALID_ARGUMENT) {
            // one caller's envelopes were refused: find out whose, without failing the others
            for (Pending p : batch) {
                sender.apply(p.envelopes())
                        .subscribe(
                                null,
                                e -> p.done().tryEmitError(e),
                                () -> p.done().tryEmitEmpty());
            }
        } else {
            for (Pending p : batch) {
                if (error == null) {
                    p.done().tryEmitEmpty();
                } else {
                    p.done().tryEmitError(error);
                }
            }
        }
        drain();
    }
}
