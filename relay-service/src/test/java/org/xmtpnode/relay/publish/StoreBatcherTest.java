package org.xmtpnode.relay.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.GrpcCode;
import org.xmtpnode.proto.api.Envelope;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class StoreBatcherTest {

    /** A store whose requests complete when the test says so. */
    static final class Store implements Function<List<Envelope>, Mono<Void>> {
        final List<List<Envelope>> requests = new CopyOnWriteArrayList<>();
        final List<Sinks.Empty<Void>> answers = new CopyOnWriteArrayList<>();

        @Override
        public Mono<Void> apply(List<Envelope> envelopes) {
            requests.add(List.copyOf(envelopes));
            Sinks.Empty<Void> answer = Sinks.empty();
            answers.add(answer);
            return answer.asMono();
        }

        void answer(int i) {
            answers.get(i).tryEmitEmpty();
        }

        void fail(int i, Throwable e) {
            answers.get(i).tryEmitError(e);
        }
    }

    static Envelope envelope(String id, int bytes) {
        return Envelope.newBuilder()
                .setContentTopic("/xmtp/0/m-" + id + "/proto")
                .setTimestampNs(1)
                .setMessage(ByteString.copyFrom(new byte[bytes]))
                .build();
    }

    final Store store = new Store();
    final List<int[]> batches = new CopyOnWriteArrayList<>();

    StoreBatcher batcher(int inFlight, long maxBytes, int maxQueued) {
        return new StoreBatcher(
                store,
                inFlight,
                maxBytes,
                maxQueued,
                Duration.ofSeconds(5),
                (callers, envelopes) -> batches.add(new int[] {callers, envelopes}));
    }

    /** Subscribes and records how the call ended: "ok", the error's code, or null while it waits. */
    static final class Call {
        volatile String outcome;

        Call(Mono<Void> mono) {
            mono.subscribe(
                    null,
                    e -> outcome = e instanceof ApiException api ? api.code().name() : e.toString(),
                    () -> outcome = "ok");
        }
    }

    @Test
    void anIdleStoreGetsEachPublishAtOnce() {
        StoreBatcher b = batcher(2, 1 << 20, 100);
        Call first = new Call(b.store(List.of(envelope("a", 10))));
        assertThat(store.requests).hasSize(1);
        store.answer(0);
        assertThat(first.outcome).isEqualTo("ok");
        Call second = new Call(b.store(List.of(envelope("b", 10))));
        assertThat(store.requests).hasSize(2);
        store.answer(1);
        assertThat(second.outcome).isEqualTo("ok");
    }

    @Test
    void publishesThatArriveWhileRequestsAreOutShareTheNextRequest() {
        StoreBatcher b = batcher(1, 1 << 20, 100);
        Call first = new Call(b.store(List.of(envelope("a", 10))));
        List<Call> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiting.add(new Call(b.store(List.of(envelope("w" + i, 10), envelope("x" + i, 10)))));
        }
        assertThat(store.requests).hasSize(1);
        assertThat(b.queued()).isEqualTo(10);
        store.answer(0);
        assertThat(first.outcome).isEqualTo("ok");
        assertThat(store.requests).hasSize(2);
        assertThat(store.requests.get(1)).hasSize(10);
        assertThat(waiting).allSatisfy(c -> assertThat(c.outcome).isNull());
        store.answer(1);
        assertThat(waiting).allSatisfy(c -> assertThat(c.outcome).isEqualTo("ok"));
        assertThat(batches).extracting(x -> x[0] + "/" + x[1]).containsExactly("1/1", "5/10");
        assertThat(b.queued()).isZero();
    }

    @Test
    void aBatchStaysWithinTheEnvelopeAndByteLimitsButALargePublishStillGoes() {
        StoreBatcher b = batcher(1, 1000, 10_000);
        new Call(b.store(List.of(envelope("first", 1))));
        List<Envelope> sixty = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            sixty.add(envelope("s" + i, 1));
        }
        new Call(b.store(sixty));
        new Call(b.store(sixty)); // 120 together would be over the 100 a store request may hold
        new Call(b.store(List.of(envelope("big", 5000)))); // over maxBytes alone
        store.answer(0);
        assertThat(store.requests.get(1)).hasSize(60);
        store.answer(1);
        assertThat(store.requests.get(2)).hasSize(60);
        store.answer(2);
        assertThat(store.requests.get(3)).hasSize(1);
    }

    @Test
    void aServerErrorFailsEveryCallerInTheBatchAndTheNextBatchStillGoes() {
        StoreBatcher b = batcher(1, 1 << 20, 100);
        new Call(b.store(List.of(envelope("a", 10))));
        Call x = new Call(b.store(List.of(envelope("x", 10))));
        Call y = new Call(b.store(List.of(envelope("y", 10))));
        store.answer(0);
        new Call(b.store(List.of(envelope("z", 10))));
        store.fail(1, ApiException.unavailable("down"));
        assertThat(x.outcome).isEqualTo(GrpcCode.UNAVAILABLE.name());
        assertThat(y.outcome).isEqualTo(GrpcCode.UNAVAILABLE.name());
        assertThat(store.requests).hasSize(3);
        assertThat(store.requests.get(2)).extracting(Envelope::getContentTopic).containsExactly("/xmtp/0/m-z/proto");
    }

    @Test
    void anInvalidBatchIsResentCallerByCallerSoOnlyTheBadOneFails() {
        StoreBatcher b = batcher(1, 1 << 20, 100);
        new Call(b.store(List.of(envelope("a", 10))));
        Call good = new Call(b.store(List.of(envelope("good", 10))));
        Call bad = new Call(b.store(List.of(envelope("bad", 10))));
        store.answer(0);
        store.fail(1, ApiException.invalid("refused"));
        assertThat(store.requests).hasSize(4);
        store.answer(2);
        store.fail(3, ApiException.invalid("refused"));
        assertThat(good.outcome).isEqualTo("ok");
        assertThat(bad.outcome).isEqualTo(GrpcCode.INVALID_ARGUMENT.name());
    }

    @Test
    void publishesBeyondTheQueueLimitAreRefusedAndNothingOfThemIsSent() {
        StoreBatcher b = batcher(1, 1 << 20, 3);
        new Call(b.store(List.of(envelope("a", 10))));
        Call queued = new Call(b.store(List.of(envelope("b", 10), envelope("c", 10))));
        Call refused = new Call(b.store(List.of(envelope("d", 10), envelope("e", 10))));
        assertThat(refused.outcome).isEqualTo(GrpcCode.UNAVAILABLE.name());
        store.answer(0);
        assertThat(store.requests.get(1))
                .extracting(Envelope::getContentTopic)
                .containsExactly("/xmtp/0/m-b/proto", "/xmtp/0/m-c/proto");
        store.answer(1);
        assertThat(queued.outcome).isEqualTo("ok");
        assertThat(store.requests).hasSize(2);
    }

    @Test
    void aCallerThatWaitsTooLongFailsAsUnavailable() {
        StoreBatcher b = new StoreBatcher(store, 1, 1 << 20, 100, Duration.ofMillis(50), (c, e) -> {});
        assertThatThrownBy(() -> b.store(List.of(envelope("a", 10))).block(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo(GrpcCode.UNAVAILABLE));
    }
}
