package org.xmtpnode.client.crypto;

import com.google.protobuf.ByteString;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.xmtpnode.proto.contents.Ciphertext;

/**
 * The symmetric cipher of XMTP V1/V2: a fresh random 32-byte salt derives an AES-256 key from the
 * secret with HKDF-SHA256 (empty info), then AES-256-GCM with a random 12-byte nonce and a 128-bit
 * tag. The additional data (a message header) is authenticated but not encrypted, so a header cannot
 * be swapped under a ciphertext.
 */
public final class AeadCipher {

    public static final int SALT_BYTES = 32;
    public static final int NONCE_BYTES = 12;
    public static final int TAG_BITS = 128;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] NO_INFO = new byte[0];
    private static final byte[] NO_AAD = new byte[0];

    private AeadCipher() {}

    public static Ciphertext encrypt(byte[] plaintext, byte[] secret, byte[] additionalData) {
        byte[] salt = new byte[SALT_BYTES];
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = gcm(Cipher.ENCRYPT_MODE, secret, salt, nonce, additionalData);
            byte[] payload = cipher.doFinal(plaintext);
            return Ciphertext.newBuilder()
                    .setAes256GcmHkdfSha256(Ciphertext.Aes256gcmHkdfsha256.newBuilder()
                            .setHkdfSalt(ByteString.copyFrom(salt))
                            .setGcmNonce(ByteString.copyFrom(nonce))
                            .setPayload(ByteString.copyFrom(payload)))
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is unavailable", e);
        }
    }

    /**
     * @throws InvalidMessageException when the ciphertext is malformed, or it, the secret or the
     *     additional data do not authenticate
     */
    public static byte[] decrypt(Ciphertext ciphertext, byte[] secret, byte[] additionalData) {
        if (!ciphertext.hasAes256GcmHkdfSha256()) {
            throw new InvalidMessageException("ciphertext is not AES-256-GCM with HKDF-SHA256");
        }
        Ciphertext.Aes256gcmHkdfsha256 c = ciphertext.getAes256GcmHkdfSha256();
        if (c.getHkdfSalt().size() != SALT_BYTES
                || c.getGcmNonce().size() != NONCE_BYTES
                || c.getPayload().size() < TAG_BITS / 8) {
            throw new InvalidMessageException("ciphertext has a malformed salt, nonce or payload");
        }
        try {
            Cipher cipher = gcm(
                    Cipher.DECRYPT_MODE,
                    secret,
                    c.getHkdfSalt().toByteArray(),
                    c.getGcmNonce().toByteArray(),
                    additionalData);
            return cipher.doFinal(c.getPayload().toByteArray());
        } catch (GeneralSecurityException e) {
            throw new InvalidMessageException("ciphertext does not authenticate (tampered, or not for this key)");
        }
    }

    private static Cipher gcm(int mode, byte[] secret, byte[] salt, byte[] nonce, byte[] additionalData)
            throws GeneralSecurityException {
        byte[] key = Hkdf.sha256(secret, salt, NO_INFO, 32);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(additionalData == null ? NO_AAD : additionalData);
        return cipher;
    }
}
