package org.xmtpnode.topic.outbox;

import java.time.Duration;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.xmtpnode.topic.store.EnvelopeStore;
import org.xmtpnode.topic.store.StoredEnvelope;

/**
 * The outbox table: envelopes this node stored for its relay ({@link EnvelopeStore#insert} with a
 * grace period puts them here in the same statement) that the envelope log has not yet been seen to
 * carry. This node's ingest clears an entry when it reads the envelope's record; the
 * {@link OutboxPublisher} sends what is still here when it comes due.
 */
@Repository
public class Outbox {

    private static final String TAKE_DUE = """
            WITH due AS (
                SELECT digest FROM outbox WHERE due_at <= now() ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED)
            UPDATE outbox o SET due_at = now() + ?::interval FROM due, envelopes e
            WHERE o.digest = due.digest AND e.digest = o.digest
            RETURNING e.content_topic, e.sender_time_ns, e.message, e.digest, e.origin_node
            """;

    private final JdbcClient jdbc;

    public Outbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The envelope log carries these (seen by this node's ingest): they leave the outbox. */
    public void clear(List<byte[]> digests) {
        if (!digests.isEmpty()) {
            jdbc.sql("DELETE FROM outbox WHERE digest = ANY(?)")
                    .param(digests.toArray(new byte[0][]))
                    .update();
        }
    }

    /**
     * Entries past due (the relay did not get them into the log in time), oldest first; each is made due
     * again after {@code retryAfter}, so a failed send is retried and a slow ingest is not raced.
     */
    public List<StoredEnvelope> takeDue(int limit, Duration retryAfter) {
        return jdbc.sql(TAKE_DUE)
                .params(limit, retryAfter.toMillis() + " milliseconds")
                .query(EnvelopeStore.ROW)
                .list();
    }

    /** Entries waiting; -1 when the database does not answer (a gauge must not throw). */
    public long size() {
        try {
            return jdbc.sql("SELECT count(*) FROM outbox").query(Long.class).single();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
