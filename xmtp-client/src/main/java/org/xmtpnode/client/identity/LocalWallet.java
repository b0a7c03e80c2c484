package org.xmtpnode.client.identity;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import org.xmtpnode.client.crypto.PrivateKey;
import org.xmtpnode.core.crypto.Ethereum;
import org.xmtpnode.core.crypto.KeyFiles;
import org.xmtpnode.core.crypto.Secp256k1;

/**
 * A wallet whose secp256k1 key is in memory: for bots, services and tests. Key files hold the key as
 * 64 hex digits (an optional 0x and surrounding whitespace are accepted) and are written with mode
 * 600. Its {@link #toString()} shows the address only.
 */
public final class LocalWallet implements WalletSigner {

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
     * @throws IllegalArgumentException when the text is not 64 hex digits of a valid key
     */
    public static LocalWallet fromHex(String hex) {
        return new LocalWallet(PrivateKey.fromBytes(Secp256k1.fixed32(KeyFiles.parse(hex))));
    }

    /**
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when it does not hold a wallet key
     */
    public static LocalWallet readKeyFile(Path file) throws IOException {
        return new LocalWallet(PrivateKey.fromBytes(Secp256k1.fixed32(KeyFiles.read(file))));
    }

    /**
     * Writes the key to a new file readable by its owner only (mode 600 where the file system has POSIX
     * permissions); an existing file is never overwritten.
     *
     * @throws FileAlreadyExistsException when the file exists
     */
    public void writeKeyFile(Path file) throws IOException {
        KeyFiles.create(file, new BigInteger(1, key.bytes()));
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
