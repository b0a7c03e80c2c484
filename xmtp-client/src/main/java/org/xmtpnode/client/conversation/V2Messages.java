package org.xmtpnode.client.conversation;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import org.xmtpnode.client.crypto.AeadCipher;
import org.xmtpnode.client.crypto.Hkdf;
import org.xmtpnode.client.crypto.HmacSha256;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.client.crypto.Sha256;
import org.xmtpnode.client.identity.IdentityKeys;
import org.xmtpnode.core.crypto.ContactBundles;
import org.xmtpnode.core.crypto.Secp256k1;
import org.xmtpnode.proto.contents.Message;
import org.xmtpnode.proto.contents.MessageHeaderV2;
import org.xmtpnode.proto.contents.MessageV2;
import org.xmtpnode.proto.contents.Signature;
import org.xmtpnode.proto.contents.SignedContent;

/**
 * V2 messages: the payload is signed by the sender's pre-key over sha256(header bytes ‖ payload) and
 * wrapped with the sender's V2 bundle ({@code SignedContent}), which is then encrypted with the
 * invitation's key material, the header ({@code topic}, {@code created_ns}) as additional data. A
 * sender HMAC over the header (keyed per 30-day period and sender) lets push servers tell senders
 * apart without reading messages.
 */
final class V2Messages {

    private static final long THIRTY_DAYS_MS = 30L * 24 * 60 * 60 * 1000;

    private V2Messages() {}

    static byte[] seal(
            IdentityKeys me,
            String topic,
            byte[] keyMaterial,
            byte[] payload,
            long createdNs,
            boolean shouldPush,
            long nowMs) {
        byte[] headerBytes = MessageHeaderV2.newBuilder()
                .setTopic(topic)
                .setCreatedNs(createdNs)
                .build()
                .toByteArray();
        Secp256k1.Signature sig = me.preKey().sign(Sha256.digest(headerBytes, payload));
        byte[] signed = SignedContent.newBuilder()
                .setPayload(ByteString.copyFrom(payload))
                .setSender(me.publicBundleV2())
                .setSignature(Signature.newBuilder()
                        .setEcdsaCompact(Signature.ECDSACompact.newBuilder()
                                .setBytes(ByteString.copyFrom(sig.rs()))
                                .setRecovery(sig.recovery())))
                .build()
                .toByteArray();
        return Message.newBuilder()
                .setV2(MessageV2.newBuilder()
                        .setHeaderBytes(ByteString.copyFrom(headerBytes))
                        .setCiphertext(AeadCipher.encrypt(signed, keyMaterial, headerBytes))
                        .setSenderHmac(ByteString.copyFrom(
                                senderHmac(keyMaterial, nowMs / THIRTY_DAYS_MS, me.walletAddress(), headerBytes)))
                        .setShouldPush(shouldPush))
                .build()
                .toByteArray();
    }

    /** HMAC-SHA256 of the header with the key HKDF(key material, info "{period}-{sender address}"). */
    static byte[] senderHmac(byte[] keyMaterial, long thirtyDayPeriod, String senderAddress, byte[] headerBytes) {
        byte[] hmacKey = Hkdf.sha256(
                keyMaterial, new byte[0], (thirtyDayPeriod + "-" + senderAddress).getBytes(StandardCharsets.UTF_8), 32);
        return HmacSha256.mac(hmacKey, headerBytes);
    }

    /**
     * Opens a V2 message of the conversation on {@code topic} and verifies its signature chain.
     *
     * @throws InvalidMessageException when it is malformed, belongs to another topic, does not decrypt,
     *     its sender bundle is not signed by a wallet, or its signature does not verify
     */
    static SealedMessage open(String topic, byte[] keyMaterial, byte[] messageBytes) {
        MessageV2 message;
        MessageHeaderV2 header;
        try {
            Message m = Message.parseFrom(messageBytes);
            if (!m.hasV2()) {
                throw new InvalidMessageException("not a V2 message");
            }
            message = m.getV2();
            header = MessageHeaderV2.parseFrom(message.getHeaderBytes());
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidMessageException("V2 message is malformed");
        }
        if (!header.getTopic().equals(topic)) {
            throw new InvalidMessageException("V2 message's header names another topic");
        }
        byte[] headerBytes = message.getHeaderBytes().toByteArray();
        SignedContent signed;
        try {
            signed = SignedContent.parseFrom(AeadCipher.decrypt(message.getCiphertext(), keyMaterial, headerBytes));
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidMessageException("V2 message's signed content is malformed");
        }
        if (!signed.hasSender()
                || !signed.hasSignature()
                || !signed.getSignature().hasEcdsaCompact()) {
            throw new InvalidMessageException("V2 message is not signed");
        }
        ContactBundles.Verified sender = Invitations.verify(signed.getSender(), "sender");
        byte[] payload = signed.getPayload().toByteArray();
        if (!Secp256k1.verify(
                sender.preKey(),
                Sha256.digest(headerBytes, payload),
                signed.getSignature().getEcdsaCompact().getBytes().toByteArray())) {
            throw new InvalidMessageException("V2 message's signature does not verify with the sender's pre-key");
        }
        return new SealedMessage(
                SealedMessage.idOf(messageBytes), sender.walletAddress(), null, header.getCreatedNs(), payload);
    }
}
