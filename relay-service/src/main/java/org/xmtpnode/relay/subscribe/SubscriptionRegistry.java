package org.xmtpnode.relay.subscribe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.xmtpnode.core.Topics;
import org.xmtpnode.relay.config.RelayProperties;

/** Who listens to which topic, and delivery of one envelope's line to each of them. */
@Component
public class SubscriptionRegistry implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionRegistry.class);

    private final ConcurrentHashMap<String, Set<Subscriber>> byTopic = new ConcurrentHashMap<>();
    private final Set<Subscriber> allTopics = new CopyOnWriteArraySet<>();
    private final ConcurrentHashMap<String, Subscriber> changeables = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final int buffer;
    private final Counter overflows;
    private final Counter delivered;
    private volatile boolean running;

    public SubscriptionRegistry(RelayProperties properties, MeterRegistry meters) {
        this.buffer = properties.subscriberBuffer();
        this.overflows = Counter.builder("relay.subscriber.overflow")
                .description("subscribers closed because they fell more than the buffer behind")
                .register(meters);
        this.delivered = Counter.builder("relay.stream.delivered")
                .description("envelope lines handed to subscribers")
                .register(meters);
        Gauge.builder("relay.subscribers", open, AtomicInteger::get)
                .description("open streams")
                .register(meters);
    }

    public Subscriber subscribe(Collection<String> topics) {
        return subscribe(topics, false);
    }

    /** @param changeable its topics may be replaced later ({@link #change}), by its id */
    public Subscriber subscribe(Collection<String> topics, boolean changeable) {
        Subscriber s = new Subscriber(Set.copyOf(topics), false, buffer);
        for (String topic : s.topics()) {
            byTopic.computeIfAbsent(topic, t -> new CopyOnWriteArraySet<>()).add(s);
        }
        if (changeable) {
            changeables.put(s.id(), s);
        }
        open.incrementAndGet();
        return s;
    }

    /**
     * Replaces the topics of a changeable subscriber: it joins the new topics before it leaves the old ones,
     * so the fan-out thread streams it every envelope of a topic it keeps, once.
     *
     * @return false when no open changeable subscriber has that id
     */
    public boolean change(String id, Collection<String> topics) {
        Subscriber s = changeables.get(id);
        if (s == null) {
            return false;
        }
        synchronized (s) {
            if (!s.registered() || s.isClosed()) {
                return false;
            }
            Set<String> next = Set.copyOf(topics);
            for (String topic : next) {
                byTopic.computeIfAbsent(topic, t -> new CopyOnWriteArraySet<>()).add(s);
            }
            Set<String> before = s.topics();
            s.topics(next);
            for (String topic : before) {
                if (!next.contains(topic)) {
                    leave(topic, s);
                }
            }
        }
        return true;
    }

    private void leave(String topic, Subscriber s) {
        byTopic.computeIfPresent(topic, (t, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
    }

    public Subscriber subscribeAll() {
        Subscriber s = new Subscriber(Set.of(), true, buffer);
        allTopics.add(s);
        open.incrementAndGet();
        return s;
    }

    /** Removes a subscriber (its stream ended or was cancelled); safe to call more than once. */
    public void unsubscribe(Subscriber s) {
        if (!s.unregister()) {
            return;
        }
        if (s.allTopics()) {
            allTopics.remove(s);
        } else {
            changeables.remove(s.id());
            synchronized (s) {
                for (String topic : s.topics()) {
                    leave(topic, s);
                }
            }
        }
        open.decrementAndGet();
        s.complete();
    }

    /** Called by the single fan-out thread; the line is made only if someone listens (null: nothing to deliver). */
    public void dispatch(String topic, Supplier<byte[]> line) {
        Set<Subscriber> subscribers = byTopic.get(topic);
        boolean toAll = !allTopics.isEmpty() && Topics.isXmtpTopic(topic);
        if (subscribers == null && !toAll) {
            return;
        }
        byte[] bytes = line.get();
        if (bytes == null) {
            return; // unreadable: nothing to deliver
        }
        if (subscribers != null) {
            for (Subscriber s : subscribers) {
                deliver(s, bytes);
            }
        }
        if (toAll) {
            for (Subscriber s : allTopics) {
                deliver(s, bytes);
            }
        }
    }

    private void deliver(Subscriber s, byte[] bytes) {
        if (s.offer(bytes)) {
            delivered.increment();
        } else if (s.overflow()) {
            overflows.increment();
            log.warn(
                    "closed a subscriber of {} topic(s) that fell {} envelopes behind",
                    s.allTopics() ? "all" : s.topics().size(),
                    buffer);
        }
    }

    public int openStreams() {
        return open.get();
    }

    @Override
    public void start() {
        running = true;
    }

    /** Ends every stream before the web server's graceful shutdown, so clients resubscribe elsewhere. */
    @Override
    public void stop() {
        running = false;
        byTopic.values().forEach(set -> set.forEach(Subscriber::complete));
        allTopics.forEach(Subscriber::complete);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
