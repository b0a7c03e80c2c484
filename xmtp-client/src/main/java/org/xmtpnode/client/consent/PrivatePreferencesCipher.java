package org.xmtpnode.client.consent;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.xmtpnode.client.crypto.AeadCipher;
import org.xmtpnode.client.crypto.Hkdf;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.client.crypto.PrivateKey;
import org.xmtpnode.client.crypto.Sha256;
import org.xmtpnode.proto.contents.PrivatePreferencesAction;
import org.xmtpnode.proto.contents.PrivatePreferencesPayload;

/**
 * The private preferences topic and its encryption as xmtp-js 13 does them (in its Rust/WASM module):
 * both are derived from the identity private key with HKDF-SHA256 and a fixed salt, so only the
 * wallet's own installations can find and read them. The topic name is base64url(sha256(derived key));
 * an action is encrypted with the derived key by the usual HKDF / AES-256-GCM cipher, the identity
 * public key as additional data, and wrapped in {@code PrivatePreferencesPayload.v1}.
 */
final class PrivatePreferencesCipher {

    private static final byte[] TOPIC_SALT = "XMTP_PRIVATE_PREFERENCES_TOPIC".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_SALT = "XMTP_PRIVATE_PREFERENCES_ENCRYPTION".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_INFO = new byte[0];

    private PrivatePreferencesCipher() {}

    static String topic(PrivateKey identityKey) {
        byte[] derived = Hkdf.sha256(identityKey.bytes(), TOPIC_SALT, NO_INFO, 32);
        return "/xmtp/0/userpreferences-"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(Sha256.digest(derived))
                + "/proto";
    }

    static byte[] encrypt(PrivateKey identityKey, PrivatePreferencesAction action) {
        return PrivatePreferencesPayload.newBuilder()
                .setV1(AeadCipher.encrypt(action.toByteArray(), key(identityKey), identityKey.publicKey()))
                .build()
                .toByteArray();
    }

    /**
     * @throws InvalidMessageException when the bytes are not an action this identity encrypted
     */
    static PrivatePreferencesAction decrypt(PrivateKey identityKey, byte[] message) {
        try {
            PrivatePreferencesPayload payload = PrivatePreferencesPayload.parseFrom(message);
            if (!payload.hasV1()) {
                throw new InvalidMessageException("private preference has no ciphertext");
            }
            return PrivatePreferencesAction.parseFrom(
                    AeadCipher.decrypt(payload.getV1(), key(identityKey), identityKey.publicKey()));
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidMessageException("private preference is malformed");
        }
    }

    private static byte[] key(PrivateKey identityKey) {
        return Hkdf.sha256(identityKey.bytes(), KEY_SALT, NO_INFO, 32);
    }
}
