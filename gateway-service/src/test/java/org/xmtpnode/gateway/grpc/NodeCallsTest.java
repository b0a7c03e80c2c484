package org.xmtpnode.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xmtpnode.core.ApiException;
import reactor.core.publisher.Flux;

/** The opening of a stream: tried again until it has started, never once it has. */
class NodeCallsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void aConnectionDroppedBeforeTheAnswerIsTriedAgain() {
        AtomicInteger attempts = new AtomicInteger();
        List<String> got = NodeCalls.<String>untilStarted(
                        started -> {
                            if (attempts.incrementAndGet() == 1) {
                                return Flux.error(new IOException("Connection prematurely closed BEFORE response"));
                            }
                            started.run();
                            return Flux.just("a", "b");
                        },
                        2)
                .collectList()
                .block(WAIT);
        assertThat(got).containsExactly("a", "b");
        assertThat(attempts).hasValue(2);
    }

    @Test
    void aStreamThatStartedIsNotReplayedAfterItsConnectionDrops() {
        AtomicInteger attempts = new AtomicInteger();
        List<String> got = new ArrayList<>();
        assertThatThrownBy(() -> NodeCalls.<String>untilStarted(
                                started -> {
                                    attempts.incrementAndGet();
                                    started.run();
                                    return Flux.concat(Flux.just("a"), Flux.error(new IOException("connection reset")));
                                },
                                2)
                        .doOnNext(got::add)
                        .blockLast(WAIT))
                .hasRootCauseInstanceOf(IOException.class);
        assertThat(got).containsExactly("a");
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aRefusalOfTheRequestItselfIsNotTriedAgainButAnUnavailableNodeIs() {
        AtomicInteger invalid = new AtomicInteger();
        assertThatThrownBy(() -> NodeCalls.<String>untilStarted(
                                started -> {
                                    invalid.incrementAndGet();
                                    return Flux.error(ApiException.invalid("no topics"));
                                },
                                2)
                        .blockLast(WAIT))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("no topics");
        assertThat(invalid).hasValue(1);

        AtomicInteger unavailable = new AtomicInteger();
        assertThatThrownBy(() -> NodeCalls.<String>untilStarted(
                                started -> {
                                    unavailable.incrementAndGet();
                                    return Flux.error(ApiException.unavailable("shutting down"));
                                },
                                2)
                        .blockLast(WAIT))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("shutting down");
        assertThat(unavailable).as("the first try and two more").hasValue(3);
    }
}
