package org.xmtpnode.relay.subscribe;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * One live stream: the topics it wants (or every XMTP topic) and a bounded buffer of lines that are
 * waiting to be written to its connection. Lines are offered by the single fan-out thread.
 */
public final class Subscriber {

    /** Thrown into the stream when the buffer overflowed: the stream ends with an error line. */
    static final class Overflow extends RuntimeException {
        Overflow() {
            super("subscriber buffer overflow", null, false, false);
        }
    }

    private final String id = UUID.randomUUID().toString();
    private volatile Set<String> topics;
    private final boolean allTopics;
    private final Sinks.Many<byte[]> sink;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean registered = new AtomicBoolean(true);

    Subscriber(Set<String> topics, boolean allTopics, int buffer) {
        this.topics = topics;
        this.allTopics = allTopics;
        this.sink = Sinks.many().unicast().onBackpressureBuffer(new ArrayBlockingQueue<>(buffer));
    }

    Set<String> topics() {
        return topics;
    }

    void topics(Set<String> next) {
        this.topics = next;
    }

    String id() {
        return id;
    }

    boolean allTopics() {
        return allTopics;
    }

    Flux<byte[]> lines() {
        return sink.asFlux();
    }

    /** @return false when the buffer is full (the caller then closes this subscriber) */
    boolean offer(byte[] line) {
        if (closed.get()) {
            return true;
        }
        Sinks.EmitResult result = sink.tryEmitNext(line);
        // a full buffer reads as FAIL_ZERO_SUBSCRIBER while the connection has not subscribed yet
        return result != Sinks.EmitResult.FAIL_OVERFLOW && result != Sinks.EmitResult.FAIL_ZERO_SUBSCRIBER;
    }

    /** Ends the stream after an overflow; the client gets an error line and resubscribes. */
    boolean overflow() {
        if (closed.compareAndSet(false, true)) {
            sink.tryEmitError(new Overflow());
            return true;
        }
        return false;
    }

    /** Ends the stream normally (shutdown): the client resubscribes. */
    void complete() {
        if (closed.compareAndSet(false, true)) {
            sink.tryEmitComplete();
        }
    }

    /** @return true the first time only */
    boolean unregister() {
        return registered.compareAndSet(true, false);
    }

    /** Still in the registry (not yet unsubscribed). */
    boolean registered() {
        return registered.get();
    }

    boolean isClosed() {
        return closed.get();
    }
}
