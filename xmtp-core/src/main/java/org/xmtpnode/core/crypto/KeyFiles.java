package org.xmtpnode.core.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;

/**
 * secp256k1 private keys in files, as wallets and nodes keep them: 64 hex digits (an optional {@code 0x}
 * and surrounding whitespace are accepted), in a file only its owner may read.
 */
public final class KeyFiles {

    private KeyFiles() {}

    /**
     * @throws IllegalArgumentException when the text is not 64 hex digits of a valid key (1 to n-1)
     */
    public static BigInteger parse(String text) {
        String digits = text.strip();
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            digits = digits.substring(2);
        }
        if (digits.length() != 64 || !digits.chars().allMatch(KeyFiles::isHexDigit)) {
            throw new IllegalArgumentException("a secp256k1 private key is 64 hex digits");
        }
        BigInteger key = new BigInteger(1, HexFormat.of().parseHex(digits));
        if (!Secp256k1.isPrivateKey(key)) {
            throw new IllegalArgumentException("not a secp256k1 private key (out of range)");
        }
        return key;
    }

    /**
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when it does not hold a key
     */
    public static BigInteger read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.US_ASCII));
    }

    /**
     * Writes the key to a new file that is readable by its owner only (mode 600 where the file system has
     * POSIX permissions) before the key is in it, so it is never readable by others, not even if the
     * process dies halfway; an existing file is never overwritten.
     *
     * @throws FileAlreadyExistsException when the file exists
     */
    public static void create(Path file, BigInteger key) throws IOException {
        Path created;
        try {
            created = Files.createFile(
                    file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            created = Files.createFile(file); // not a POSIX file system
        }
        Files.writeString(
                created, "0x" + HexFormat.of().formatHex(Secp256k1.fixed32(key)) + "\n", StandardCharsets.US_ASCII);
    }

    private static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
