package org.xmtpnode.client.conversation;

import org.xmtpnode.client.content.CodecRegistry;
import org.xmtpnode.client.content.TextCodec;
import org.xmtpnode.client.identity.IdentityKeys;

/**
 * The message crypto of a conversation between two identities, without a network: for benchmarks.
 * Sealing encodes the text and encrypts (V1) or signs and encrypts (V2); opening decrypts, verifies
 * every signature and decodes.
 */
public final class ConversationCrypto {

    private final IdentityKeys sender;
    private final IdentityKeys recipient;
    private final Invitation invitation;
    private final CodecRegistry codecs = new CodecRegistry();

    private ConversationCrypto(IdentityKeys sender, IdentityKeys recipient) {
        this.sender = sender;
        this.recipient = recipient;
        this.invitation = Invitations.create(sender, recipient.publicBundleV2(), 1_700_000_000_000_000_000L, "", null)
                .invitation();
    }

    public static ConversationCrypto between(IdentityKeys sender, IdentityKeys recipient) {
        return new ConversationCrypto(sender, recipient);
    }

    public byte[] sealV1(String text) {
        return V1Messages.seal(
                sender,
                recipient.publicBundleV1(),
                codecs.encode(text, TextCodec.TYPE, null).bytes(),
                1_700_000_000_000L);
    }

    public String openV1(byte[] message) {
        return codecs.decode(V1Messages.open(recipient, message).payload()).text();
    }

    public byte[] sealV2(String text) {
        CodecRegistry.EncodedPayload payload = codecs.encode(text, TextCodec.TYPE, null);
        return V2Messages.seal(
                sender,
                invitation.topic(),
                invitation.keyMaterial(),
                payload.bytes(),
                1_700_000_000_000_000_000L,
                payload.shouldPush(),
                1_700_000_000_000L);
    }

    public String openV2(byte[] message) {
        return codecs.decode(V2Messages.open(invitation.topic(), invitation.keyMaterial(), message)
                        .payload())
                .text();
    }
}
