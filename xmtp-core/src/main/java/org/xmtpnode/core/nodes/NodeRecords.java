package org.xmtpnode.core.nodes;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.xmtpnode.core.crypto.Ethereum;
import org.xmtpnode.core.crypto.Secp256k1;
import org.xmtpnode.proto.internal.NodeRecord;
import org.xmtpnode.proto.internal.SignedNodeRecord;

/**
 * Signing and checking the records nodes announce themselves with. A record is signed with the
 * node's own secp256k1 key over {@code keccak256("xmtp-node-record-v1" || record bytes)}; the key is
 * in the record, so a check proves the record is unaltered and made by the holder of that key. Which
 * keys may speak for which node id is the registry's decision (it pins the first key it sees).
 */
public final class NodeRecords {

    private static final byte[] DOMAIN = "xmtp-node-record-v1".getBytes(StandardCharsets.US_ASCII);
    /** Longest node id accepted: ids name Kafka keys, Redis keys and metric tags. */
    public static final int MAX_ID_LENGTH = 64;

    /** Why a record was refused. */
    public static final class Refused extends Exception {
        private final String reason;

        public Refused(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        /** A short tag for metrics: unreadable, invalid, bad-signature, key-mismatch. */
        public String reason() {
            return reason;
        }
    }

    private NodeRecords() {}

    public static SignedNodeRecord sign(NodeRecord record, BigInteger privateKey) {
        byte[] bytes = record.toByteArray();
        Secp256k1.Signature s = Secp256k1.sign(privateKey, digest(bytes));
        byte[] signature = Arrays.copyOf(s.rs(), 65);
        signature[64] = (byte) s.recovery();
        return SignedNodeRecord.newBuilder()
                .setRecord(ByteString.copyFrom(bytes))
                .setSignature(ByteString.copyFrom(signature))
                .build();
    }

    /** The record inside, if it is well formed and signed by the key it names. */
    public static NodeRecord verify(SignedNodeRecord signed) throws Refused {
        NodeRecord record;
        try {
            record = NodeRecord.parseFrom(signed.getRecord());
        } catch (InvalidProtocolBufferException e) {
            throw new Refused("unreadable", "the record is not a NodeRecord");
        }
        String id = record.getNodeId();
        if (!isValidId(id)) {
            throw new Refused("invalid", "node id must be 1-" + MAX_ID_LENGTH + " characters of [A-Za-z0-9._-]");
        }
        if (record.getSigningKey().size() != 65 || record.getSigningKey().byteAt(0) != 4) {
            throw new Refused("invalid", "signing_key must be an uncompressed secp256k1 key (65 bytes)");
        }
        if (record.getState() == NodeRecord.State.STATE_UNSPECIFIED || record.getIssuedAtNs() == 0) {
            throw new Refused("invalid", "state and issued_at_ns are required");
        }
        byte[] signature = signed.getSignature().toByteArray();
        if (signature.length != 65) {
            throw new Refused("bad-signature", "signature must be 65 bytes (r, s, recovery id)");
        }
        byte[] digest = digest(signed.getRecord().toByteArray());
        byte[] rs = Arrays.copyOf(signature, 64);
        byte[] recovered = Secp256k1.recover(digest, rs, signature[64]);
        byte[] key = record.getSigningKey().toByteArray();
        if (recovered == null || !Arrays.equals(recovered, key) || !Secp256k1.verify(key, digest, rs)) {
            throw new Refused("bad-signature", "the signature is not by the record's signing key");
        }
        return record;
    }

    public static boolean isValidId(String id) {
        return id != null
                && !id.isEmpty()
                && id.length() <= MAX_ID_LENGTH
                && id.chars()
                        .allMatch(c -> (c >= 'a' && c <= 'z')
                                || (c >= 'A' && c <= 'Z')
                                || (c >= '0' && c <= '9')
                                || c == '.'
                                || c == '_'
                                || c == '-');
    }

    private static byte[] digest(byte[] record) {
        return Ethereum.keccak256(DOMAIN, record);
    }
}
