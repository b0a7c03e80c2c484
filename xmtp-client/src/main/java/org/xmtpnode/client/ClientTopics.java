package org.xmtpnode.client;

import org.xmtpnode.core.Topics;
import org.xmtpnode.core.crypto.Ethereum;

/** The topics a client reads and writes, named as the SDKs name them (addresses in EIP-55 form). */
public final class ClientTopics {

    private ClientTopics() {}

    public static String contact(String address) {
        return Topics.PREFIX + "contact-" + Ethereum.checksum(address) + "/proto";
    }

    public static String privateKeyBundle(String address) {
        return Topics.PREFIX + "privatestore-" + Ethereum.checksum(address) + "/key_bundle/proto";
    }

    public static String intro(String address) {
        return Topics.PREFIX + "intro-" + Ethereum.checksum(address) + "/proto";
    }

    public static String invite(String address) {
        return Topics.PREFIX + "invite-" + Ethereum.checksum(address) + "/proto";
    }

    /** The V1 conversation topic of two wallets: {@code dm-<lower>-<higher>} by string order. */
    public static String directMessage(String a, String b) {
        String x = Ethereum.checksum(a);
        String y = Ethereum.checksum(b);
        return Topics.PREFIX + "dm-" + (x.compareTo(y) < 0 ? x + "-" + y : y + "-" + x) + "/proto";
    }

    /** The ephemeral twin of a conversation topic ({@code dm-} → {@code dmE-}, {@code m-} → {@code mE-}). */
    public static String ephemeral(String conversationTopic) {
        if (conversationTopic.startsWith(Topics.PREFIX + "dm-")) {
            return Topics.PREFIX + "dmE-" + conversationTopic.substring((Topics.PREFIX + "dm-").length());
        }
        if (conversationTopic.startsWith(Topics.PREFIX + "m-")) {
            return Topics.PREFIX + "mE-" + conversationTopic.substring((Topics.PREFIX + "m-").length());
        }
        throw new IllegalArgumentException("not a conversation topic: " + conversationTopic);
    }
}
