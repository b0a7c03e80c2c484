package org.xmtpnode.client.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import org.xmtpnode.client.crypto.PrivateKey;
import org.xmtpnode.core.crypto.Ethereum;
import org.xmtpnode.core.crypto.Secp256k1;

/**
 * A wallet whose secp256k1 key is in memory: for bots, services and tests. Key files hold the key as
 * 64 hex digits (an optional 0x and surrounding whitespace are accepted) and are written with mode
 * 600. Its {@link #toString()} shows the address only.
 */
public final class LocalWallet implements WalletSigner {

    private static final HexFormat HEX = HexFormat.of();

    private final PrivateKey key;
    private final String address;

    private LocalWallet(PrivateKey key) {
        this.key = key;
        this.address = Ethereum.address(key.publicKey());
    }

    public static LocalWallet generate() {
        return new LocalWallet(PrivateKey.generate());
    }

    /**
     * @throws IllegalArgumentException when the text is not 32 bytes of hex forming a valid key
     */
    public static LocalWallet fromHex(String hex) {
        String digits = hex.strip();
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            digits = digits.substring(2);
        }
        if (digits.length() != 64 || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("a wallet key is 64 hex digits");
        }
        return new LocalWallet(PrivateKey.fromBytes(HEX.parseHex(digits)));
    }

    /**
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when it does not hold a wallet key
     */
    public static LocalWallet readKeyFile(Path file) throws IOException {
        return fromHex(Files.readString(file, StandardCharsets.US_ASCII));
    }

    /**
     * Writes the key to a new file readable by its owner only (mode 600 where the file system has POSIX
     * permissions); an existing file is never overwritten.
     *
     * @throws FileAlreadyExistsException when the file exists
     */
    public void writeKeyFile(Path file) throws IOException {
        Path created;
        try {
            created = Files.createFile(
                    file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            created = Files.createFile(file);
        }
        Files.writeString(created, "0x" + HEX.formatHex(key.bytes()) + "\n", StandardCharsets.US_ASCII);
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public byte[] signPersonalMessage(String message) {
        Secp256k1.Signature sig = key.sign(Ethereum.personalMessageHash(message));
        byte[] out = new byte[65];
        System.arraycopy(sig.rs(), 0, out, 0, 64);
        out[64] = (byte) (27 + sig.recovery());
        return out;
    }

    @Override
    public String toString() {
        return "LocalWallet[" + address + "]";
    }
}
