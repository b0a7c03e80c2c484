package org.xmtpnode.topic.store;

import com.google.protobuf.UnsafeByteOperations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.xmtpnode.core.EnvelopeDigest;
import org.xmtpnode.proto.api.Envelope;

/** The envelope table: idempotent batch inserts, keyset-paged reads, and the export in digest order. */
@Repository
public class EnvelopeStore {

    /** The columns every read selects, in the order {@link #ROW} reads them. */
    static final String COLUMNS = "content_topic, sender_time_ns, message, digest, origin_node";

    /** The message is held in the array the driver read the column into, which nothing writes after: no second copy. */
    public static final RowMapper<StoredEnvelope> ROW = (rs, i) -> new StoredEnvelope(
            Envelope.newBuilder()
                    .setContentTopic(rs.getString(1))
                    .setTimestampNs(rs.getLong(2))
                    .setMessage(UnsafeByteOperations.unsafeWrap(rs.getBytes(3)))
                    .build(),
            rs.getBytes(4),
            rs.getString(5));

    private static final String INSERT = """
            INSERT INTO envelopes (digest, content_topic, sender_time_ns, message, origin_node)
            SELECT d, t, s, m, ? FROM unnest(?::bytea[], ?::text[], ?::bigint[], ?::bytea[]) AS x(d, t, s, m)
            ON CONFLICT (digest) DO NOTHING
            RETURNING sender_time_ns
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

    private final JdbcClient jdbc;

    public EnvelopeStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stores the envelopes that are new (by digest) in one statement.
     *
     * @return the sender times (ns) of those that were new
     */
    public List<Long> insert(List<Envelope> envelopes, String originNode) {
        if (envelopes.isEmpty()) {
            return List.of();
        }
        return jdbc.sql(INSERT)
                .params(insertParams(envelopes, originNode))
                .query(Long.class)
                .list();
    }

    /**
     * Stores the envelopes that are new and puts each new one in the outbox, due after {@code outboxGrace}
     * (see {@link Outbox}).
     *
     * @return how many were new
     */
    public int insert(List<Envelope> envelopes, String originNode, Duration outboxGrace) {
        if (envelopes.isEmpty()) {
            return 0;
        }
        List<Object> params = new ArrayList<>(insertParams(envelopes, originNode));
        params.add(outboxGrace.toMillis() + " milliseconds");
        return jdbc.sql(INSERT_WITH_OUTBOX).params(params).update();
    }

    private static List<Object> insertParams(List<Envelope> envelopes, String originNode) {
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
        return List.of(originNode, digests, topics, times, messages);
    }

    /** The size of the envelope table with its indexes and TOAST, in bytes (a file size: cheap). */
    public long sizeBytes() {
        return jdbc.sql("SELECT pg_total_relation_size('envelopes')")
                .query(Long.class)
                .single();
    }

    /** One page, ordered by (sender time, digest). */
    public List<StoredEnvelope> query(EnvelopeQuery q) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM envelopes WHERE ");
        List<Object> params = new ArrayList<>(8);
        if (q.topics().size() == 1) {
            sql.append("content_topic = ?");
            params.add(q.topics().get(0));
        } else {
            sql.append("content_topic = ANY(?)");
            params.add(q.topics().toArray(String[]::new));
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
        return jdbc.sql(sql.toString()).params(params).query(ROW).list();
    }

    /**
     * A page of the whole store in digest order, after {@code after} (empty for the start), optionally only
     * topics starting with {@code topicPrefix}: what a joining node copies.
     */
    public List<StoredEnvelope> export(byte[] after, int limit, String topicPrefix) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM envelopes WHERE digest > ?"
                        + " AND (?::text IS NULL OR starts_with(content_topic, ?::text)) ORDER BY digest LIMIT ?")
                .params(after, topicPrefix, topicPrefix, limit)
                .query(ROW)
                .list();
    }
}
