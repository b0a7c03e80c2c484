-- Envelopes this node took from its relay that the envelope log has not yet been seen to carry.
-- The relay sends each one to Kafka right after the store; if it dies first, the outbox publisher
-- sends what is still here after a grace period. A row goes when this node's ingest sees the record.
CREATE TABLE outbox (
    digest     BYTEA       NOT NULL PRIMARY KEY REFERENCES envelopes (digest) ON DELETE CASCADE,
    due_at     TIMESTAMPTZ NOT NULL
);

CREATE INDEX outbox_due ON outbox (due_at);
