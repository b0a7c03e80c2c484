package org.xmtpnode.runtime.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.xmtpnode.core.ApiException;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** Capped bodies: read to their end before the 413, so a client that writes before it reads sees it. */
class RequestBodiesTest {

    static final DefaultDataBufferFactory BUFFERS = DefaultDataBufferFactory.sharedInstance;

    static Flux<DataBuffer> chunks(int count, int size, AtomicInteger read) {
        return Flux.range(0, count).map(i -> {
            read.incrementAndGet();
            return BUFFERS.wrap(new byte[size]);
        });
    }

    @Test
    void aBodyWithinTheCapIsReadWhole() {
        MockServerHttpRequest request = MockServerHttpRequest.method(HttpMethod.POST, "/message/v1/publish")
                .body("{\"envelopes\":[]}");
        StepVerifier.create(RequestBodies.read(request, 1024))
                .assertNext(
                        b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("{\"envelopes\":[]}"))
                .verifyComplete();
    }

    @Test
    void aBodyOverTheCapIsReadToItsEndThenRefusedWith413() {
        AtomicInteger read = new AtomicInteger();
        StepVerifier.create(RequestBodies.capped(chunks(50, 1000, read), 10_000))
                .expectNextCount(10)
                .expectErrorSatisfies(
                        e -> assertThat(((ApiException) e).httpStatus()).isEqualTo(413))
                .verify();
        assertThat(read).hasValue(50);
    }

    @Test
    void drainingStopsAtItsBound() {
        AtomicInteger read = new AtomicInteger();
        int chunk = 1024 * 1024;
        StepVerifier.create(RequestBodies.capped(chunks(100, chunk, read), chunk))
                .expectNextCount(1)
                .expectError(ApiException.class)
                .verify();
        assertThat(read.get()).isEqualTo(1 + (int) (RequestBodies.MAX_DRAIN_BYTES / chunk) + 1);
        AtomicInteger discarded = new AtomicInteger();
        StepVerifier.create(RequestBodies.discard(chunks(100, chunk, discarded)))
                .verifyComplete();
        assertThat(discarded.get()).isEqualTo((int) (RequestBodies.MAX_DRAIN_BYTES / chunk) + 1);
    }

    @Test
    void aDeclaredLengthOverTheCapIsDiscardedAndRefused() {
        MockServerHttpRequest request = MockServerHttpRequest.method(HttpMethod.POST, "/message/v1/query")
                .contentLength(5000)
                .body("x".repeat(5000));
        StepVerifier.create(RequestBodies.read(request, 1024))
                .expectErrorSatisfies(e -> assertThat(e.getMessage()).contains("larger than 1024 bytes"))
                .verify();
    }
}
