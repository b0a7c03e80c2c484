package org.xmtpnode.core.crypto;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.xmtpnode.proto.contents.ContactBundle;
import org.xmtpnode.proto.contents.PublicKey;
import org.xmtpnode.proto.contents.PublicKeyBundle;
import org.xmtpnode.proto.contents.Signature;
import org.xmtpnode.proto.contents.SignedPublicKey;
import org.xmtpnode.proto.contents.SignedPublicKeyBundle;
import org.xmtpnode.proto.contents.UnsignedPublicKey;

/**
 * Verifies a contact bundle, the message of a {@code contact-<wallet>} envelope: its identity key must
 * be signed by that wallet and its pre-key by the identity key, for V1 ({@code PublicKeyBundle}) and V2
 * ({@code SignedPublicKeyBundle}) bundles alike. A spoofed bundle would let an attacker read messages
 * meant for the wallet, so a node refuses it.
 */
public final class ContactBundles {

    /** A bundle that passed every check. {@code createdNs} is the identity key's creation time. */
    public record Verified(int version, String walletAddress, byte[] identityKey, byte[] preKey, long createdNs) {}

    /** Why a bundle was refused; the message names the failed check and is safe to show the client. */
    public static final class InvalidBundleException extends Exception {
        public InvalidBundleException(String message) {
            super(message, null, false, false);
        }
    }

    private ContactBundles() {}

    public static Verified verify(ByteString message, String expectedWallet) throws InvalidBundleException {
        ContactBundle bundle;
        try {
            bundle = ContactBundle.parseFrom(message);
        } catch (InvalidProtocolBufferException e) {
            bundle = null;
        }
        if (bundle != null && bundle.hasV2()) {
            return requireWallet(verifyV2(bundle.getV2().getKeyBundle()), expectedWallet);
        }
        if (bundle != null && bundle.hasV1()) {
            return requireWallet(verifyV1(bundle.getV1().getKeyBundle()), expectedWallet);
        }
        try { // the oldest clients published a bare PublicKeyBundle
            PublicKeyBundle legacy = PublicKeyBundle.parseFrom(message);
            if (legacy.hasIdentityKey()) {
                return requireWallet(verifyV1(legacy), expectedWallet);
            }
        } catch (InvalidProtocolBufferException e) {
            // fall through
        }
        throw new InvalidBundleException("contact bundle is not a V1 or V2 key bundle");
    }

    /**
     * Verifies a V1 bundle's chain of signatures (wallet → identity key → pre-key) and names the wallet
     * that signed it. Clients use it for the bundles that travel inside messages, whose wallet is
     * learned from the bundle itself.
     */
    public static Verified verifyV1(PublicKeyBundle bundle) throws InvalidBundleException {
        PublicKey identity = bundle.getIdentityKey();
        PublicKey preKey = bundle.getPreKey();
        byte[] identityKey = keyBytes(identity.getSecp256K1Uncompressed().getBytes(), "identity key");
        byte[] pre = keyBytes(preKey.getSecp256K1Uncompressed().getBytes(), "pre-key");
        if (!identity.hasSignature()) {
            throw new InvalidBundleException("identity key is not signed");
        }
        String wallet = AuthTokens.walletOfLegacyKey(identity);
        if (wallet == null) {
            throw new InvalidBundleException("identity key signature is malformed");
        }
        if (!preKey.hasSignature() || !preKey.getSignature().hasEcdsaCompact()) {
            throw new InvalidBundleException("pre-key is not signed by the identity key");
        }
        byte[] preUnsigned = preKey.toBuilder().clearSignature().build().toByteArray();
        if (!Secp256k1.verify(
                identityKey,
                sha256(preUnsigned),
                preKey.getSignature().getEcdsaCompact().getBytes().toByteArray())) {
            throw new InvalidBundleException("pre-key signature does not verify with the identity key");
        }
        return new Verified(1, wallet, identityKey, pre, identity.getTimestamp() * 1_000_000L);
    }

    /**
     * Verifies a V2 bundle's chain of signatures (wallet → identity key → pre-key) and names the wallet
     * that signed it (see {@link #verifyV1(PublicKeyBundle)}).
     */
    public static Verified verifyV2(SignedPublicKeyBundle bundle) throws InvalidBundleException {
        SignedPublicKey identity = bundle.getIdentityKey();
        SignedPublicKey preKey = bundle.getPreKey();
        UnsignedPublicKey identityUnsigned = unsigned(identity, "identity key");
        UnsignedPublicKey preUnsigned = unsigned(preKey, "pre-key");
        byte[] identityKey =
                keyBytes(identityUnsigned.getSecp256K1Uncompressed().getBytes(), "identity key");
        byte[] pre = keyBytes(preUnsigned.getSecp256K1Uncompressed().getBytes(), "pre-key");
        if (!identity.hasSignature()) {
            throw new InvalidBundleException("identity key is not signed");
        }
        String wallet = AuthTokens.walletOf(identity.getKeyBytes().toByteArray(), identity.getSignature());
        if (wallet == null) {
            throw new InvalidBundleException("identity key signature is malformed");
        }
        Signature preSignature = preKey.getSignature();
        if (!preKey.hasSignature() || !preSignature.hasEcdsaCompact()) {
            throw new InvalidBundleException("pre-key is not signed by the identity key");
        }
        if (!Secp256k1.verify(
                identityKey,
                sha256(preKey.getKeyBytes().toByteArray()),
                preSignature.getEcdsaCompact().getBytes().toByteArray())) {
            throw new InvalidBundleException("pre-key signature does not verify with the identity key");
        }
        long created = identityUnsigned.getCreatedNs();
        // keys converted from V1 carry the V1 encoding, whose field 1 is a time in milliseconds
        if (created > 0 && created < 100_000_000_000_000L) {
            created *= 1_000_000L;
        }
        return new Verified(2, wallet, identityKey, pre, created);
    }

    private static Verified requireWallet(Verified verified, String expectedWallet) throws InvalidBundleException {
        if (!verified.walletAddress().equalsIgnoreCase(expectedWallet)) {
            throw new InvalidBundleException("identity key is not signed by wallet " + expectedWallet);
        }
        return verified;
    }

    private static UnsignedPublicKey unsigned(SignedPublicKey key, String what) throws InvalidBundleException {
        try {
            return UnsignedPublicKey.parseFrom(key.getKeyBytes());
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidBundleException(what + " bytes are malformed");
        }
    }

    private static byte[] keyBytes(ByteString key, String what) throws InvalidBundleException {
        byte[] bytes = key.toByteArray();
        if (bytes.length != 65 || bytes[0] != 0x04) {
            throw new InvalidBundleException(what + " is not an uncompressed secp256k1 key");
        }
        return bytes;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
