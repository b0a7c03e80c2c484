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
        assertThat(attemptsFailingWith(ApiException.invalid("no topics"))).isEqualTo(1);
        assertThat(attemptsFailingWith(ApiException.unavailable("shutting down")))
                .as("the first try and two more")
                .isEqualTo(3);
    }

    /** Opens a stream whose every attempt fails with {@code error} before it starts: how many attempts were made. */
    private static int attemptsFailingWith(RuntimeException error) {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> NodeCalls.<String>untilStarted(
                                started -> {
                                    attempts.incrementAndGet();
                                    return Flux.error(error);
                                },
                                2)
                        .blockLast(WAIT))
                .isSameAs(error);
        return attempts.get();
    }
}
