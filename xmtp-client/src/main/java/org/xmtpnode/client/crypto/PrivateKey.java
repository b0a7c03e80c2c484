package org.xmtpnode.client.crypto;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;
import org.xmtpnode.core.crypto.Secp256k1;

/**
 * A secp256k1 private key with its public key: signs digests (RFC 6979, low s, with the recovery id)
 * and derives ECDH secrets. Its {@link #toString()} never shows the key.
 */
public final class PrivateKey {

    private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256k1");

    private final BigInteger secret;
    private final byte[] publicKey;

    private PrivateKey(BigInteger secret) {
        if (!Secp256k1.isPrivateKey(secret)) {
            throw new IllegalArgumentException("not a secp256k1 private key (out of range)");
        }
        this.secret = secret;
        this.publicKey = Secp256k1.publicKey(secret);
    }

    public static PrivateKey generate() {
        return new PrivateKey(Secp256k1.randomPrivateKey());
    }

    /**
     * @throws IllegalArgumentException when the bytes are not 32 or not a valid key
     */
    public static PrivateKey fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length != 32) {
            throw new IllegalArgumentException("a secp256k1 private key is 32 bytes");
        }
        return new PrivateKey(new BigInteger(1, bytes));
    }

    /** The 32-byte big-endian key (for encrypted storage only). */
    public byte[] bytes() {
        return Secp256k1.fixed32(secret);
    }

    /** The uncompressed public key, 0x04‖X‖Y. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    public Secp256k1.Signature sign(byte[] digest) {
        return Secp256k1.sign(secret, digest);
    }

    /**
     * The ECDH secret with a peer's public key as an uncompressed point (65 bytes), which is what the
     * XMTP SDKs concatenate into their shared secrets.
     *
     * @throws InvalidMessageException when the peer's key is not a point on the curve
     */
    public byte[] sharedSecret(byte[] peerPublicKey) {
        ECPoint peer;
        try {
            peer = CURVE.getCurve().decodePoint(peerPublicKey);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidMessageException("peer key is not a secp256k1 point");
        }
        ECPoint shared = peer.multiply(secret).normalize();
        if (shared.isInfinity()) {
            throw new InvalidMessageException("peer key gives no shared secret");
        }
        return shared.getEncoded(false);
    }

    /** Is this the private key of the given uncompressed public key? */
    public boolean matches(byte[] uncompressedPublicKey) {
        return Arrays.equals(publicKey, uncompressedPublicKey);
    }

    @Override
    public String toString() {
        return "PrivateKey[redacted]";
    }
}
