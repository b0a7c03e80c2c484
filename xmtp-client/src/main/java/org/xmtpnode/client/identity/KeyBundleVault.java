package org.xmtpnode.client.identity;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.xmtpnode.client.XmtpException;
import org.xmtpnode.client.crypto.AeadCipher;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.proto.contents.EncryptedPrivateKeyBundle;
import org.xmtpnode.proto.contents.EncryptedPrivateKeyBundleV1;

/**
 * Encrypts a private key bundle for {@code privatestore-<wallet>/key_bundle} as xmtp-js does, so that
 * only the wallet can open it: a random 32-byte "wallet pre-key" is stored in the clear, the wallet
 * signs "XMTP : Enable Identity" over it, and the 65 signature bytes are the secret of the
 * HKDF-SHA256 / AES-256-GCM cipher. Deterministic (RFC 6979) wallets sign the same bytes each time,
 * which is what makes the bundle loadable again from the wallet alone.
 */
public final class KeyBundleVault {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private KeyBundleVault() {}

    /** The text the wallet signs to unlock the bundle stored under this wallet pre-key. */
    static String enableIdentityText(byte[] walletPreKey) {
        return "XMTP : Enable Identity\n" + HEX.formatHex(walletPreKey)
                + "\n\nFor more info: https://xmtp.org/signatures/";
    }

    public static byte[] seal(IdentityKeys keys, WalletSigner wallet) {
        byte[] walletPreKey = new byte[32];
        RANDOM.nextBytes(walletPreKey);
        byte[] secret = WalletSignature.request(wallet, enableIdentityText(walletPreKey))
                .bytes();
        return EncryptedPrivateKeyBundle.newBuilder()
                .setV1(EncryptedPrivateKeyBundleV1.newBuilder()
                        .setWalletPreKey(ByteString.copyFrom(walletPreKey))
                        .setCiphertext(AeadCipher.encrypt(keys.toBytes(), secret, null)))
                .build()
                .toByteArray();
    }

    /**
     * Opens a stored bundle with the wallet's signature.
     *
     * @throws XmtpException when the bytes are not an encrypted bundle, the wallet's signature does not
     *     open it, or the keys inside belong to another wallet
     */
    public static IdentityKeys open(byte[] stored, WalletSigner wallet) {
        EncryptedPrivateKeyBundleV1 sealed = parse(stored);
        if (sealed.getWalletPreKey().isEmpty() || !sealed.hasCiphertext()) {
            throw new XmtpException("the stored private key bundle lacks its wallet pre-key or ciphertext");
        }
        byte[] secret = WalletSignature.request(
                        wallet, enableIdentityText(sealed.getWalletPreKey().toByteArray()))
                .bytes();
        byte[] plain;
        try {
            plain = AeadCipher.decrypt(sealed.getCiphertext(), secret, null);
        } catch (InvalidMessageException e) {
            // wallets differ in how they write v (0/1 or 27/28); the bundle was sealed with either
            byte[] other = secret.clone();
            int v = other[64] & 0xff;
            other[64] = (byte) (v < 27 ? v + 27 : v - 27);
            try {
                plain = AeadCipher.decrypt(sealed.getCiphertext(), other, null);
            } catch (InvalidMessageException again) {
                throw new XmtpException("the wallet's signature does not open the stored private key bundle");
            }
        }
        IdentityKeys keys = IdentityKeys.fromBytes(plain);
        if (!keys.walletAddress().equalsIgnoreCase(wallet.address())) {
            throw new XmtpException("the stored private key bundle belongs to another wallet");
        }
        return keys;
    }

    private static EncryptedPrivateKeyBundleV1 parse(byte[] stored) {
        try {
            EncryptedPrivateKeyBundle bundle = EncryptedPrivateKeyBundle.parseFrom(stored);
            if (bundle.hasV1()) {
                return bundle.getV1();
            }
        } catch (InvalidProtocolBufferException e) {
            // the oldest clients stored the V1 message bare: try that
        }
        try {
            return EncryptedPrivateKeyBundleV1.parseFrom(stored);
        } catch (InvalidProtocolBufferException e) {
            throw new XmtpException("the stored private key bundle is malformed");
        }
    }
}
