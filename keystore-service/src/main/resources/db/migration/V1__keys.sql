-- The latest valid contact bundle of each version per wallet (EIP-55 address).
CREATE TABLE contact_bundles (
    wallet_address  TEXT        NOT NULL,
    version         SMALLINT    NOT NULL,
    identity_key    BYTEA       NOT NULL,
    pre_key         BYTEA       NOT NULL,
    created_ns      BIGINT      NOT NULL,
    -- the envelope's message: a ContactBundle as the SDK published it
    bundle          BYTEA       NOT NULL,
    -- the envelope's sender time: a later envelope replaces an earlier one
    envelope_time_ns BIGINT     NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (wallet_address, version)
);

-- The latest encrypted private key bundle per wallet (opaque to the node).
CREATE TABLE private_key_bundles (
    wallet_address   TEXT        NOT NULL PRIMARY KEY,
    bundle           BYTEA       NOT NULL,
    envelope_time_ns BIGINT      NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
