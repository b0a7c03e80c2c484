-- Every stored envelope, once: the digest is sha256(content topic || message).
CREATE TABLE envelopes (
    digest          BYTEA       NOT NULL PRIMARY KEY,
    content_topic   TEXT        NOT NULL,
    -- the sender's timestamp as the client sent it (uint64 on the wire; below 2^63 here)
    sender_time_ns  BIGINT      NOT NULL,
    message         BYTEA       NOT NULL,
    -- the node that took the publish
    origin_node     TEXT        NOT NULL,
    stored_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Keyset paging: one topic, ordered by (sender time, digest) either way.
CREATE INDEX envelopes_topic_time_digest ON envelopes (content_topic, sender_time_ns, digest);
