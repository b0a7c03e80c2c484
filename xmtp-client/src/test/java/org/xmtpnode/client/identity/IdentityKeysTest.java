package org.xmtpnode.client.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpnode.client.XmtpException;
import org.xmtpnode.client.XmtpJsVectors;
import org.xmtpnode.client.api.AuthTokenIssuer;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.core.crypto.AuthTokens;
import org.xmtpnode.proto.contents.ContactBundle;
import org.xmtpnode.proto.contents.ContactBundleV1;
import org.xmtpnode.proto.contents.ContactBundleV2;

class IdentityKeysTest {

    static final LocalWallet ALICE = LocalWallet.fromHex(XmtpJsVectors.string("alice.walletKey"));
    static final LocalWallet BOB = LocalWallet.fromHex(XmtpJsVectors.string("bob.walletKey"));

    @Test
    void aBundleStoredByXmtpJsOpensWithTheSameWalletKeyAndHasTheSameIdentityKey() {
        IdentityKeys keys = KeyBundleVault.open(XmtpJsVectors.bytes("alice.storedKeyBundle"), ALICE);

        assertThat(keys.walletAddress()).isEqualTo(XmtpJsVectors.string("alice.address"));
        assertThat(keys.identityKey().publicKey()).isEqualTo(XmtpJsVectors.bytes("alice.identityKey"));
        assertThat(keys.preKey().publicKey()).isEqualTo(XmtpJsVectors.bytes("alice.preKey"));
        // the bundle serializes to the very bytes xmtp-js encrypted
        assertThat(keys.toBytes()).isEqualTo(XmtpJsVectors.bytes("alice.privateKeyBundle"));
    }

    @Test
    void theContactBundlesAreByteForByteThoseXmtpJsPublishes() {
        for (String who : new String[] {"alice", "bob"}) {
            IdentityKeys keys = IdentityKeys.fromBytes(XmtpJsVectors.bytes(who + ".privateKeyBundle"));
            byte[] v1 = ContactBundle.newBuilder()
                    .setV1(ContactBundleV1.newBuilder().setKeyBundle(keys.publicBundleV1()))
                    .build()
                    .toByteArray();
            byte[] v2 = ContactBundle.newBuilder()
                    .setV2(ContactBundleV2.newBuilder().setKeyBundle(keys.publicBundleV2()))
                    .build()
                    .toByteArray();
            assertThat(v1).isEqualTo(XmtpJsVectors.bytes(who + ".contactV1"));
            assertThat(v2).isEqualTo(XmtpJsVectors.bytes(who + ".contactV2"));
        }
    }

    @Test
    void theAuthTokenAtAFixedTimeIsByteForByteXmtpJssToken() throws Exception {
        IdentityKeys keys = IdentityKeys.fromBytes(XmtpJsVectors.bytes("alice.privateKeyBundle"));
        Clock at = Clock.fixed(Instant.ofEpochMilli(XmtpJsVectors.number("sentMs")), ZoneOffset.UTC);

        String token = new AuthTokenIssuer(keys, at).token();

        assertThat(token).isEqualTo(XmtpJsVectors.string("token"));
        assertThat(AuthTokens.verify(token, XmtpJsVectors.number("sentMs") * 1_000_000L)
                        .walletAddress())
                .isEqualTo(keys.walletAddress());
    }

    @Test
    void aPeersContactBundleIsVerifiedAgainstItsWallet() {
        ByteString bobV1 = ByteString.copyFrom(XmtpJsVectors.bytes("bob.contactV1"));
        ByteString bobV2 = ByteString.copyFrom(XmtpJsVectors.bytes("bob.contactV2"));

        Contact v1 = Contact.fromContactBundle(bobV1, BOB.address());
        Contact v2 = Contact.fromContactBundle(bobV2, BOB.address());

        assertThat(v1.v1Only()).isTrue();
        assertThat(v2.v1Only()).isFalse();
        assertThat(v1.v2()).isEqualTo(v2.v2());
        assertThat(v2.v1Bundle()).isEqualTo(v1.v1());
        // Bob's bundle published on Alice's contact topic is a spoof
        assertThatThrownBy(() -> Contact.fromContactBundle(bobV2, ALICE.address()))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("not signed by wallet");
    }

    @Test
    void aNewIdentityRoundTripsThroughTheVaultAndOnlyItsWalletOpensIt() {
        LocalWallet wallet = LocalWallet.generate();
        IdentityKeys keys = IdentityKeys.generate(wallet, Clock.systemUTC());

        byte[] sealed = KeyBundleVault.seal(keys, wallet);
        IdentityKeys loaded = KeyBundleVault.open(sealed, wallet);

        assertThat(loaded.identityKey().publicKey())
                .isEqualTo(keys.identityKey().publicKey());
        assertThat(loaded.walletAddress()).isEqualTo(wallet.address());
        assertThatThrownBy(() -> KeyBundleVault.open(sealed, LocalWallet.generate()))
                .isInstanceOf(XmtpException.class)
                .hasMessageContaining("does not open");
        byte[] tampered = sealed.clone();
        tampered[tampered.length - 3] ^= 1;
        assertThatThrownBy(() -> KeyBundleVault.open(tampered, wallet)).isInstanceOf(XmtpException.class);
    }

    @Test
    void aWalletThatAnswersWithAnotherWalletsSignatureIsRefused() {
        LocalWallet honest = LocalWallet.generate();
        WalletSigner liar = new WalletSigner() {
            @Override
            public String address() {
                return honest.address();
            }

            @Override
            public byte[] signPersonalMessage(String message) {
                return LocalWallet.generate().signPersonalMessage(message);
            }
        };
        assertThatThrownBy(() -> IdentityKeys.generate(liar, Clock.systemUTC()))
                .isInstanceOf(XmtpException.class)
                .hasMessageContaining("does not recover");
    }

    @Test
    void walletKeyFilesAreWrittenForTheOwnerOnlyAndReadBack(@TempDir Path dir) throws Exception {
        LocalWallet wallet = LocalWallet.generate();
        Path file = dir.resolve("wallet.key");

        wallet.writeKeyFile(file);

        assertThat(Files.getPosixFilePermissions(file))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        assertThat(LocalWallet.readKeyFile(file).address()).isEqualTo(wallet.address());
        assertThat(wallet.toString())
                .doesNotContain(Files.readString(file).strip().substring(2));
        assertThatThrownBy(() -> wallet.writeKeyFile(file)).isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> LocalWallet.fromHex("0x1234")).isInstanceOf(IllegalArgumentException.class);
    }
}
