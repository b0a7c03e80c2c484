package org.xmtpnode.runtime.catchup;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer group is behind a topic: where each partition began and ended at one moment, and
 * where the group had committed. The group has caught up once its commits reach those end offsets.
 */
public final class GroupOffsets {

    private GroupOffsets() {}

    /**
     * The topic's offsets at one moment and the group's commits.
     *
     * @param begin first retained offset of each partition
     * @param end next offset to be written to each partition
     * @param committed the group's committed offsets (partitions it never committed are absent)
     */
    public record Snapshot(
            Map<TopicPartition, Long> begin, Map<TopicPartition, Long> end, Map<TopicPartition, Long> committed) {

        /**
         * Whether Kafka no longer holds records this group never consumed: some partition starts after
         * the group's position (a new group counts as position 0). That history must come from elsewhere.
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

        /** True once {@code now} (the group's commits later) reach this snapshot's ends (empty partitions count as done). */
        public boolean reachedBy(Map<TopicPartition, Long> nowCommitted) {
            return end.entrySet().stream()
                    .allMatch(e -> e.getValue() <= begin.get(e.getKey())
                            || nowCommitted.getOrDefault(e.getKey(), 0L) >= e.getValue());
        }
    }

    public static Snapshot snapshot(Admin admin, String topic, String group)
            throws ExecutionException, InterruptedException, TimeoutException {
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
    }

    /** The group's committed offsets now. */
    public static Map<TopicPartition, Long> committed(Admin admin, String group)
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
}
