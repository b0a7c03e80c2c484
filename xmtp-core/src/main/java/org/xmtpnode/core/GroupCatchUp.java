package org.xmtpnode.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer group is behind a topic, for readiness probes that stay down until a service has
 * caught up: where each partition began and ended when the service started, and where the group had
 * committed. The group has caught up once its commits reach those end offsets.
 */
public final class GroupCatchUp {

    private GroupCatchUp() {}

    /**
     * The topic's offsets at one moment and the group's commits.
     *
     * @param begin     first retained offset of each partition
     * @param end       next offset to be written to each partition
     * @param committed the group's committed offsets (partitions it never committed are absent)
     */
    public record Snapshot(
            Map<TopicPartition, Long> begin, Map<TopicPartition, Long> end, Map<TopicPartition, Long> committed) {

        /**
         * Whether Kafka no longer holds records this group never consumed: some partition starts after
         * the group's position (a new group counts as position 0). That history must come from a peer.
         */
        public boolean missingFromLog() {
            return begin.entrySet().stream().anyMatch(e -> e.getValue() > committed.getOrDefault(e.getKey(), 0L));
        }

        /** Records between the group's position (or the log's start) and the end. */
        public long behind() {
            long n = 0;
            for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                long from = Math.max(begin.get(e.getKey()), committed.getOrDefault(e.getKey(), 0L));
                n += Math.max(0, e.getValue() - from);
            }
            return n;
        }
    }

    /** An admin client with short timeouts, for the calls below. */
    public static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                10_000));
    }

    /** {@link #snapshot}, retried while Kafka does not answer; null once {@code keepGoing} turns false. */
    public static Snapshot snapshotUntilDone(
            Admin admin, String topic, String group, BooleanSupplier keepGoing, Retry.FailureHandler onFailure) {
        Snapshot[] start = new Snapshot[1];
        return Retry.untilDone(keepGoing, () -> start[0] = snapshot(admin, topic, group), onFailure) ? start[0] : null;
    }

    /**
     * Waits until the group's commits reach the snapshot's end offsets, polling every 250 ms.
     *
     * @return false when {@code keepGoing} turned false first
     */
    public static boolean awaitReached(
            Admin admin, String group, Snapshot start, BooleanSupplier keepGoing, Retry.FailureHandler onFailure)
            throws InterruptedException {
        while (keepGoing.getAsBoolean()) {
            boolean[] done = new boolean[1];
            Retry.untilDone(keepGoing, () -> done[0] = reached(admin, group, start), onFailure);
            if (done[0]) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    public static Snapshot snapshot(Admin admin, String topic, String group) {
        try {
            List<TopicPartition> partitions = admin
                    .describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(10, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            Map<TopicPartition, Long> begin = offsets(admin, partitions, OffsetSpec.earliest());
            Map<TopicPartition, Long> end = offsets(admin, partitions, OffsetSpec.latest());
            return new Snapshot(begin, end, committed(admin, group));
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the offsets of " + topic, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer in 10 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** True once the group has committed at least {@code end} on every partition (empty ones count as done). */
    public static boolean reached(Admin admin, String group, Snapshot start) {
        Map<TopicPartition, Long> committed;
        try {
            committed = committed(admin, group);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the offsets of group " + group, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return start.end().entrySet().stream()
                .allMatch(e -> e.getValue() <= start.begin().get(e.getKey())
                        || committed.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> r = admin.listOffsets(
                        partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec)))
                .all()
                .get(10, TimeUnit.SECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        r.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    private static Map<TopicPartition, Long> committed(Admin admin, String group)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> c = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        c.forEach((tp, om) -> {
            if (om != null) {
                out.put(tp, om.offset());
            }
        });
        return out;
    }
}
