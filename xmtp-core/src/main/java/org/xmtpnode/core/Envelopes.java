package org.xmtpnode.core;

import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.api.PublishRequest;

/** Checks on envelopes arriving from clients. */
public final class Envelopes {

    private Envelopes() {}

    /**
     * Checks a publish request: 1 to {@link Limits#MAX_PUBLISH_ENVELOPES} envelopes, each with a valid
     * topic, a message of at most {@link Limits#MAX_MESSAGE_BYTES} bytes and a timestamp that fits the
     * store (below 2^63 ns, the year 2262).
     */
    public static void validate(PublishRequest request) {
        int n = request.getEnvelopesCount();
        if (n == 0) {
            throw ApiException.invalid("publish needs at least one envelope");
        }
        if (n > Limits.MAX_PUBLISH_ENVELOPES) {
            throw ApiException.invalid("a publish holds at most " + Limits.MAX_PUBLISH_ENVELOPES + " envelopes");
        }
        for (int i = 0; i < n; i++) {
            validate(request.getEnvelopes(i), i);
        }
    }

    static void validate(Envelope envelope, int index) {
        try {
            Topics.validate(envelope.getContentTopic());
        } catch (ApiException e) {
            throw ApiException.invalid("envelopes[" + index + "]: " + e.getMessage());
        }
        if (envelope.getMessage().size() > Limits.MAX_MESSAGE_BYTES) {
            throw ApiException.tooLarge(
                    "envelopes[" + index + "]: message is larger than " + Limits.MAX_MESSAGE_BYTES + " bytes");
        }
        if (envelope.getTimestampNs() < 0) {
            throw ApiException.invalid("envelopes[" + index + "]: timestampNs is out of range");
        }
    }
}
