package org.xmtpnode.client.conversation;

import java.util.Map;

/**
 * An opened V2 invitation: the conversation's topic and key material, its context (conversation id
 * and metadata, empty when none), the peer's verified address and when it was made.
 */
record Invitation(
        String topic,
        byte[] keyMaterial,
        String conversationId,
        Map<String, String> metadata,
        String peerAddress,
        long createdNs) {

    @Override
    public String toString() {
        return "Invitation[" + topic + " with " + peerAddress + "]";
    }
}
