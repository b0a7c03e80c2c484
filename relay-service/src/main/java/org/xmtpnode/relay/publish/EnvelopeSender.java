package org.xmtpnode.relay.publish;

import java.util.List;
import org.xmtpnode.proto.api.Envelope;
import reactor.core.publisher.Mono;

/** The write path's last step: the envelopes into the envelope log, from where every node and stream reads them. */
public interface EnvelopeSender {

    /**
     * Completes once the log has acknowledged every envelope; fails with 503 / code 14 otherwise.
     *
     * @param digests each envelope's digest, in the same order
     */
    Mono<Void> send(List<Envelope> envelopes, List<byte[]> digests);
}
