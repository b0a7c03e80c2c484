package org.xmtpnode.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xmtpnode.core.crypto.Secp256k1;
import org.xmtpnode.core.nodes.NodeRecords;
import org.xmtpnode.proto.internal.NodeRecord;
import org.xmtpnode.proto.internal.SignedNodeRecord;

class NodeRecordsTest {

    static final BigInteger KEY =
            new BigInteger("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318", 16);

    static NodeRecord record(BigInteger key) {
        return NodeRecord.newBuilder()
                .setNodeId("node-1")
                .setPublicUrl("https://node-1.example")
                .setRegion("eu")
                .setVersion("1")
                .addRelayUrls("http://relay:5101")
                .addTopicUrls("http://topic:5102")
                .setSigningKey(ByteString.copyFrom(Secp256k1.publicKey(key)))
                .setIssuedAtNs(1_700_000_000_000_000_000L)
                .setState(NodeRecord.State.STATE_SERVING)
                .build();
    }

    @Test
    void aRecordSignedByItsKeyVerifies() throws Exception {
        SignedNodeRecord signed = NodeRecords.sign(record(KEY), KEY);
        assertThat(signed.getSignature().size()).isEqualTo(65);
        assertThat(NodeRecords.verify(signed)).isEqualTo(record(KEY));
    }

    @Test
    void everySingleBitFlipOfRecordOrSignatureIsRefused() {
        SignedNodeRecord signed = NodeRecords.sign(record(KEY), KEY);
        byte[] record = signed.getRecord().toByteArray();
        byte[] signature = signed.getSignature().toByteArray();
        for (int bit = 0; bit < record.length * 8; bit++) {
            byte[] r = record.clone();
            r[bit / 8] ^= (byte) (1 << (bit % 8));
            SignedNodeRecord flipped =
                    signed.toBuilder().setRecord(ByteString.copyFrom(r)).build();
            assertRefused(flipped);
        }
        for (int bit = 0; bit < signature.length * 8; bit++) {
            byte[] s = signature.clone();
            s[bit / 8] ^= (byte) (1 << (bit % 8));
            SignedNodeRecord flipped =
                    signed.toBuilder().setSignature(ByteString.copyFrom(s)).build();
            assertThatThrownBy(() -> NodeRecords.verify(flipped)).isInstanceOf(NodeRecords.Refused.class);
        }
    }

    static void assertRefused(SignedNodeRecord flipped) {
        try {
            NodeRecord r = NodeRecords.verify(flipped);
            throw new AssertionError("a flipped record verified: " + r);
        } catch (NodeRecords.Refused expected) {
            assertThat(expected.reason()).isIn("unreadable", "invalid", "bad-signature");
        }
    }

    @Test
    void aRecordNamingAnotherKeyIsRefused() {
        BigInteger other = KEY.add(BigInteger.ONE);
        SignedNodeRecord signedByOther = NodeRecords.sign(record(KEY), other);
        assertThatThrownBy(() -> NodeRecords.verify(signedByOther))
                .isInstanceOf(NodeRecords.Refused.class)
                .hasMessageContaining("not by the record's signing key");
    }

    @Test
    void malformedRecordsAreRefusedWithAReason() {
        assertThat(reason(SignedNodeRecord.newBuilder()
                        .setRecord(ByteString.copyFromUtf8("\u00ff\u00ff"))
                        .build()))
                .isEqualTo("unreadable");
        assertThat(reason(NodeRecords.sign(record(KEY).toBuilder().setNodeId("").build(), KEY)))
                .isEqualTo("invalid");
        assertThat(reason(NodeRecords.sign(
                        record(KEY).toBuilder().setNodeId("a b").build(), KEY)))
                .isEqualTo("invalid");
        assertThat(reason(NodeRecords.sign(
                        record(KEY).toBuilder().setNodeId("x".repeat(65)).build(), KEY)))
                .isEqualTo("invalid");
        assertThat(reason(NodeRecords.sign(record(KEY).toBuilder().clearState().build(), KEY)))
                .isEqualTo("invalid");
        assertThat(reason(NodeRecords.sign(
                        record(KEY).toBuilder()
                                .setSigningKey(ByteString.copyFrom(new byte[33]))
                                .build(),
                        KEY)))
                .isEqualTo("invalid");
        assertThat(reason(NodeRecords.sign(record(KEY), KEY).toBuilder()
                        .setSignature(ByteString.copyFrom(new byte[64]))
                        .build()))
                .isEqualTo("bad-signature");
    }

    @Test
    void randomBytesNeverVerify() {
        Random random = new Random(20261126);
        for (int i = 0; i < 2000; i++) {
            byte[] record = new byte[random.nextInt(200)];
            byte[] signature = new byte[65];
            random.nextBytes(record);
            random.nextBytes(signature);
            SignedNodeRecord junk = SignedNodeRecord.newBuilder()
                    .setRecord(ByteString.copyFrom(record))
                    .setSignature(ByteString.copyFrom(signature))
                    .build();
            assertThatThrownBy(() -> NodeRecords.verify(junk)).isInstanceOf(NodeRecords.Refused.class);
        }
    }

    static String reason(SignedNodeRecord signed) {
        try {
            NodeRecords.verify(signed);
            return "verified";
        } catch (NodeRecords.Refused e) {
            return e.reason();
        }
    }
}
