package org.xmtpnode.relay.subscribe;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.xmtpnode.relay.config.RelayProperties;
import reactor.core.publisher.BaseSubscriber;
import reactor.test.StepVerifier;

class SubscriptionRegistryTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final SubscriptionRegistry registry = new SubscriptionRegistry(
            new Binder(new MapConfigurationPropertySource(Map.of("xmtp.relay.subscriber-buffer", "16")))
                    .bindOrCreate("xmtp.relay", RelayProperties.class),
            meters);

    static byte[] line(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void deliversToTheTopicsSubscribersAndToSubscribeAllOnlyForXmtpTopics() {
        Subscriber a = registry.subscribe(List.of("/xmtp/0/m-a/proto"));
        Subscriber b = registry.subscribe(List.of("/xmtp/0/m-b/proto", "/xmtp/0/m-a/proto"));
        Subscriber all = registry.subscribeAll();
        registry.dispatch("/xmtp/0/m-a/proto", () -> line("1"));
        registry.dispatch("/xmtp/0/m-b/proto", () -> line("2"));
        registry.dispatch("other-topic", () -> line("3"));
        registry.stop();
        StepVerifier.create(a.lines().map(String::new)).expectNext("1").verifyComplete();
        StepVerifier.create(b.lines().map(String::new)).expectNext("1", "2").verifyComplete();
        StepVerifier.create(all.lines().map(String::new)).expectNext("1", "2").verifyComplete();
    }

    @Test
    void aChangeableSubscriptionKeepsItsStreamAcrossATopicChange() {
        Subscriber s = registry.subscribe(List.of("/xmtp/0/m-a/proto", "/xmtp/0/m-b/proto"), true);
        registry.dispatch("/xmtp/0/m-a/proto", () -> line("a1"));
        registry.dispatch("/xmtp/0/m-c/proto", () -> line("c-before"));
        assertThat(registry.change(s.id(), List.of("/xmtp/0/m-a/proto", "/xmtp/0/m-c/proto")))
                .isTrue();
        registry.dispatch("/xmtp/0/m-a/proto", () -> line("a2"));
        registry.dispatch("/xmtp/0/m-b/proto", () -> line("b-after"));
        registry.dispatch("/xmtp/0/m-c/proto", () -> line("c1"));
        assertThat(registry.change("no-such-id", List.of("/xmtp/0/m-a/proto"))).isFalse();
        registry.unsubscribe(s);
        assertThat(registry.change(s.id(), List.of("/xmtp/0/m-a/proto"))).isFalse();
        registry.dispatch("/xmtp/0/m-a/proto", () -> {
            throw new AssertionError("an unsubscribed stream left a topic behind");
        });
        StepVerifier.create(s.lines().map(String::new))
                .expectNext("a1", "a2", "c1")
                .verifyComplete();
    }

    @Test
    void noLineIsMadeWhenNobodyListens() {
        registry.dispatch("/xmtp/0/m-nobody/proto", () -> {
            throw new AssertionError("the line was built for nobody");
        });
    }

    /** A connection that reads nothing until told to. */
    static final class StalledReader extends BaseSubscriber<byte[]> {
        final List<String> received = new ArrayList<>();
        Throwable error;

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            // no demand: the client is not reading
        }

        @Override
        protected void hookOnNext(byte[] value) {
            received.add(new String(value, UTF_8));
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            error = throwable;
        }
    }

    @Test
    void aSlowSubscriberIsClosedAndCountedWithoutHoldingUpTheOthers() {
        Subscriber slow = registry.subscribe(List.of("/xmtp/0/m-x/proto"));
        StalledReader stalled = new StalledReader();
        slow.lines().subscribe(stalled);
        Subscriber fast = registry.subscribe(List.of("/xmtp/0/m-x/proto"));
        List<String> received = new ArrayList<>();
        fast.lines().map(String::new).subscribe(received::add);
        for (int i = 0; i < 40; i++) {
            int n = i;
            registry.dispatch("/xmtp/0/m-x/proto", () -> line("e" + n));
        }
        assertThat(received).hasSize(40);
        assertThat(meters.get("relay.subscriber.overflow").counter().count()).isEqualTo(1.0);
        stalled.request(Long.MAX_VALUE);
        assertThat(stalled.error).isInstanceOf(Subscriber.Overflow.class);
        assertThat(stalled.received).hasSizeLessThanOrEqualTo(16);
        assertThat(meters.get("relay.subscribers").gauge().value()).isEqualTo(2.0);
        registry.unsubscribe(slow);
        registry.unsubscribe(slow);
        assertThat(meters.get("relay.subscribers").gauge().value()).isEqualTo(1.0);
        registry.dispatch("/xmtp/0/m-x/proto", () -> line("after"));
        assertThat(received).hasSize(41).last().isEqualTo("after");
    }

    @Test
    void unsubscribedStreamsGetNothingMore() {
        Subscriber s = registry.subscribe(List.of("/xmtp/0/m-y/proto"));
        registry.unsubscribe(s);
        registry.dispatch("/xmtp/0/m-y/proto", () -> {
            throw new AssertionError("no subscriber is left");
        });
        StepVerifier.create(s.lines()).verifyComplete();
        assertThat(registry.openStreams()).isZero();
    }
}
