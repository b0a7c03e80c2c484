package org.xmtpnode.client.conversation;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Arrays;
import org.xmtpnode.client.crypto.AeadCipher;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.client.identity.IdentityKeys;
import org.xmtpnode.core.crypto.ContactBundles;
import org.xmtpnode.proto.contents.Message;
import org.xmtpnode.proto.contents.MessageHeaderV1;
import org.xmtpnode.proto.contents.MessageV1;
import org.xmtpnode.proto.contents.PublicKeyBundle;

/**
 * V1 messages: the header carries both parties' V1 bundles and the time; the payload is encrypted
 * with the three-part ECDH secret of those bundles, the header bytes as the cipher's additional data.
 */
final class V1Messages {

    private V1Messages() {}

    static byte[] seal(IdentityKeys me, PublicKeyBundle recipient, byte[] payload, long sentMs) {
        byte[] headerBytes = MessageHeaderV1.newBuilder()
                .setSender(me.publicBundleV1())
                .setRecipient(recipient)
                .setTimestamp(sentMs)
                .build()
                .toByteArray();
        byte[] secret = me.sharedSecret(
                key(recipient.getIdentityKey().getSecp256K1Uncompressed().getBytes()),
                key(recipient.getPreKey().getSecp256K1Uncompressed().getBytes()),
                me.preKey().publicKey(),
                false);
        return Message.newBuilder()
                .setV1(MessageV1.newBuilder()
                        .setHeaderBytes(ByteString.copyFrom(headerBytes))
                        .setCiphertext(AeadCipher.encrypt(payload, secret, headerBytes)))
                .build()
                .toByteArray();
    }

    /**
     * Opens a V1 message sent by or to this identity, after verifying both parties' bundles.
     *
     * @throws InvalidMessageException when it is malformed, a bundle is not signed by its wallet, it is
     *     not between this identity and a peer, or the ciphertext does not authenticate
     */
    static SealedMessage open(IdentityKeys me, byte[] messageBytes) {
        MessageV1 message;
        MessageHeaderV1 header;
        try {
            Message m = Message.parseFrom(messageBytes);
            if (!m.hasV1()) {
                throw new InvalidMessageException("not a V1 message");
            }
            message = m.getV1();
            header = MessageHeaderV1.parseFrom(message.getHeaderBytes());
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidMessageException("V1 message is malformed");
        }
        if (!header.hasSender() || !header.hasRecipient() || !message.hasCiphertext()) {
            throw new InvalidMessageException("V1 message lacks its sender, recipient or ciphertext");
        }
        ContactBundles.Verified sender = verify(header.getSender(), "sender");
        ContactBundles.Verified recipient = verify(header.getRecipient(), "recipient");
        byte[] mine = me.identityKey().publicKey();
        byte[] secret;
        if (Arrays.equals(mine, sender.identityKey())) {
            secret = me.sharedSecret(recipient.identityKey(), recipient.preKey(), sender.preKey(), false);
        } else if (Arrays.equals(mine, recipient.identityKey())) {
            secret = me.sharedSecret(sender.identityKey(), sender.preKey(), recipient.preKey(), true);
        } else {
            throw new InvalidMessageException("V1 message is neither from nor to this identity");
        }
        byte[] payload = AeadCipher.decrypt(
                message.getCiphertext(), secret, message.getHeaderBytes().toByteArray());
        return new SealedMessage(
                SealedMessage.idOf(messageBytes),
                sender.walletAddress(),
                recipient.walletAddress(),
                Math.multiplyExact(header.getTimestamp(), 1_000_000L),
                payload);
    }

    private static ContactBundles.Verified verify(PublicKeyBundle bundle, String role) {
        try {
            return ContactBundles.verifyV1(bundle);
        } catch (ContactBundles.InvalidBundleException e) {
            throw new InvalidMessageException("V1 message's " + role + " bundle refused: " + e.getMessage());
        }
    }

    private static byte[] key(ByteString b) {
        return b.toByteArray();
    }
}
