package org.xmtpnode.client.identity;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.proto.contents.PublicKey;
import org.xmtpnode.proto.contents.PublicKeyBundle;
import org.xmtpnode.proto.contents.Signature;
import org.xmtpnode.proto.contents.SignedPublicKey;
import org.xmtpnode.proto.contents.SignedPublicKeyBundle;
import org.xmtpnode.proto.contents.UnsignedPublicKey;

/**
 * The V1 and V2 forms of one key bundle, converted as xmtp-js converts them: the same key bytes and
 * signatures, only the wallet's signature is marked as such in V2. A V2 key made from a V1 key keeps
 * its millisecond timestamp, which is how it is recognised as convertible back.
 */
final class BundleForms {

    /** Below this, a V2 key's created_ns is a V1 timestamp in milliseconds (xmtp-js's threshold). */
    private static final long LEGACY_THRESHOLD = 1_000_000_000_000_000_000L;

    private BundleForms() {}

    static SignedPublicKeyBundle toV2(PublicKeyBundle v1) {
        Signature identitySig = v1.getIdentityKey().getSignature();
        Signature.ECDSACompact walletSig = identitySig.hasEcdsaCompact()
                ? identitySig.getEcdsaCompact()
                : Signature.ECDSACompact.newBuilder()
                        .setBytes(identitySig.getWalletEcdsaCompact().getBytes())
                        .setRecovery(identitySig.getWalletEcdsaCompact().getRecovery())
                        .build();
        return SignedPublicKeyBundle.newBuilder()
                .setIdentityKey(SignedPublicKey.newBuilder()
                        .setKeyBytes(unsignedBytes(v1.getIdentityKey()))
                        .setSignature(Signature.newBuilder()
                                .setWalletEcdsaCompact(Signature.WalletECDSACompact.newBuilder()
                                        .setBytes(walletSig.getBytes())
                                        .setRecovery(walletSig.getRecovery()))))
                .setPreKey(SignedPublicKey.newBuilder()
                        .setKeyBytes(unsignedBytes(v1.getPreKey()))
                        .setSignature(v1.getPreKey().getSignature()))
                .build();
    }

    /**
     * The V1 form of a V2 bundle that was made from V1 keys.
     *
     * @throws InvalidMessageException when its keys were made as V2 keys and have no V1 form
     */
    static PublicKeyBundle toV1(SignedPublicKeyBundle v2) {
        return PublicKeyBundle.newBuilder()
                .setIdentityKey(toV1(v2.getIdentityKey()))
                .setPreKey(toV1(v2.getPreKey()))
                .build();
    }

    private static PublicKey toV1(SignedPublicKey key) {
        UnsignedPublicKey unsigned;
        try {
            unsigned = UnsignedPublicKey.parseFrom(key.getKeyBytes());
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidMessageException("a V2 key's bytes are malformed");
        }
        if (Long.compareUnsigned(unsigned.getCreatedNs(), LEGACY_THRESHOLD) >= 0) {
            throw new InvalidMessageException("the peer's keys are V2-only: no V1 conversation is possible");
        }
        Signature sig = key.getSignature();
        if (sig.hasWalletEcdsaCompact()) {
            sig = Signature.newBuilder()
                    .setEcdsaCompact(Signature.ECDSACompact.newBuilder()
                            .setBytes(sig.getWalletEcdsaCompact().getBytes())
                            .setRecovery(sig.getWalletEcdsaCompact().getRecovery()))
                    .build();
        }
        return PublicKey.newBuilder()
                .setTimestamp(unsigned.getCreatedNs())
                .setSecp256K1Uncompressed(PublicKey.Secp256k1Uncompressed.newBuilder()
                        .setBytes(unsigned.getSecp256K1Uncompressed().getBytes()))
                .setSignature(sig)
                .build();
    }

    private static ByteString unsignedBytes(PublicKey key) {
        return key.toBuilder().clearSignature().build().toByteString();
    }
}
