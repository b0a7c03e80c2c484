package org.xmtpnode.topic.store;

import java.util.List;

/**
 * One page request against the store, already validated.
 *
 * @param topics        one or more content topics
 * @param startTimeNs   lowest sender time (inclusive), or null for none
 * @param endTimeNs     highest sender time (inclusive), or null for none
 * @param ascending     order by (sender time, digest) ascending, else descending
 * @param limit         page size, 1 or more
 * @param cursorTimeNs  sender time of the last envelope of the previous page, or null
 * @param cursorDigest  digest of the last envelope of the previous page, or null
 */
public record EnvelopeQuery(
        List<String> topics,
        Long startTimeNs,
        Long endTimeNs,
        boolean ascending,
        int limit,
        Long cursorTimeNs,
        byte[] cursorDigest) {}
