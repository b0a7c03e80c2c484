// What a log consumer costs per record: node-runtime's LogConsumer against Spring Kafka's listener container
// (a batch listener with batch acknowledgement: the same poll, hand over, commit after), both consuming the
// same records from an in-JVM broker with a handler that only counts. The cost is the consumer thread's own
// CPU time (ThreadMXBean), so the broker sharing the JVM does not count. Run with the bench module's class path:
//   mvn -q -pl bench -am package -DskipTests && mvn -q -pl bench dependency:build-classpath
// -Dmdep.outputFile=target/cp.txt
//   java -cp "$(cat bench/target/cp.txt)" bench/probe/ConsumerCost.java
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.xmtpnode.devnet.EmbeddedKafka;
import org.xmtpnode.runtime.config.KafkaProperties;
import org.xmtpnode.runtime.kafka.KafkaClients;
import org.xmtpnode.runtime.log.LogConsumer;

public class ConsumerCost {

    static final int RECORDS = Integer.getInteger("records", 300_000);
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        EmbeddedKafka broker = EmbeddedKafka.start(Files.createTempDirectory("consumer-cost"), 0);
        try {
            KafkaProperties kafka = new Binder(new MapConfigurationPropertySource(
                            Map.of("xmtp.kafka.bootstrap-servers", broker.bootstrapServers())))
                    .bindOrCreate("xmtp.kafka", KafkaProperties.class);
            String topic = "cost-" + UUID.randomUUID();
            KafkaClients.ensureTopic(
                    kafka.bootstrapServers(), new KafkaClients.TopicSpec(topic, 6, (short) 1, Map.of()));
            byte[] value = new byte[1024];
            try (var producer = new KafkaProducer<byte[], byte[]>(KafkaClients.producer(kafka, "cost"))) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>(topic, ("k" + (i % 1000)).getBytes(), value));
                }
                producer.flush();
            }
            for (int round = 1; round <= 3; round++) {
                report("LogConsumer, round " + round, logConsumer(kafka, topic));
                report("Spring Kafka, round " + round, springKafka(kafka, topic));
            }
        } finally {
            broker.close();
        }
    }

    record Cost(long cpuNanos, long wallNanos) {}

    static void report(String what, Cost c) {
        System.out.printf(
                "%-24s %7.0f ns CPU per record (consumer thread), %6.2f s wall for %d records%n",
                what, (double) c.cpuNanos / RECORDS, c.wallNanos / 1e9, RECORDS);
    }

    /** Waits until {@code count} reaches RECORDS, then reads the CPU time of the thread whose name starts with prefix. */
    static Cost measure(AtomicLong count, String threadPrefix, long started) throws InterruptedException {
        long cpu = -1;
        while (count.get() < RECORDS) {
            Thread.sleep(5);
            cpu = cpuOf(threadPrefix, cpu);
        }
        return new Cost(cpuOf(threadPrefix, cpu), System.nanoTime() - started);
    }

    static long cpuOf(String prefix, long last) {
        for (var info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(prefix)) {
                long t = THREADS.getThreadCpuTime(info.getThreadId());
                return t > 0 ? t : last;
            }
        }
        return last;
    }

    static Cost logConsumer(KafkaProperties kafka, String topic) throws Exception {
        AtomicLong count = new AtomicLong();
        LogConsumer consumer = LogConsumer.inGroup("cost", topic, "cost-" + UUID.randomUUID())
                .maxPollRecords(500)
                .build(records -> count.addAndGet(records.count()), kafka, new SimpleMeterRegistry());
        long started = System.nanoTime();
        consumer.start();
        try {
            return measure(count, "log-cost", started);
        } finally {
            consumer.stop();
        }
    }

    static Cost springKafka(KafkaProperties kafka, String topic) throws Exception {
        AtomicLong count = new AtomicLong();
        Map<String, Object> settings = new HashMap<>();
        KafkaClients.consumer(kafka.bootstrapServers(), "spring-cost").forEach((k, v) -> settings.put((String) k, v));
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, "cost-" + UUID.randomUUID());
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        ContainerProperties properties = new ContainerProperties(topic);
        properties.setAckMode(ContainerProperties.AckMode.BATCH);
        properties.setMessageListener(
                (BatchMessageListener<byte[], byte[]>) records -> count.addAndGet(records.size()));
        var container = new KafkaMessageListenerContainer<>(
                new DefaultKafkaConsumerFactory<byte[], byte[]>(settings), properties);
        container.setBeanName("springcost");
        long started = System.nanoTime();
        container.start();
        try {
            return measure(count, "springcost", started);
        } finally {
            container.stop();
        }
    }
}
