package org.xmtpnode.bootstrap.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpnode.core.crypto.Secp256k1;
import org.xmtpnode.core.nodes.NodeRecords;
import org.xmtpnode.proto.internal.NodeRecord;

/** The node's signing key file: made once (mode 600), read back the same, refused when it holds no key. */
class NodeKeyTest {

    static final BigInteger N = new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);

    @TempDir
    Path dir;

    @Test
    void aMissingKeyIsMadeInAFileOnlyItsOwnerMayRead() throws Exception {
        Path file = dir.resolve("secrets/node/node-key.hex");

        NodeKey key = NodeKey.loadOrCreate(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(file, StandardCharsets.US_ASCII)).matches("0x[0-9a-f]{64}\\n");
        assertThat(key.publicKey()).hasSize(65).startsWith((byte) 4);
        assertThat(key.publicKeyHex()).isEqualTo("0x" + TestRecords.publicHex(key.privateKey()));
    }

    @Test
    void theKeyIsLoadedBackIdentical() {
        Path file = dir.resolve("node-key.hex");
        NodeKey made = NodeKey.loadOrCreate(file);

        NodeKey loaded = NodeKey.loadOrCreate(file);

        assertThat(loaded.privateKey()).isEqualTo(made.privateKey());
        assertThat(loaded.publicKey()).isEqualTo(made.publicKey());
    }

    @Test
    void aKeyWrittenByAnOperatorIsReadWithOrWithout0xAndSurroundingSpace() throws Exception {
        BigInteger secret = TestRecords.newKey();
        Path plain = Files.writeString(dir.resolve("plain.hex"), String.format("%064x", secret));
        Path prefixed = Files.writeString(dir.resolve("prefixed.hex"), String.format("  0x%064x\n\n", secret));

        assertThat(NodeKey.loadOrCreate(plain).publicKey()).isEqualTo(Secp256k1.publicKey(secret));
        assertThat(NodeKey.loadOrCreate(prefixed).publicKey()).isEqualTo(Secp256k1.publicKey(secret));
    }

    @Test
    void recordsSignedWithTheKeyVerifyAgainstItsPublicKey() throws Exception {
        NodeKey key = NodeKey.loadOrCreate(dir.resolve("node-key.hex"));
        NodeRecord record =
                TestRecords.record("node-a", key.privateKey(), Instant.now(), NodeRecord.State.STATE_JOINING);

        assertThat(NodeRecords.verify(NodeRecords.sign(record, key.privateKey())))
                .isEqualTo(record);
    }

    @Test
    void aFileThatIsNotHexIsRefusedNamingTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("node-key.hex"), "-----BEGIN EC PRIVATE KEY-----\n");

        assertThatThrownBy(() -> NodeKey.loadOrCreate(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(file + " does not hold a secp256k1 private key: a secp256k1 private key is 64 hex digits");
    }

    @Test
    void anEmptyFileIsRefusedNotReplaced() throws Exception {
        Path file = Files.createFile(dir.resolve("node-key.hex"));

        assertThatThrownBy(() -> NodeKey.loadOrCreate(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not hold a secp256k1 private key");
        assertThat(Files.size(file)).isZero();
    }

    @Test
    void hexOutsideTheCurvesKeyRangeIsRefused() throws Exception {
        List<BigInteger> outsideTheRange = List.of(BigInteger.ZERO, N, N.add(BigInteger.ONE));
        for (int i = 0; i < outsideTheRange.size(); i++) {
            Path file =
                    Files.writeString(dir.resolve("key-" + i + ".hex"), String.format("%064x", outsideTheRange.get(i)));

            assertThatThrownBy(() -> NodeKey.loadOrCreate(file))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith(file + " does not hold a secp256k1 private key: ");
        }
        // a 65-byte public key pasted in place of the private key
        Path publicKey = Files.writeString(dir.resolve("public.hex"), TestRecords.publicHex(TestRecords.newKey()));
        assertThatThrownBy(() -> NodeKey.loadOrCreate(publicKey))
                .hasMessage(
                        publicKey + " does not hold a secp256k1 private key: a secp256k1 private key is 64 hex digits");
    }
}
