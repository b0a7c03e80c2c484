package org.xmtpnode.bootstrap.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.xmtpnode.core.crypto.Secp256k1;

/** The node's signing key: read from a file, or made and written there (hex, mode 600) on first start. */
public final class NodeKey {

    private static final BigInteger N =
            new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);

    private final BigInteger privateKey;
    private final byte[] publicKey;

    private NodeKey(BigInteger privateKey) {
        this.privateKey = privateKey;
        this.publicKey = Secp256k1.publicKey(privateKey);
    }

    public static NodeKey loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                String hex = Files.readString(file, StandardCharsets.US_ASCII).strip();
                BigInteger key = new BigInteger(hex.startsWith("0x") ? hex.substring(2) : hex, 16);
                if (key.signum() <= 0 || key.compareTo(N) >= 0) {
                    throw new IllegalStateException(file + " does not hold a secp256k1 private key");
                }
                return new NodeKey(key);
            }
            SecureRandom random = new SecureRandom();
            BigInteger key;
            do {
                key = new BigInteger(256, random);
            } while (key.signum() == 0 || key.compareTo(N) >= 0);
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            // made owner-only before the key is in it: never readable by others, even if this process dies
            try {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file); // not a POSIX file system
            }
            Files.writeString(
                    file,
                    String.format("%064x%n", key),
                    StandardCharsets.US_ASCII,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            return new NodeKey(key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the node key " + file, e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(file + " does not hold a hex private key", e);
        }
    }

    public BigInteger privateKey() {
        return privateKey;
    }

    /** Uncompressed (65 bytes). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    public String publicKeyHex() {
        return "0x" + HexFormat.of().formatHex(publicKey);
    }
}
