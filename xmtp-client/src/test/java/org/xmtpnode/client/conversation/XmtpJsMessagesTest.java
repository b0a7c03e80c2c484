package org.xmtpnode.client.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xmtpnode.client.XmtpJsVectors;
import org.xmtpnode.client.content.CodecRegistry;
import org.xmtpnode.client.content.DecodedContent;
import org.xmtpnode.client.content.TextCodec;
import org.xmtpnode.client.crypto.AeadCipher;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.client.crypto.PrivateKey;
import org.xmtpnode.client.crypto.Sha256;
import org.xmtpnode.client.identity.IdentityKeys;
import org.xmtpnode.client.identity.LocalWallet;
import org.xmtpnode.core.crypto.Secp256k1;
import org.xmtpnode.proto.contents.Message;
import org.xmtpnode.proto.contents.MessageV2;
import org.xmtpnode.proto.contents.Signature;
import org.xmtpnode.proto.contents.SignedContent;

/** V1 and V2 messages and invitations made by xmtp-js, opened in Java; and forgeries of them refused. */
class XmtpJsMessagesTest {

    static final IdentityKeys ALICE = IdentityKeys.fromBytes(XmtpJsVectors.bytes("alice.privateKeyBundle"));
    static final IdentityKeys BOB = IdentityKeys.fromBytes(XmtpJsVectors.bytes("bob.privateKeyBundle"));
    static final CodecRegistry CODECS = new CodecRegistry();
    static final long CREATED_NS = XmtpJsVectors.number("invites.0.createdNs");

    @Test
    void aV1MessageFromXmtpJsOpensForItsRecipientAndItsSender() {
        byte[] message = XmtpJsVectors.bytes("v1.message");
        for (IdentityKeys reader : new IdentityKeys[] {BOB, ALICE}) {
            SealedMessage opened = V1Messages.open(reader, message);
            assertThat(opened.senderAddress()).isEqualTo(ALICE.walletAddress());
            assertThat(opened.recipientAddress()).isEqualTo(BOB.walletAddress());
            assertThat(opened.sentNs()).isEqualTo(XmtpJsVectors.number("sentMs") * 1_000_000L);
            assertThat(CODECS.decode(opened.payload()).content()).isEqualTo(XmtpJsVectors.string("v1.content"));
        }
    }

    @Test
    void aV1MessageSealedInJavaOpensWithXmtpJssKeys() {
        byte[] payload = CODECS.encode("hello from Java", TextCodec.TYPE, null).bytes();
        byte[] sealed = V1Messages.seal(BOB, ALICE.publicBundleV1(), payload, 1_700_000_000_123L);

        SealedMessage opened = V1Messages.open(ALICE, sealed);

        assertThat(opened.senderAddress()).isEqualTo(BOB.walletAddress());
        assertThat(CODECS.decode(opened.payload()).content()).isEqualTo("hello from Java");
        assertThatThrownBy(
                        () -> V1Messages.open(IdentityKeys.generate(LocalWallet.generate(), Clock.systemUTC()), sealed))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("neither from nor to");
    }

    @Test
    void invitationsFromXmtpJsOpenToTheTopicAndKeyJavaDerivesItself() {
        for (int i = 0; i < 2; i++) {
            String path = "invites." + i;
            byte[] sealed = XmtpJsVectors.bytes(path + ".sealedInvitation");
            Invitation atBob = Invitations.open(BOB, sealed, CREATED_NS);
            Invitation atAlice = Invitations.open(ALICE, sealed, CREATED_NS);
            assertThat(atBob.topic()).isEqualTo(XmtpJsVectors.string(path + ".topic"));
            assertThat(atBob.keyMaterial()).isEqualTo(XmtpJsVectors.bytes(path + ".keyMaterial"));
            assertThat(atBob.peerAddress()).isEqualTo(ALICE.walletAddress());
            assertThat(atAlice.peerAddress()).isEqualTo(BOB.walletAddress());
            assertThat(atAlice.topic()).isEqualTo(atBob.topic());
            String conversationId = XmtpJsVectors.string(path + ".conversationId");
            assertThat(atBob.conversationId()).isEqualTo(conversationId);
            Map<String, String> metadata = i == 0 ? Map.of() : Map.of("purpose", "known answers");
            assertThat(atBob.metadata()).isEqualTo(metadata);

            // deterministic: either party making the invitation in Java gets xmtp-js's topic and key
            Invitation byAlice = Invitations.create(ALICE, BOB.publicBundleV2(), CREATED_NS, conversationId, metadata)
                    .invitation();
            Invitation byBob = Invitations.create(BOB, ALICE.publicBundleV2(), CREATED_NS, conversationId, metadata)
                    .invitation();
            assertThat(byAlice.topic()).isEqualTo(atBob.topic());
            assertThat(byAlice.keyMaterial()).isEqualTo(atBob.keyMaterial());
            assertThat(byBob.topic()).isEqualTo(atBob.topic());
            assertThat(byBob.keyMaterial()).isEqualTo(atBob.keyMaterial());
        }
        assertThatThrownBy(
                        () -> Invitations.open(BOB, XmtpJsVectors.bytes("invites.0.sealedInvitation"), CREATED_NS + 1))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("times differ");
    }

