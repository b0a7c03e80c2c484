package org.xmtpnode.core.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.custom.sec.SecP256K1Curve;

/** ECDSA over secp256k1 with Bouncy Castle: verification, public-key recovery (SEC1 4.1.6), RFC 6979 signing. */
public final class Secp256k1 {

    private static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256k1");
    static final ECDomainParameters DOMAIN =
            new ECDomainParameters(PARAMS.getCurve(), PARAMS.getG(), PARAMS.getN(), PARAMS.getH());
    private static final BigInteger N = PARAMS.getN();
    private static final BigInteger HALF_N = N.shiftRight(1);
    private static final BigInteger FIELD_PRIME = SecP256K1Curve.q;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A compact signature: 64 bytes r‖s and the recovery id (0–3). */
    public record Signature(byte[] rs, int recovery) {}

    private Secp256k1() {}

    /**
     * Recovers the signer's uncompressed public key (65 bytes, 0x04‖X‖Y) from a 32-byte digest and a
     * compact signature, or null when the signature is malformed or matches no key.
     */
    public static byte[] recover(byte[] digest, byte[] rs, int recovery) {
        if (digest == null || digest.length != 32 || rs == null || rs.length != 64 || recovery < 0 || recovery > 3) {
            return null;
        }
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(rs, 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(rs, 32, 64));
        if (r.signum() == 0 || r.compareTo(N) >= 0 || s.signum() == 0 || s.compareTo(N) >= 0) {
            return null;
        }
        BigInteger x = r.add(BigInteger.valueOf(recovery / 2).multiply(N));
        if (x.compareTo(FIELD_PRIME) >= 0) {
            return null;
        }
        ECPoint rPoint;
        try {
            byte[] compressed = new byte[33];
            compressed[0] = (byte) ((recovery & 1) == 1 ? 0x03 : 0x02);
            byte[] xBytes = fixed32(x);
            System.arraycopy(xBytes, 0, compressed, 1, 32);
            rPoint = DOMAIN.getCurve().decodePoint(compressed);
        } catch (IllegalArgumentException e) {
            return null; // x is not on the curve
        }
        if (!rPoint.multiply(N).isInfinity()) {
            return null;
        }
        BigInteger e = new BigInteger(1, digest);
        BigInteger rInverse = r.modInverse(N);
        BigInteger u1 = e.negate().mod(N).multiply(rInverse).mod(N);
        BigInteger u2 = s.multiply(rInverse).mod(N);
        ECPoint q =
                ECAlgorithms.sumOfTwoMultiplies(DOMAIN.getG(), u1, rPoint, u2).normalize();
        if (q.isInfinity()) {
            return null;
        }
        return q.getEncoded(false);
    }

    /** Plain ECDSA verification of r‖s over a digest with an uncompressed (or compressed) public key. */
    public static boolean verify(byte[] publicKey, byte[] digest, byte[] rs) {
        if (publicKey == null || rs == null || rs.length != 64 || digest == null) {
            return false;
        }
        try {
            ECPoint point = DOMAIN.getCurve().decodePoint(publicKey);
            ECDSASigner verifier = new ECDSASigner();
            verifier.init(false, new ECPublicKeyParameters(point, DOMAIN));
            return verifier.verifySignature(
                    digest,
                    new BigInteger(1, Arrays.copyOfRange(rs, 0, 32)),
                    new BigInteger(1, Arrays.copyOfRange(rs, 32, 64)));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The uncompressed public key of a private key. */
    public static byte[] publicKey(BigInteger privateKey) {
        return DOMAIN.getG().multiply(privateKey).normalize().getEncoded(false);
    }

    /** Deterministic (RFC 6979) signature with low s and the recovery id that gives back the signer's key. */
    public static Signature sign(BigInteger privateKey, byte[] digest) {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, new ECPrivateKeyParameters(privateKey, DOMAIN));
        BigInteger[] sig = signer.generateSignature(digest);
        BigInteger r = sig[0];
        BigInteger s = sig[1].compareTo(HALF_N) > 0 ? N.subtract(sig[1]) : sig[1];
        byte[] rs = new byte[64];
        System.arraycopy(fixed32(r), 0, rs, 0, 32);
        System.arraycopy(fixed32(s), 0, rs, 32, 32);
        byte[] expected = publicKey(privateKey);
        for (int id = 0; id < 4; id++) {
            if (Arrays.equals(expected, recover(digest, rs, id))) {
                return new Signature(rs, id);
            }
        }
        throw new IllegalStateException("no recovery id reproduces the signer's key");
    }

    /** A new random private key (1 to n-1), from the JVM's strong random source. */
    public static BigInteger randomPrivateKey() {
        BigInteger k;
        do {
            k = new BigInteger(256, RANDOM);
        } while (!isPrivateKey(k));
        return k;
    }

    /** Whether {@code k} is a valid private key: 1 to n-1. */
    public static boolean isPrivateKey(BigInteger k) {
        return k != null && k.signum() > 0 && k.compareTo(N) < 0;
    }

    /** {@code v} as exactly 32 big-endian bytes (a private key, a coordinate, r or s). */
    public static byte[] fixed32(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }
}
