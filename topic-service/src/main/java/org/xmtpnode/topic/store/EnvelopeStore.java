package org.xmtpnode.topic.store;

import com.google.protobuf.ByteString;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Repository;
import org.xmtpnode.core.EnvelopeDigest;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.internal.ExportedEnvelope;

/** The envelope table: idempotent batch inserts and keyset-paged reads. */
@Repository
public class EnvelopeStore {

    private static final String INSERT = """
            INSERT INTO envelopes (digest, content_topic, sender_time_ns, message, origin_node)
            SELECT d, t, s, m, ? FROM unnest(?::bytea[], ?::text[], ?::bigint[], ?::bytea[]) AS x(d, t, s, m)
            ON CONFLICT (digest) DO NOTHING
            """;

    /** The same, and each new envelope into the outbox, in one statement (so in one transaction). */
    private static final String INSERT_WITH_OUTBOX = """
            WITH stored AS (
                INSERT INTO envelopes (digest, content_topic, sender_time_ns, message, origin_node)
                SELECT d, t, s, m, ? FROM unnest(?::bytea[], ?::text[], ?::bigint[], ?::bytea[]) AS x(d, t, s, m)
                ON CONFLICT (digest) DO NOTHING
                RETURNING digest)
            INSERT INTO outbox (digest, due_at) SELECT digest, now() + ?::interval FROM stored
            """;

    private final DataSource dataSource;

    public EnvelopeStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Stores the envelopes that are new (by digest) in one statement.
     *
     * @return how many were new
     */
    public int insert(List<Envelope> envelopes, String originNode) {
        return insert(envelopes, originNode, null);
    }

    /**
     * Stores new envelopes and, when {@code outboxGrace} is given, puts each new one in the outbox,
     * due after that grace period.
     */
    public int insert(List<Envelope> envelopes, String originNode, Duration outboxGrace) {
        if (envelopes.isEmpty()) {
            return 0;
        }
        int n = envelopes.size();
        byte[][] digests = new byte[n][];
        String[] topics = new String[n];
        Long[] times = new Long[n];
        byte[][] messages = new byte[n][];
        for (int i = 0; i < n; i++) {
            Envelope e = envelopes.get(i);
            digests[i] = EnvelopeDigest.of(e);
            topics[i] = e.getContentTopic();
            times[i] = e.getTimestampNs();
            messages[i] = e.getMessage().toByteArray();
        }
        Connection c = DataSourceUtils.getConnection(dataSource);
        try (PreparedStatement ps = c.prepareStatement(outboxGrace == null ? INSERT : INSERT_WITH_OUTBOX)) {
            ps.setString(1, originNode);
            ps.setArray(2, c.createArrayOf("bytea", digests));
            ps.setArray(3, c.createArrayOf("text", topics));
            ps.setArray(4, c.createArrayOf("bigint", times));
            ps.setArray(5, c.createArrayOf("bytea", messages));
            if (outboxGrace != null) {
                ps.setString(6, outboxGrace.toMillis() + " milliseconds");
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreUnavailableException("insert failed", e);
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
    }

    /** The envelope log carries these (seen by this node's ingest): they leave the outbox. */
    public void clearOutbox(List<byte[]> digests) {
        if (digests.isEmpty()) {
            return;
        }
        Connection c = DataSourceUtils.getConnection(dataSource);
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM outbox WHERE digest = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("bytea", digests.toArray(new byte[0][])));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreUnavailableException("outbox clear failed", e);
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
    }

    /**
     * Outbox entries past due (the relay did not get them into the log in time), oldest first; each
     * is made due again after {@code retryAfter}, so a failed send is retried and a slow ingest is not
     * raced.
     */
    public List<StoredEnvelope> takeDueOutbox(int limit, Duration retryAfter) {
        Connection c = DataSourceUtils.getConnection(dataSource);
        try (PreparedStatement ps = c.prepareStatement("""
                WITH due AS (
                    SELECT digest FROM outbox WHERE due_at <= now() ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED)
                UPDATE outbox o SET due_at = now() + ?::interval FROM due, envelopes e
                WHERE o.digest = due.digest AND e.digest = o.digest
                RETURNING e.content_topic, e.sender_time_ns, e.message, e.digest
                """)) {
            ps.setInt(1, limit);
            ps.setString(2, retryAfter.toMillis() + " milliseconds");
            List<StoredEnvelope> due = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.add(new StoredEnvelope(
                            Envelope.newBuilder()
                                    .setContentTopic(rs.getString(1))
                                    .setTimestampNs(rs.getLong(2))
                                    .setMessage(ByteString.copyFrom(rs.getBytes(3)))
                                    .build(),
                            rs.getBytes(4)));
                }
            }
            return due;
        } catch (SQLException e) {
            throw new StoreUnavailableException("outbox read failed", e);
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
    }