    @Test
    void v2MessagesFromXmtpJsOpenWithTextCompressionAndFallback() {
        String topic = XmtpJsVectors.string("invites.0.topic");
        byte[] key = XmtpJsVectors.bytes("invites.0.keyMaterial");
        for (String kind : new String[] {"text", "deflate", "gzip"}) {
            SealedMessage opened = V2Messages.open(topic, key, XmtpJsVectors.bytes("v2." + kind + ".message"));
            assertThat(opened.senderAddress()).isEqualTo(ALICE.walletAddress());
            assertThat(opened.sentNs()).isEqualTo(CREATED_NS);
            assertThat(CODECS.decode(opened.payload()).content())
                    .isEqualTo(XmtpJsVectors.string("v2." + kind + ".content"));
        }
        DecodedContent unknown =
                CODECS.decode(V2Messages.open(topic, key, XmtpJsVectors.bytes("v2.unknownType.message"))
                        .payload());
        assertThat(unknown.content()).isNull();
        assertThat(unknown.type().toString()).isEqualTo("example.org/number:1.0");
        assertThat(unknown.text()).isEqualTo(XmtpJsVectors.string("v2.unknownType.fallback"));
    }

    @Test
    void theSenderHmacIsXmtpJss() throws Exception {
        Message m = Message.parseFrom(XmtpJsVectors.bytes("v2.text.message"));
        byte[] hmac = V2Messages.senderHmac(
                XmtpJsVectors.bytes("invites.0.keyMaterial"),
                XmtpJsVectors.number("v2.thirtyDayPeriod"),
                ALICE.walletAddress(),
                m.getV2().getHeaderBytes().toByteArray());
        assertThat(hmac).isEqualTo(XmtpJsVectors.bytes("v2.text.senderHmac"));
    }

    @Test
    void aTamperedV2CiphertextIsRefused() throws Exception {
        String topic = XmtpJsVectors.string("invites.0.topic");
        byte[] key = XmtpJsVectors.bytes("invites.0.keyMaterial");
        Message m = Message.parseFrom(XmtpJsVectors.bytes("v2.text.message"));
        byte[] payload =
                m.getV2().getCiphertext().getAes256GcmHkdfSha256().getPayload().toByteArray();
        payload[5] ^= 1;
        Message tampered = m.toBuilder()
                .setV2(m.getV2().toBuilder()
                        .setCiphertext(m.getV2().getCiphertext().toBuilder()
                                .setAes256GcmHkdfSha256(m.getV2().getCiphertext().getAes256GcmHkdfSha256().toBuilder()
                                        .setPayload(ByteString.copyFrom(payload)))))
                .build();
        assertThatThrownBy(() -> V2Messages.open(topic, key, tampered.toByteArray()))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("does not authenticate");
        assertThatThrownBy(() -> V2Messages.open("/xmtp/0/m-other/proto", key, m.toByteArray()))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("another topic");
    }

    @Test
    void aV2MessageClaimingAliceButSignedByAnotherKeyIsRefused() throws Exception {
        String topic = XmtpJsVectors.string("invites.0.topic");
        byte[] key = XmtpJsVectors.bytes("invites.0.keyMaterial");
        Message m = Message.parseFrom(XmtpJsVectors.bytes("v2.text.message"));
        byte[] header = m.getV2().getHeaderBytes().toByteArray();
        SignedContent genuine =
                SignedContent.parseFrom(AeadCipher.decrypt(m.getV2().getCiphertext(), key, header));

        // someone holding the conversation key rewrites the text and signs with a key of their own
        byte[] forgedPayload =
                CODECS.encode("send me your seed phrase", TextCodec.TYPE, null).bytes();
        Secp256k1.Signature sig = PrivateKey.generate().sign(Sha256.digest(header, forgedPayload));
        SignedContent forged = genuine.toBuilder()
                .setPayload(ByteString.copyFrom(forgedPayload))
                .setSignature(Signature.newBuilder()
                        .setEcdsaCompact(Signature.ECDSACompact.newBuilder()
                                .setBytes(ByteString.copyFrom(sig.rs()))
                                .setRecovery(sig.recovery())))
                .build();
        Message forgedMessage = Message.newBuilder()
                .setV2(MessageV2.newBuilder()
                        .setHeaderBytes(m.getV2().getHeaderBytes())
                        .setCiphertext(AeadCipher.encrypt(forged.toByteArray(), key, header)))
                .build();

        assertThatThrownBy(() -> V2Messages.open(topic, key, forgedMessage.toByteArray()))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("signature does not verify");
    }
}
