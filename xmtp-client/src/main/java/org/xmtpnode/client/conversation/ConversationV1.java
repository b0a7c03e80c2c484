package org.xmtpnode.client.conversation;

import com.google.protobuf.ByteString;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xmtpnode.client.ClientTopics;
import org.xmtpnode.client.PeerNotOnNetworkException;
import org.xmtpnode.client.content.CodecRegistry;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.proto.api.Envelope;

/**
 * A V1 conversation: messages on {@code dm-<addrLow>-<addrHigh>}, each encrypted to the peer's
 * current V1 bundle. A client's first message to a peer also goes to both parties' {@code intro-}
 * topics, which is how the peer finds the conversation.
 */
public final class ConversationV1 extends Conversation {

    private final Set<String> introduced;

    ConversationV1(ConversationContext ctx, String peerAddress, Instant createdAt, Set<String> introduced) {
        super(ctx, ClientTopics.directMessage(peerAddress, ctx.keys().walletAddress()), peerAddress, createdAt);
        this.introduced = introduced;
    }

    static Set<String> newIntroducedSet() {
        return ConcurrentHashMap.newKeySet();
    }

    @Override
    public String version() {
        return "v1";
    }

    @Override
    SealedMessage open(byte[] messageBytes) {
        SealedMessage m = V1Messages.open(ctx.keys(), messageBytes);
        if (!ClientTopics.directMessage(m.senderAddress(), m.recipientAddress()).equals(topic())) {
            throw new InvalidMessageException("V1 message's parties do not match this conversation");
        }
        return m;
    }

    @Override
    Envelope seal(CodecRegistry.EncodedPayload payload, long sentNs, String onTopic) {
        var recipient = ctx.contacts()
                .find(peerAddress())
                .orElseThrow(() -> new PeerNotOnNetworkException(peerAddress()))
                .v1Bundle();
        byte[] message = V1Messages.seal(ctx.keys(), recipient, payload.bytes(), sentNs / 1_000_000L);
        return Envelope.newBuilder()
                .setContentTopic(onTopic)
                .setTimestampNs(sentNs)
                .setMessage(ByteString.copyFrom(message))
                .build();
    }

    @Override
    void publish(Envelope envelope) {
        boolean first =
                !ClientTopics.ephemeral(topic()).equals(envelope.getContentTopic()) && introduced.add(peerAddress());
        if (first) {
            ctx.api()
                    .publish(List.of(
                            envelope.toBuilder()
                                    .setContentTopic(ClientTopics.intro(peerAddress()))
                                    .build(),
                            envelope.toBuilder()
                                    .setContentTopic(
                                            ClientTopics.intro(ctx.keys().walletAddress()))
                                    .build(),
                            envelope));
        } else {
            ctx.api().publish(List.of(envelope));
        }
    }
}
