package org.xmtpnode.client.identity;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xmtpnode.client.XmtpException;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.client.crypto.PrivateKey;
import org.xmtpnode.client.crypto.Sha256;
import org.xmtpnode.core.crypto.ContactBundles;
import org.xmtpnode.core.crypto.Ethereum;
import org.xmtpnode.core.crypto.Secp256k1;
import org.xmtpnode.proto.contents.ContactBundle;
import org.xmtpnode.proto.contents.ContactBundleV1;
import org.xmtpnode.proto.contents.ContactBundleV2;
import org.xmtpnode.proto.contents.PrivateKeyBundle;
import org.xmtpnode.proto.contents.PrivateKeyBundleV1;
import org.xmtpnode.proto.contents.PublicKey;
import org.xmtpnode.proto.contents.PublicKeyBundle;
import org.xmtpnode.proto.contents.Signature;
import org.xmtpnode.proto.contents.SignedPublicKeyBundle;

/**
 * A wallet's XMTP identity: the identity key (its public key signed by the wallet) and the pre-keys
 * (each signed by the identity key), newest first. This is the V1 private key bundle that xmtp-js
 * stores and loads; the V2 bundle is derived from it exactly as xmtp-js derives it, so both SDKs sign
 * and verify the same bytes. Its {@link #toString()} never shows a key.
 */
public final class IdentityKeys {

    /** One key pair with its signed V1 public key. */
    private record Key(PrivateKey privateKey, PublicKey publicKey) {

        Key {
            if (!privateKey.matches(
                    publicKey.getSecp256K1Uncompressed().getBytes().toByteArray())) {
                throw new XmtpException("a private key does not match its public key");
            }
        }

        @Override
        public String toString() {
            return "Key[redacted]";
        }
    }

    private final Key identity;
    private final List<Key> preKeys;
    private final String walletAddress;

    private IdentityKeys(Key identity, List<Key> preKeys) {
        if (preKeys.isEmpty()) {
            throw new XmtpException("a private key bundle needs a pre-key");
        }
        this.identity = identity;
        this.preKeys = List.copyOf(preKeys);
        try {
            this.walletAddress = ContactBundles.verifyV1(publicBundleV1()).walletAddress();
        } catch (ContactBundles.InvalidBundleException e) {
            throw new XmtpException("the private key bundle's keys are not signed: " + e.getMessage());
        }
    }

    /**
     * Makes a new identity: a random identity key that the wallet signs ("XMTP : Create Identity") and
     * a random pre-key that the identity key signs.
     */
    public static IdentityKeys generate(WalletSigner wallet, Clock clock) {
        long nowMs = clock.millis();
        PrivateKey identityKey = PrivateKey.generate();
        PublicKey unsignedIdentity = legacyPublicKey(identityKey, nowMs);
        WalletSignature walletSig =
                WalletSignature.request(wallet, Ethereum.createIdentityText(unsignedIdentity.toByteArray()));
        Key identity = new Key(
                identityKey,
                unsignedIdentity.toBuilder()
                        .setSignature(ecdsa(walletSig.compact()))
                        .build());
        PrivateKey preKey = PrivateKey.generate();
        PublicKey unsignedPre = legacyPublicKey(preKey, nowMs);
        Key pre = new Key(
                preKey,
                unsignedPre.toBuilder()
                        .setSignature(ecdsa(identityKey.sign(Sha256.digest(unsignedPre.toByteArray()))))
                        .build());
        IdentityKeys keys = new IdentityKeys(identity, List.of(pre));
        if (!keys.walletAddress.equalsIgnoreCase(wallet.address())) {
            throw new XmtpException("the wallet signed the identity key for another address");
        }
        return keys;
    }

    /**
     * Reads a serialized private key bundle ({@code PrivateKeyBundle.v1}, or a bare {@code
     * PrivateKeyBundleV1} as the oldest clients stored it).
     *
     * @throws XmtpException when it is not a V1 bundle whose keys match and are signed
     */
    public static IdentityKeys fromBytes(byte[] bytes) {
        PrivateKeyBundleV1 v1;
        try {
            PrivateKeyBundle bundle = PrivateKeyBundle.parseFrom(bytes);
            if (bundle.hasV1()) {
                v1 = bundle.getV1();
            } else if (bundle.hasV2()) {
                throw new XmtpException("V2 private key bundles are not supported (xmtp-js stores V1)");
            } else {
                v1 = PrivateKeyBundleV1.parseFrom(bytes);
            }
        } catch (InvalidProtocolBufferException e) {
            throw new XmtpException("the private key bundle is malformed");
        }
        if (!v1.hasIdentityKey() || v1.getPreKeysCount() == 0) {
            throw new XmtpException("the private key bundle lacks its identity key or pre-key");
        }
        List<Key> pres = new ArrayList<>();
        for (org.xmtpnode.proto.contents.PrivateKey k : v1.getPreKeysList()) {
            pres.add(key(k));
        }
        return new IdentityKeys(key(v1.getIdentityKey()), pres);
    }

    private static Key key(org.xmtpnode.proto.contents.PrivateKey k) {
        try {
            return new Key(PrivateKey.fromBytes(k.getSecp256K1().getBytes().toByteArray()), k.getPublicKey());
        } catch (IllegalArgumentException e) {
            throw new XmtpException("the private key bundle holds an invalid key");
        }
    }

