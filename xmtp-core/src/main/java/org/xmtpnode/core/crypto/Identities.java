package org.xmtpnode.core.crypto;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Base64;
import org.xmtpnode.proto.contents.AuthData;
import org.xmtpnode.proto.contents.ContactBundle;
import org.xmtpnode.proto.contents.ContactBundleV1;
import org.xmtpnode.proto.contents.ContactBundleV2;
import org.xmtpnode.proto.contents.PublicKey;
import org.xmtpnode.proto.contents.PublicKeyBundle;
import org.xmtpnode.proto.contents.Signature;
import org.xmtpnode.proto.contents.SignedPublicKey;
import org.xmtpnode.proto.contents.SignedPublicKeyBundle;
import org.xmtpnode.proto.contents.Token;
import org.xmtpnode.proto.contents.UnsignedPublicKey;

/**
 * Makes XMTP identities the way the SDKs do (a wallet signs an identity key, the identity key signs a
 * pre-key and auth data): for benchmarks and tests that need valid tokens and bundles from many wallets.
 */
public final class Identities {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A wallet and its XMTP identity and pre-key. */
    public record Identity(
            BigInteger walletKey, String walletAddress, BigInteger identityKey, BigInteger preKey, long createdMs) {

        public byte[] identityPublicKey() {
            return Secp256k1.publicKey(identityKey);
        }

        public byte[] prePublicKey() {
            return Secp256k1.publicKey(preKey);
        }

        /** The identity key as a V1 PublicKey signed by the wallet (what a token carries). */
        public PublicKey legacyIdentityKey() {
            PublicKey unsigned = legacyKey(identityPublicKey(), createdMs);
            return unsigned.toBuilder()
                    .setSignature(walletSignature(walletKey, unsigned.toByteArray(), false))
                    .build();
        }

        /** A token dated {@code createdNs}, base64 as it travels in {@code Authorization: Bearer}. */
        public String token(long createdNs) {
            byte[] authData = AuthData.newBuilder()
                    .setWalletAddr(walletAddress)
                    .setCreatedNs(createdNs)
                    .build()
                    .toByteArray();
            Secp256k1.Signature sig = Secp256k1.sign(identityKey, Ethereum.keccak256(authData));
            Token token = Token.newBuilder()
                    .setIdentityKey(legacyIdentityKey())
                    .setAuthDataBytes(ByteString.copyFrom(authData))
                    .setAuthDataSignature(ecdsa(sig))
                    .build();
            return Base64.getEncoder().encodeToString(token.toByteArray());
        }

        /** A V1 contact bundle as published on {@code contact-<wallet>}. */
        public ContactBundle contactBundleV1() {
            PublicKey pre = legacyKey(prePublicKey(), createdMs);
            Secp256k1.Signature preSig = Secp256k1.sign(identityKey, ContactBundles.sha256(pre.toByteArray()));
            return ContactBundle.newBuilder()
                    .setV1(ContactBundleV1.newBuilder()
                            .setKeyBundle(PublicKeyBundle.newBuilder()
                                    .setIdentityKey(legacyIdentityKey())
                                    .setPreKey(pre.toBuilder().setSignature(ecdsa(preSig)))))
                    .build();
        }

        /** A V2 contact bundle as published on {@code contact-<wallet>}. */
        public ContactBundle contactBundleV2() {
            byte[] identityBytes =
                    unsignedKey(identityPublicKey(), createdMs * 1_000_000L).toByteArray();
            byte[] preBytes =
                    unsignedKey(prePublicKey(), createdMs * 1_000_000L).toByteArray();
            Secp256k1.Signature preSig = Secp256k1.sign(identityKey, ContactBundles.sha256(preBytes));
            return ContactBundle.newBuilder()
                    .setV2(ContactBundleV2.newBuilder()
                            .setKeyBundle(SignedPublicKeyBundle.newBuilder()
                                    .setIdentityKey(SignedPublicKey.newBuilder()
                                            .setKeyBytes(ByteString.copyFrom(identityBytes))
                                            .setSignature(walletSignature(walletKey, identityBytes, true)))
                                    .setPreKey(SignedPublicKey.newBuilder()
                                            .setKeyBytes(ByteString.copyFrom(preBytes))
                                            .setSignature(ecdsa(preSig)))))
                    .build();
        }
    }

    private Identities() {}

    public static Identity random() {
        BigInteger wallet = randomKey();
        return new Identity(
                wallet,
                Ethereum.address(Secp256k1.publicKey(wallet)),
                randomKey(),
                randomKey(),
                System.currentTimeMillis());
    }

    static BigInteger randomKey() {
        BigInteger n = Secp256k1.DOMAIN.getN();
        BigInteger k;
        do {
            k = new BigInteger(256, RANDOM);
        } while (k.signum() == 0 || k.compareTo(n) >= 0);
        return k;
    }

    static PublicKey legacyKey(byte[] publicKey, long createdMs) {
        return PublicKey.newBuilder()
                .setTimestamp(createdMs)
                .setSecp256K1Uncompressed(
                        PublicKey.Secp256k1Uncompressed.newBuilder().setBytes(ByteString.copyFrom(publicKey)))
                .build();
    }

    static UnsignedPublicKey unsignedKey(byte[] publicKey, long createdNs) {
        return UnsignedPublicKey.newBuilder()
                .setCreatedNs(createdNs)
                .setSecp256K1Uncompressed(
                        UnsignedPublicKey.Secp256k1Uncompressed.newBuilder().setBytes(ByteString.copyFrom(publicKey)))
                .build();
    }

    /** The wallet's personal_sign of the "Create Identity" text over the key bytes. */
    public static Signature walletSignature(BigInteger walletKey, byte[] keyBytes, boolean asWalletKind) {
        Secp256k1.Signature sig =
                Secp256k1.sign(walletKey, Ethereum.personalMessageHash(Ethereum.createIdentityText(keyBytes)));
        if (asWalletKind) {
            return Signature.newBuilder()
                    .setWalletEcdsaCompact(Signature.WalletECDSACompact.newBuilder()
                            .setBytes(ByteString.copyFrom(sig.rs()))
                            .setRecovery(sig.recovery()))
                    .build();
        }
        return ecdsa(sig);
    }

    static Signature ecdsa(Secp256k1.Signature sig) {
        return Signature.newBuilder()
                .setEcdsaCompact(Signature.ECDSACompact.newBuilder()
                        .setBytes(ByteString.copyFrom(sig.rs()))
                        .setRecovery(sig.recovery()))
                .build();
    }
}
