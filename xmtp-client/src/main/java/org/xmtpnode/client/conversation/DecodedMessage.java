package org.xmtpnode.client.conversation;

import java.time.Instant;
import org.xmtpnode.client.content.DecodedContent;

/**
 * A verified message of a conversation: its id (hex sha256 of its bytes, as xmtp-js computes it), the
 * conversation topic, the sender's wallet (proven by the signature chain), the time the sender gave
 * it, and its content.
 */
public record DecodedMessage(String id, String topic, String senderAddress, Instant sent, DecodedContent content) {

    /** The content as text (the fallback for a type without a codec). */
    public String text() {
        return content.text();
    }
}
