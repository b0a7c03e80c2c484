package org.xmtpnode.core;

/** The protocol's fixed limits (PROTOCOL.md), shared by every service so they agree. */
public final class Limits {

    /** Longest content topic, in UTF-8 bytes. */
    public static final int MAX_TOPIC_BYTES = 300;
    /** Largest envelope message, in bytes (the reference node's limit). */
    public static final int MAX_MESSAGE_BYTES = 1_048_214;
    /** Page size used when a query asks for 0. */
    public static final int DEFAULT_PAGE_SIZE = 100;
    /** Largest page a query may ask for. */
    public static final int MAX_PAGE_SIZE = 100;
    /** Largest page on a {@code userpreferences-} topic, as in the reference node. */
    public static final int MAX_USER_PREFERENCES_PAGE_SIZE = 500;
    /** Most queries in one batch-query. */
    public static final int MAX_BATCH_QUERIES = 50;
    /** Most topics in one query (the SDKs send one; the cap bounds the work of a single request). */
    public static final int MAX_QUERY_TOPICS = 100;
    /** Most envelopes in one publish (the SDKs send two or three). */
    public static final int MAX_PUBLISH_ENVELOPES = 100;
    /** Most topics in one subscription (a wallet with many conversations subscribes to all of them). */
    public static final int MAX_SUBSCRIBE_TOPICS = 10_000;

    private Limits() {}
}
