package org.xmtpnode.topic.store;

import org.xmtpnode.proto.api.Envelope;

/**
 * An envelope as it is stored.
 *
 * @param digest sha256(content topic ‖ message): its identity
 * @param originNode the node that took its publish
 */
public record StoredEnvelope(Envelope envelope, byte[] digest, String originNode) {}