    public long outboxSize() {
        Connection c = DataSourceUtils.getConnection(dataSource);
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM outbox");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
    }

    /** One page, ordered by (sender time, digest). */
    public List<StoredEnvelope> query(EnvelopeQuery q) {
        StringBuilder sql =
                new StringBuilder("SELECT content_topic, sender_time_ns, message, digest FROM envelopes WHERE ");
        List<Object> params = new ArrayList<>();
        if (q.topics().size() == 1) {
            sql.append("content_topic = ?");
            params.add(q.topics().get(0));
        } else {
            sql.append("content_topic = ANY(?)");
            params.add(q.topics());
        }
        if (q.startTimeNs() != null) {
            sql.append(" AND sender_time_ns >= ?");
            params.add(q.startTimeNs());
        }
        if (q.endTimeNs() != null) {
            sql.append(" AND sender_time_ns <= ?");
            params.add(q.endTimeNs());
        }
        String cmp = q.ascending() ? ">" : "<";
        if (q.cursorTimeNs() != null) {
            sql.append(" AND (sender_time_ns, digest) ").append(cmp).append(" (?, ?)");
            params.add(q.cursorTimeNs());
            params.add(q.cursorDigest());
        }
        String dir = q.ascending() ? "ASC" : "DESC";
        sql.append(" ORDER BY sender_time_ns ")
                .append(dir)
                .append(", digest ")
                .append(dir)
                .append(" LIMIT ?");
        params.add(q.limit());

        Connection c = DataSourceUtils.getConnection(dataSource);
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                Object p = params.get(i);
                if (p instanceof List<?> list) {
                    Array array = c.createArrayOf("text", list.toArray());
                    ps.setArray(i + 1, array);
                } else {
                    ps.setObject(i + 1, p);
                }
            }
            List<StoredEnvelope> page = new ArrayList<>(Math.min(q.limit(), 128));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Envelope envelope = Envelope.newBuilder()
                            .setContentTopic(rs.getString(1))
                            .setTimestampNs(rs.getLong(2))
                            .setMessage(ByteString.copyFrom(rs.getBytes(3)))
                            .build();
                    page.add(new StoredEnvelope(envelope, rs.getBytes(4)));
                }
            }
            return page;
        } catch (SQLException e) {
            throw new StoreUnavailableException("query failed", e);
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
    }

    /**
     * A page of the whole store in digest order, after {@code after} (empty for the start), optionally
     * only topics starting with {@code topicPrefix}: what a joining node copies.
     */
    public List<ExportedEnvelope> export(byte[] after, int limit, String topicPrefix) {
        Connection c = DataSourceUtils.getConnection(dataSource);
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT content_topic, sender_time_ns, message, origin_node FROM envelopes
                WHERE digest > ? AND (?::text IS NULL OR starts_with(content_topic, ?::text)) ORDER BY digest LIMIT ?""")) {
            ps.setBytes(1, after);
            ps.setString(2, topicPrefix);
            ps.setString(3, topicPrefix);
            ps.setInt(4, limit);
            List<ExportedEnvelope> page = new ArrayList<>(Math.min(limit, 1024));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    page.add(ExportedEnvelope.newBuilder()
                            .setEnvelope(Envelope.newBuilder()
                                    .setContentTopic(rs.getString(1))
                                    .setTimestampNs(rs.getLong(2))
                                    .setMessage(ByteString.copyFrom(rs.getBytes(3))))
                            .setOriginNode(rs.getString(4))
                            .build());
                }
            }
            return page;
        } catch (SQLException e) {
            throw new StoreUnavailableException("export failed", e);
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
    }
}
