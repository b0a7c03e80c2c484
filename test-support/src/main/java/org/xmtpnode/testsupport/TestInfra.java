package org.xmtpnode.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.xmtpnode.devnet.EmbeddedKafka;
import org.xmtpnode.devnet.Postgres;
import org.xmtpnode.devnet.Redis;

/**
 * The real servers tests run against, each started at most once per test JVM and left running until
 * it exits:
 * <ul>
 *   <li>PostgreSQL: a Testcontainers container where Docker runs; else the server at 127.0.0.1:5432
 *   (trust auth); else an embedded PostgreSQL from Maven-packaged binaries. Each caller gets a fresh
 *   database of its own.</li>
 *   <li>Kafka: a KRaft broker in this JVM from Kafka's own server jars.</li>
 *   <li>Redis: the server at 127.0.0.1:6379, else an embedded one.</li>
 * </ul>
 */
public final class TestInfra {

    private static final Logger log = LoggerFactory.getLogger(TestInfra.class);

    private static Postgres postgres;
    private static EmbeddedKafka kafka;
    private static Redis redis;

    private TestInfra() {}

    public static synchronized Postgres postgres() {
        if (postgres == null) {
            postgres = startPostgres();
        }
        return postgres;
    }

    private static Postgres startPostgres() {
        if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine")
                    .withUsername("postgres")
                    .withPassword("postgres");
            container.start();
            log.info("tests use a PostgreSQL container at {}", container.getJdbcUrl());
            return Postgres.external("127.0.0.1", container.getMappedPort(5432), "postgres", "postgres");
        }
        Postgres local = Postgres.local("127.0.0.1", 5432, "postgres");
        if (local != null) {
            log.info("tests use the PostgreSQL server at 127.0.0.1:5432");
            return local;
        }
        log.info("no Docker and no PostgreSQL at 127.0.0.1:5432: tests use an embedded PostgreSQL");
        return Postgres.embedded(tmp("postgres"), 0);
    }

    /**
     * A service's datasource on {@code database} of the test PostgreSQL, for a {@code @DynamicPropertySource}:
     * {@code TestInfra.datasource(DATABASE, registry::add)}.
     */
    public static void datasource(String database, BiConsumer<String, Supplier<Object>> property) {
        Postgres pg = postgres();
        property.accept("spring.datasource.url", () -> pg.jdbcUrl(database));
        property.accept("spring.datasource.username", pg::user);
        property.accept("spring.datasource.password", pg::password);
    }

    /** node-runtime's {@code xmtp.kafka.*} on the test broker, with a topic of the caller's own. */
    public static void kafka(String envelopeTopic, BiConsumer<String, Supplier<Object>> property) {
        property.accept("xmtp.kafka.bootstrap-servers", () -> kafka().bootstrapServers());
        property.accept("xmtp.kafka.topic", () -> envelopeTopic);
    }

    public static synchronized EmbeddedKafka kafka() {
        if (kafka == null) {
            kafka = EmbeddedKafka.start(tmp("kafka"), 0);
            EmbeddedKafka started = kafka;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "test-kafka-stop"));
        }
        return kafka;
    }

    public static synchronized Redis redis() {
        if (redis == null) {
            redis = Redis.localOrEmbedded(6379);
            Redis started = redis;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "test-redis-stop"));
        }
        return redis;
    }

    private static boolean dockerAvailable() {
        if (Boolean.getBoolean("xmtp.tests.no-docker")) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    private static Path tmp(String name) {
        try {
            return Files.createTempDirectory("xmtp-" + name + "-");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
