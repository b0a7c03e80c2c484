package org.xmtpnode.client.conversation;

import com.google.protobuf.ByteString;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.xmtpnode.client.content.CodecRegistry;
import org.xmtpnode.proto.api.Envelope;

/** A V2 conversation: messages on the invitation's {@code m-} topic, sealed with its key material. */
public final class ConversationV2 extends Conversation {

    private final Invitation invitation;

    ConversationV2(ConversationContext ctx, Invitation invitation) {
        super(ctx, invitation.topic(), invitation.peerAddress(), Instant.ofEpochSecond(0, invitation.createdNs()));
        this.invitation = invitation;
    }

    @Override
    public String version() {
        return "v2";
    }

    @Override
    public String conversationId() {
        return invitation.conversationId();
    }

    @Override
    public Map<String, String> metadata() {
        return invitation.metadata();
    }

    @Override
    SealedMessage open(byte[] messageBytes) {
        return V2Messages.open(topic(), invitation.keyMaterial(), messageBytes);
    }

    @Override
    Envelope seal(CodecRegistry.EncodedPayload payload, long sentNs, String onTopic) {
        byte[] message = V2Messages.seal(
                ctx.keys(),
                topic(),
                invitation.keyMaterial(),
                payload.bytes(),
                sentNs,
                payload.shouldPush(),
                ctx.clock().millis());
        return Envelope.newBuilder()
                .setContentTopic(onTopic)
                .setTimestampNs(sentNs)
                .setMessage(ByteString.copyFrom(message))
                .build();
    }

    @Override
    void publish(Envelope envelope) {
        ctx.api().publish(List.of(envelope));
    }
}
