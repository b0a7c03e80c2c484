package org.xmtpnode.runtime.web;

import java.util.Arrays;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.xmtpnode.core.ApiException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Request bodies with a cap, answered in a way every HTTP/1.1 client can read. A server that refuses
 * an over-cap body and closes at once resets the connection under a client that writes its whole body
 * before it reads (Python's urllib does): the client sees a network error, never the 413, and retries.
 * So an over-cap body is read to its end and discarded — up to {@link #MAX_DRAIN_BYTES} more — before
 * the 413 goes out, as servers with a lingering close do.
 */
public final class RequestBodies {

    /** Most bytes discarded after a cap before the answer goes out anyway (and the connection closes). */
    public static final long MAX_DRAIN_BYTES = 32L * 1024 * 1024;

    private RequestBodies() {}

    /**
     * The body exactly as sent, whatever its content type (the SDKs send JSON as text/plain, curl
     * form-encoded); fails with 413 once it is read past {@code maxBytes}.
     */
    public static Mono<byte[]> read(ServerHttpRequest request, int maxBytes) {
        long declared = request.getHeaders().getContentLength();
        if (declared > maxBytes) {
            return discard(request.getBody()).then(Mono.error(ApiException.bodyOver(maxBytes)));
        }
        return Mono.defer(() -> {
            Collected into = new Collected(declared >= 0 ? (int) declared : 256);
            return capped(request.getBody(), maxBytes)
                    .doOnNext(buffer -> {
                        try {
                            into.append(buffer);
                        } finally {
                            DataBufferUtils.release(buffer);
                        }
                    })
                    .then(Mono.fromSupplier(into::bytes));
        });
    }

    /**
     * The body's buffers up to {@code maxBytes}; past it the rest is discarded up to
     * {@link #MAX_DRAIN_BYTES}, and the flux ends with a 413.
     */
    public static Flux<DataBuffer> capped(Flux<DataBuffer> body, long maxBytes) {
        return Flux.defer(() -> {
            long[] seen = {0};
            return body.<DataBuffer>handle((buffer, sink) -> {
                        seen[0] += buffer.readableByteCount();
                        if (seen[0] <= maxBytes) {
                            sink.next(buffer);
                            return;
                        }
                        DataBufferUtils.release(buffer);
                        if (seen[0] > maxBytes + MAX_DRAIN_BYTES) {
                            sink.error(ApiException.bodyOver(maxBytes));
                        }
                    })
                    .concatWith(Mono.defer(
                            () -> seen[0] > maxBytes ? Mono.error(ApiException.bodyOver(maxBytes)) : Mono.empty()));
        });
    }

    /** Reads and releases a body that will not be used, up to {@link #MAX_DRAIN_BYTES}. */
    public static Mono<Void> discard(Flux<DataBuffer> body) {
        return Mono.defer(() -> {
            long[] seen = {0};
            return body.doOnNext(buffer -> {
                        seen[0] += buffer.readableByteCount();
                        DataBufferUtils.release(buffer);
                    })
                    .takeUntil(buffer -> seen[0] > MAX_DRAIN_BYTES)
                    .then();
        });
    }

    /** A growing byte array, sized from the declared length when there is one. */
    private static final class Collected {
        private byte[] bytes;
        private int size;

        Collected(int expected) {
            this.bytes = new byte[Math.max(expected, 16)];
        }

        void append(DataBuffer buffer) {
            int n = buffer.readableByteCount();
            if (size + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
            }
            buffer.read(bytes, size, n);
            size += n;
        }

        byte[] bytes() {
            return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
        }
    }
}
