package org.xmtpnode.client.conversation;

import java.util.HexFormat;
import org.xmtpnode.client.crypto.Sha256;

/**
 * A message opened and verified: who sent it (the wallet that signed the sender's keys), when the
 * sender says it was sent, and the encoded content. The id is what xmtp-js calls a message's id:
 * hex(sha256(message bytes)).
 */
record SealedMessage(String id, String senderAddress, String recipientAddress, long sentNs, byte[] payload) {

    static String idOf(byte[] messageBytes) {
        return HexFormat.of().formatHex(Sha256.digest(messageBytes));
    }
}
