package org.xmtpnode.client.crypto;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/** HKDF with SHA-256 (RFC 5869), the key derivation of every XMTP V1/V2 cipher. */
public final class Hkdf {

    private Hkdf() {}

    /**
     * Derives {@code length} bytes. An empty salt means HashLen zero bytes, as RFC 5869 and WebCrypto
     * define it.
     */
    public static byte[] sha256(byte[] secret, byte[] salt, byte[] info, int length) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
        generator.init(new HKDFParameters(secret, salt, info));
        byte[] out = new byte[length];
        generator.generateBytes(out, 0, length);
        return out;
    }
}
