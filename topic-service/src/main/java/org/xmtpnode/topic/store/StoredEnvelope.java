package org.xmtpnode.topic.store;

import org.xmtpnode.proto.api.Envelope;

/** An envelope with its digest, as it is stored. */
public record StoredEnvelope(Envelope envelope, byte[] digest) {}
