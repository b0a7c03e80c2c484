package org.xmtpnode.client.conversation;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.xmtpnode.client.crypto.AeadCipher;
import org.xmtpnode.client.crypto.Hkdf;
import org.xmtpnode.client.crypto.HmacSha256;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.client.identity.IdentityKeys;
import org.xmtpnode.core.Topics;
import org.xmtpnode.core.crypto.ContactBundles;
import org.xmtpnode.proto.contents.InvitationV1;
import org.xmtpnode.proto.contents.SealedInvitation;
import org.xmtpnode.proto.contents.SealedInvitationHeaderV1;
import org.xmtpnode.proto.contents.SealedInvitationV1;
import org.xmtpnode.proto.contents.SignedPublicKeyBundle;

/**
 * V2 invitations as xmtp-js 13 makes them. The conversation's topic and key are deterministic, so
 * both parties (and every installation of each) derive the same conversation: with the three-part
 * secret computed in the same role order by both (the lower address acts as recipient), the topic is
 * {@code m-} + hex(HMAC-SHA256(secret, conversationId + "addrA,addrB")) and the key is
 * HKDF-SHA256(secret, salt {@code __XMTP__INVITATION__SALT__XMTP__}, info {@code "0|addrA|addrB"}),
 * addresses sorted. The invitation is then sealed for the recipient with the ordinary sender/recipient
 * secret, the header (both bundles and the time) as additional data.
 */
final class Invitations {

    private static final byte[] SALT = "__XMTP__INVITATION__SALT__XMTP__".getBytes(StandardCharsets.US_ASCII);
    private static final String V2_TOPIC_PREFIX = "/xmtp/0/m-";

    private Invitations() {}

    /** Seals a new invitation to {@code recipient} (a verified bundle); answers it opened and sealed. */
    static Sealed create(
            IdentityKeys me,
            SignedPublicKeyBundle recipient,
            long createdNs,
            String conversationId,
            Map<String, String> metadata) {
        ContactBundles.Verified peer = verify(recipient, "recipient");
        String myAddress = me.walletAddress();
        String peerAddress = peer.walletAddress();
        byte[] myPre = me.preKey().publicKey();
        byte[] derivationSecret =
                me.sharedSecret(peer.identityKey(), peer.preKey(), myPre, myAddress.compareTo(peerAddress) < 0);
        String low = myAddress.compareTo(peerAddress) < 0 ? myAddress : peerAddress;
        String high = low.equals(myAddress) ? peerAddress : myAddress;
        String id = conversationId == null ? "" : conversationId;
        String topic = V2_TOPIC_PREFIX
                + HexFormat.of()
                        .formatHex(HmacSha256.mac(
                                derivationSecret, (id + low + "," + high).getBytes(StandardCharsets.UTF_8)))
                + "/proto";
        byte[] keyMaterial =
                Hkdf.sha256(derivationSecret, SALT, ("0|" + low + "|" + high).getBytes(StandardCharsets.UTF_8), 32);
        InvitationV1.Builder invitation = InvitationV1.newBuilder()
                .setTopic(topic)
                .setAes256GcmHkdfSha256(
                        InvitationV1.Aes256gcmHkdfsha256.newBuilder().setKeyMaterial(ByteString.copyFrom(keyMaterial)));
        if (!id.isEmpty() || (metadata != null && !metadata.isEmpty())) {
            invitation.setContext(InvitationV1.Context.newBuilder()
                    .setConversationId(id)
                    .putAllMetadata(metadata == null ? Map.of() : metadata));
        }
        byte[] headerBytes = SealedInvitationHeaderV1.newBuilder()
                .setSender(me.publicBundleV2())
                .setRecipient(recipient)
                .setCreatedNs(createdNs)
                .build()
                .toByteArray();
        byte[] sealSecret = me.sharedSecret(peer.identityKey(), peer.preKey(), myPre, false);
        byte[] sealed = SealedInvitation.newBuilder()
                .setV1(SealedInvitationV1.newBuilder()
                        .setHeaderBytes(ByteString.copyFrom(headerBytes))
                        .setCiphertext(AeadCipher.encrypt(invitation.build().toByteArray(), sealSecret, headerBytes)))
                .build()
                .toByteArray();
        return new Sealed(
                new Invitation(
                        topic,
                        keyMaterial,
                        id,
                        metadata == null ? Map.of() : Map.copyOf(metadata),
                        peerAddress,
                        createdNs),
                sealed);
    }

