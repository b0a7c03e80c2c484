package org.xmtpnode.core.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.crypto.digests.KeccakDigest;

/** Ethereum's hashing and addresses: Keccak-256, EIP-191 personal messages, EIP-55 checksums. */
public final class Ethereum {

    private static final HexFormat HEX = HexFormat.of();

    private Ethereum() {}

    public static byte[] keccak256(byte[]... parts) {
        KeccakDigest keccak = new KeccakDigest(256);
        for (byte[] p : parts) {
            keccak.update(p, 0, p.length);
        }
        byte[] out = new byte[32];
        keccak.doFinal(out, 0);
        return out;
    }

    /** keccak256("\x19Ethereum Signed Message:\n" + byte length + message): what {@code personal_sign} signs. */
    public static byte[] personalMessageHash(String message) {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = ("\u0019Ethereum Signed Message:\n" + body.length).getBytes(StandardCharsets.UTF_8);
        return keccak256(prefix, body);
    }

    /** The EIP-55 address of an uncompressed public key (0x04‖X‖Y). */
    public static String address(byte[] uncompressedPublicKey) {
        if (uncompressedPublicKey == null || uncompressedPublicKey.length != 65 || uncompressedPublicKey[0] != 0x04) {
            throw new IllegalArgumentException("not an uncompressed secp256k1 public key");
        }
        byte[] hash = keccak256(Arrays.copyOfRange(uncompressedPublicKey, 1, 65));
        return checksum("0x" + HEX.formatHex(hash, 12, 32));
    }

    public static boolean isAddress(String s) {
        return s != null
                && s.length() == 42
                && (s.startsWith("0x") || s.startsWith("0X"))
                // ASCII only: Character.digit also reads fullwidth and other scripts' digits as hex
                && s.substring(2)
                        .chars()
                        .allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
    }

    /**
     * The EIP-55 mixed-case form of an address given in any case.
     *
     * @throws IllegalArgumentException when it is not 0x followed by 40 hex digits
     */
    public static String checksum(String address) {
        if (!isAddress(address)) {
            throw new IllegalArgumentException("not an Ethereum address");
        }
        String lower = address.substring(2).toLowerCase(Locale.ROOT);
        String hash = HEX.formatHex(keccak256(lower.getBytes(StandardCharsets.US_ASCII)));
        StringBuilder out = new StringBuilder("0x");
        for (int i = 0; i < 40; i++) {
            char c = lower.charAt(i);
            out.append(Character.digit(hash.charAt(i), 16) >= 8 ? Character.toUpperCase(c) : c);
        }
        return out.toString();
    }

    /** The text a wallet signs to create an XMTP identity over the given key bytes. */
    public static String createIdentityText(byte[] keyBytes) {
        return "XMTP : Create Identity\n" + HEX.formatHex(keyBytes) + "\n\nFor more info: https://xmtp.org/signatures/";
    }
}
