package org.xmtpnode.bootstrap.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.xmtpnode.core.crypto.KeyFiles;
import org.xmtpnode.core.crypto.Secp256k1;

/** The node's signing key: read from a file, or made and written there (hex, mode 600) on first start. */
public final class NodeKey {

    private final BigInteger privateKey;
    private final byte[] publicKey;

    private NodeKey(BigInteger privateKey) {
        this.privateKey = privateKey;
        this.publicKey = Secp256k1.publicKey(privateKey);
    }

    public static NodeKey loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return new NodeKey(KeyFiles.read(file));
            }
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            BigInteger key = Secp256k1.randomPrivateKey();
            KeyFiles.create(file, key);
            return new NodeKey(key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the node key " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " does not hold a secp256k1 private key: " + e.getMessage(), e);
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