    /** An invitation and its sealed bytes for the invite topics. */
    record Sealed(Invitation invitation, byte[] bytes) {}

    /**
     * Opens an invitation found on an invite topic, sent by or to this identity.
     *
     * @param envelopeTimestampNs the envelope's time, which must equal the sealed header's
     * @throws InvalidMessageException when it is malformed, a bundle is not signed by its wallet, it
     *     is not between this identity and a peer, it does not decrypt, or it names an unusable topic
     */
    static Invitation open(IdentityKeys me, byte[] sealedBytes, long envelopeTimestampNs) {
        SealedInvitationV1 sealed;
        SealedInvitationHeaderV1 header;
        try {
            SealedInvitation s = SealedInvitation.parseFrom(sealedBytes);
            if (!s.hasV1()) {
                throw new InvalidMessageException("not a V1 sealed invitation");
            }
            sealed = s.getV1();
            header = SealedInvitationHeaderV1.parseFrom(sealed.getHeaderBytes());
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidMessageException("sealed invitation is malformed");
        }
        if (header.getCreatedNs() != envelopeTimestampNs) {
            throw new InvalidMessageException("invitation's envelope and header times differ");
        }
        ContactBundles.Verified sender = verify(header.getSender(), "sender");
        ContactBundles.Verified recipient = verify(header.getRecipient(), "recipient");
        byte[] mine = me.identityKey().publicKey();
        byte[] secret;
        String peerAddress;
        if (Arrays.equals(mine, sender.identityKey())) {
            secret = me.sharedSecret(recipient.identityKey(), recipient.preKey(), sender.preKey(), false);
            peerAddress = recipient.walletAddress();
        } else if (Arrays.equals(mine, recipient.identityKey())) {
            secret = me.sharedSecret(sender.identityKey(), sender.preKey(), recipient.preKey(), true);
            peerAddress = sender.walletAddress();
        } else {
            throw new InvalidMessageException("invitation is neither from nor to this identity");
        }
        InvitationV1 invitation;
        try {
            invitation = InvitationV1.parseFrom(AeadCipher.decrypt(
                    sealed.getCiphertext(), secret, sealed.getHeaderBytes().toByteArray()));
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidMessageException("invitation is malformed");
        }
        String topic = invitation.getTopic();
        if (!topic.startsWith(V2_TOPIC_PREFIX) || !topic.endsWith("/proto")) {
            throw new InvalidMessageException("invitation names a topic that is not a V2 conversation topic");
        }
        try {
            Topics.validate(topic);
        } catch (RuntimeException e) {
            throw new InvalidMessageException("invitation names an invalid topic");
        }
        byte[] keyMaterial =
                invitation.getAes256GcmHkdfSha256().getKeyMaterial().toByteArray();
        if (keyMaterial.length == 0) {
            throw new InvalidMessageException("invitation has no key material");
        }
        return new Invitation(
                topic,
                keyMaterial,
                invitation.getContext().getConversationId(),
                Map.copyOf(invitation.getContext().getMetadataMap()),
                peerAddress,
                header.getCreatedNs());
    }

    static ContactBundles.Verified verify(SignedPublicKeyBundle bundle, String role) {
        try {
            return ContactBundles.verifyV2(bundle);
        } catch (ContactBundles.InvalidBundleException e) {
            throw new InvalidMessageException("the " + role + "'s bundle refused: " + e.getMessage());
        }
    }
}
