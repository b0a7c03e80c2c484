package org.xmtpnode.devnet;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server: either one already listening (the machine's, found by {@link #local}) or
 * an embedded one started from the Maven-packaged PostgreSQL binaries.
 */
public final class Postgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Postgres.class);

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private EmbeddedPostgres embedded;
    private final Path embeddedDataDir;

    private Postgres(String host, int port, String user, String password, EmbeddedPostgres embedded) {
        this(host, port, user, password, embedded, null);
    }

    private Postgres(String host, int port, String user, String password, EmbeddedPostgres embedded, Path dataDir) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.embedded = embedded;
        this.embeddedDataDir = dataDir;
    }

    /** A server someone else runs (a container, say), reached with a password. */
    public static Postgres external(String host, int port, String user, String password) {
        return new Postgres(host, port, user, password, null);
    }

    /** The server at host:port when it answers (trust authentication), else null. */
    public static Postgres local(String host, int port, String user) {
        if (!Ports.answers(host, port)) {
            return null;
        }
        Postgres pg = new Postgres(host, port, user, "", null);
        try (Connection ignored = pg.connect("postgres")) {
            return pg;
        } catch (SQLException e) {
            log.warn("PostgreSQL at {}:{} refused user {}: {}", host, port, user, e.getMessage());
            return null;
        }
    }

    /** Starts PostgreSQL from the embedded binaries, keeping its data in {@code dataDir} across restarts. */
    public static Postgres embedded(Path dataDir, int port) {
        EmbeddedPostgres pg = startEmbedded(dataDir, port == 0 ? Ports.free() : port);
        return new Postgres("127.0.0.1", pg.getPort(), "postgres", "", pg, dataDir);
    }

    private static EmbeddedPostgres startEmbedded(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "on")
                    // PostgreSQL's default of 128 MB holds a fraction of a million-envelope store: query
                    // pages then copy their rows in from the OS cache (W3: 1.4x the CPU per page).
                    // Reserved, not used, until the data is there.
                    .setServerConfig("shared_buffers", "1GB")
                    .start();
            log.info("embedded PostgreSQL listening on 127.0.0.1:{}, data in {}", pg.getPort(), dataDir);
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dataDir, e);
        }
    }

    /** Stops an embedded server (fault tests); {@link #start} brings it back on the same port and data. */
    public synchronized void stop() {
        if (embeddedDataDir == null) {
            throw new IllegalStateException("only an embedded PostgreSQL can be stopped here");
        }
        close();
        embedded = null;
    }

    public synchronized void start() {
        if (embeddedDataDir == null) {
            throw new IllegalStateException("only an embedded PostgreSQL can be started here");
        }
        if (embedded == null) {
            embedded = startEmbedded(embeddedDataDir, port);
        }
    }

    /** For tests: the machine's server at 127.0.0.1:5432 when it answers, else an embedded one. */
    public static Postgres localOrEmbedded(Path embeddedDataDir) {
        Postgres local = local("127.0.0.1", 5432, "postgres");
        return local != null ? local : embedded(embeddedDataDir, 0);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user, password);
    }

    /** Creates the database if it is missing. */
    public void ensureDatabase(String name) {
        if (!name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("database name must be [a-z0-9_]+: " + name);
        }
        try (Connection c = connect("postgres");
                Statement st = c.createStatement()) {
            var rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'");
            if (!rs.next()) {
                st.execute("CREATE DATABASE " + name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
    }

    /** A new, empty database with a unique name (tests: one per test class, dropped by {@link #drop}). */
    public String createFreshDatabase(String prefix) {
        String name =
                prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        ensureDatabase(name);
        return name;
    }

    public void drop(String database) {
        try (Connection c = connect("postgres");
                Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        } catch (SQLException e) {
            log.warn("cannot drop database {}: {}", database, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                log.warn("embedded PostgreSQL did not stop cleanly", e);
            }
        }
    }
}