    /** The bundle as xmtp-js serializes it ({@code PrivateKeyBundle.v1}). */
    public byte[] toBytes() {
        PrivateKeyBundleV1.Builder v1 = PrivateKeyBundleV1.newBuilder().setIdentityKey(toProto(identity));
        preKeys.forEach(k -> v1.addPreKeys(toProto(k)));
        return PrivateKeyBundle.newBuilder().setV1(v1).build().toByteArray();
    }

    private static org.xmtpnode.proto.contents.PrivateKey toProto(Key k) {
        return org.xmtpnode.proto.contents.PrivateKey.newBuilder()
                .setTimestamp(k.publicKey().getTimestamp())
                .setSecp256K1(org.xmtpnode.proto.contents.PrivateKey.Secp256k1.newBuilder()
                        .setBytes(ByteString.copyFrom(k.privateKey().bytes())))
                .setPublicKey(k.publicKey())
                .build();
    }

    /** The EIP-55 address of the wallet that signed the identity key. */
    public String walletAddress() {
        return walletAddress;
    }

    public PrivateKey identityKey() {
        return identity.privateKey();
    }

    /** The identity key as a V1 public key signed by the wallet (what an auth token carries). */
    public PublicKey identityPublicKey() {
        return identity.publicKey();
    }

    /** The current (newest) pre-key. */
    public PrivateKey preKey() {
        return preKeys.get(0).privateKey();
    }

    /**
     * The private pre-key whose public key is given.
     *
     * @throws InvalidMessageException when none of this identity's pre-keys has it
     */
    public PrivateKey preKey(byte[] publicKey) {
        for (Key k : preKeys) {
            if (k.privateKey().matches(publicKey)) {
                return k.privateKey();
            }
        }
        throw new InvalidMessageException("no pre-key of this identity matches");
    }

    /** The V1 contact bundle: the identity key signed by the wallet, the pre-key by the identity key. */
    public PublicKeyBundle publicBundleV1() {
        return PublicKeyBundle.newBuilder()
                .setIdentityKey(identity.publicKey())
                .setPreKey(preKeys.get(0).publicKey())
                .build();
    }

    /**
     * The V2 contact bundle derived from the V1 keys as xmtp-js derives it: the same key bytes (which
     * keep the V1 millisecond timestamp) and signatures, the wallet's marked as a wallet signature.
     */
    public SignedPublicKeyBundle publicBundleV2() {
        return BundleForms.toV2(publicBundleV1());
    }

    /** What a {@code contact-<wallet>} envelope carries for V1 clients: the V1 bundle. */
    public ContactBundle contactBundleV1() {
        return ContactBundle.newBuilder()
                .setV1(ContactBundleV1.newBuilder().setKeyBundle(publicBundleV1()))
                .build();
    }

    /** What a {@code contact-<wallet>} envelope carries for V2 clients: the V2 bundle. */
    public ContactBundle contactBundleV2() {
        return ContactBundle.newBuilder()
                .setV2(ContactBundleV2.newBuilder().setKeyBundle(publicBundleV2()))
                .build();
    }

    /**
     * The X3DH variant the XMTP SDKs use, with the sender's pre-key in place of an ephemeral key: the
     * three ECDH results (each an uncompressed point) concatenated. The sender computes my identity ×
     * peer pre-key, my pre-key × peer identity, my pre-key × peer pre-key; the recipient swaps the
     * first two, so both get the same bytes.
     *
     * @param myPreKey which of my pre-keys (by public key) the sender used
     * @param recipient whether I am the recipient
     */
    public byte[] sharedSecret(byte[] peerIdentityKey, byte[] peerPreKey, byte[] myPreKey, boolean recipient) {
        PrivateKey pre = preKey(myPreKey);
        byte[] dh1;
        byte[] dh2;
        if (recipient) {
            dh1 = pre.sharedSecret(peerIdentityKey);
            dh2 = identity.privateKey().sharedSecret(peerPreKey);
        } else {
            dh1 = identity.privateKey().sharedSecret(peerPreKey);
            dh2 = pre.sharedSecret(peerIdentityKey);
        }
        byte[] dh3 = pre.sharedSecret(peerPreKey);
        byte[] secret = Arrays.copyOf(dh1, dh1.length + dh2.length + dh3.length);
        System.arraycopy(dh2, 0, secret, dh1.length, dh2.length);
        System.arraycopy(dh3, 0, secret, dh1.length + dh2.length, dh3.length);
        return secret;
    }

    private static PublicKey legacyPublicKey(PrivateKey key, long timestampMs) {
        return PublicKey.newBuilder()
                .setTimestamp(timestampMs)
                .setSecp256K1Uncompressed(
                        PublicKey.Secp256k1Uncompressed.newBuilder().setBytes(ByteString.copyFrom(key.publicKey())))
                .build();
    }

    static Signature ecdsa(Secp256k1.Signature sig) {
        return Signature.newBuilder()
                .setEcdsaCompact(Signature.ECDSACompact.newBuilder()
                        .setBytes(ByteString.copyFrom(sig.rs()))
                        .setRecovery(sig.recovery()))
                .build();
    }

    @Override
    public String toString() {
        return "IdentityKeys[" + walletAddress + "]";
    }
}
