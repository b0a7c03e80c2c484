package org.xmtpnode.floors;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor of the store: plain JDBC on the node's PostgreSQL, on a table shaped like topic-service's
 * ({@code envelopes}: digest key, the keyset index on topic, time and digest). {@code insert}: one envelope of
 * 1 KiB per statement, autocommit, over 100 topics. {@code query}: a page of the newest 100 envelopes of a
 * random one of those topics. Closed loop on {@code threads} connections, or, given a rate per second, paced at
 * that rate shared by them (each operation due at its time, whatever the earlier ones took). It prints
 * {@code measuring} when the warm-up ends and {@code done <operations>} when the measured window does, so that
 * the caller can read the CPU of this process and of PostgreSQL over exactly that window, and ends once the
 * caller closes its standard input.
 */
final class JdbcFloor {

    static final int TOPICS = 100;

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        String mode = args[2];
        int threads = Integer.parseInt(args[3]);
        long warmupMs = Long.parseLong(args[4]) * 1000;
        long measureMs = Long.parseLong(args[5]) * 1000;
        double rate = args.length > 6 ? Double.parseDouble(args[6]) : 0; // 0: closed loop
        long periodNs = rate > 0 ? (long) (threads * 1e9 / rate) : 0; // each thread's share of the rate
        try (Connection c = DriverManager.getConnection(url, user, "");
                Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS floor_envelopes (
                        digest BYTEA NOT NULL PRIMARY KEY, content_topic TEXT NOT NULL,
                        sender_time_ns BIGINT NOT NULL, message BYTEA NOT NULL, origin_node TEXT NOT NULL,
                        stored_at TIMESTAMPTZ NOT NULL DEFAULT now())""");
            s.execute("CREATE INDEX IF NOT EXISTS floor_envelopes_topic_time_digest"
                    + " ON floor_envelopes (content_topic, sender_time_ns, digest)");
        }
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ops = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            long offsetNs = periodNs * i / threads;
            Thread t = new Thread(() -> work(url, user, mode, periodNs, offsetNs, measuring, stop, ops), "floor-" + i);
            t.start();
            workers.add(t);
        }
        Thread.sleep(warmupMs);
        ops.set(0);
        measuring.set(true);
        System.out.println("measuring");
        System.out.flush();
        Thread.sleep(measureMs);
        long done = ops.get();
        System.out.println("done " + done);
        System.out.flush();
        // the connections stay open until the caller has read PostgreSQL's CPU: a backend that exits during that
        // read is in neither its own figure nor, until reaped, its postmaster's
        System.in.read(); // the caller closes our stdin
        stop.set(true);
        for (Thread t : workers) {
            t.join();
        }
    }

    static void work(
            String url,
            String user,
            String mode,
            long periodNs,
            long offsetNs,
            AtomicBoolean measuring,
            AtomicBoolean stop,
            AtomicLong ops) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (Connection c = DriverManager.getConnection(url, user, "");
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO floor_envelopes (digest, content_topic, sender_time_ns, message, origin_node)"
                                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING");
                PreparedStatement query =
                        c.prepareStatement("SELECT digest, content_topic, sender_time_ns, message FROM floor_envelopes"
                                + " WHERE content_topic = ? ORDER BY sender_time_ns DESC, digest DESC LIMIT 100")) {
            byte[] message = new byte[1024];
            long due = System.nanoTime() + offsetNs;
            while (!stop.get()) {
                if (periodNs > 0) {
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                    due += periodNs;
                }
                String topic = "/xmtp/0/m-floor-" + random.nextInt(TOPICS) + "/proto";
                if (mode.equals("insert")) {
                    random.nextBytes(message);
                    byte[] digest = new byte[32];
                    random.nextBytes(digest);
                    insert.setBytes(1, digest);
                    insert.setString(2, topic);
                    insert.setLong(3, System.currentTimeMillis() * 1_000_000L);
                    insert.setBytes(4, message);
                    insert.setString(5, "floor");
                    insert.executeUpdate();
                } else {
                    query.setString(1, topic);
                    try (ResultSet rows = query.executeQuery()) {
                        while (rows.next()) {
                            rows.getBytes(1);
                            rows.getString(2);
                            rows.getLong(3);
                            rows.getBytes(4);
                        }
                    }
                }
                if (measuring.get() && !stop.get()) {
                    ops.incrementAndGet();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private JdbcFloor() {}
}
