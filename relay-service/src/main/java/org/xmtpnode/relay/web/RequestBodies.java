package org.xmtpnode.relay.web;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Mono;

/**
 * Reads a request body exactly as sent, whatever its content type (the SDKs send JSON as text/plain;
 * curl sends it form-encoded), up to a cap; a larger body fails with {@code DataBufferLimitException}
 * (413).
 */
public final class RequestBodies {

    private RequestBodies() {}

    public static Mono<byte[]> read(ServerHttpRequest request, int maxBytes) {
        return DataBufferUtils.join(request.getBody(), maxBytes)
                .map(RequestBodies::toBytes)
                .defaultIfEmpty(new byte[0]);
    }

    private static byte[] toBytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}
