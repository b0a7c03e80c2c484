package org.xmtpnode.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xmtpnode.proto.contents.AuthData;
import org.xmtpnode.proto.contents.ContactBundle;
import org.xmtpnode.proto.contents.Signature;
import org.xmtpnode.proto.contents.Token;

class CryptoTest {

    static final HexFormat HEX = HexFormat.of();
    static final long NOW = System.currentTimeMillis() * 1_000_000L;

    @Test
    void knownVectors() {
        // keccak256("") and the EIP-191 hash of "hello world" (as viem's hashMessage documents it)
        assertThat(HEX.formatHex(Ethereum.keccak256(new byte[0])))
                .isEqualTo("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
        assertThat(HEX.formatHex(Ethereum.personalMessageHash("hello world")))
                .isEqualTo("d9eba16ed0ecae432b71fe008c98cc872bb4cc214d3220a36f365326cf807d68");
        // EIP-55's own examples
        for (String a : new String[] {
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB"
        }) {
            assertThat(Ethereum.checksum(a.toLowerCase())).isEqualTo(a);
            assertThat(Ethereum.checksum(a.toUpperCase().replace("0X", "0x"))).isEqualTo(a);
        }
        // the address of private key 1 is well known
        assertThat(Ethereum.address(Secp256k1.publicKey(BigInteger.ONE)))
                .isEqualTo("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
    }

    @Test
    void signAndRecoverRoundTrip() {
        Random random = new Random(1);
        for (int i = 0; i < 50; i++) {
            BigInteger key = Identities.randomKey();
            byte[] digest = new byte[32];
            random.nextBytes(digest);
            Secp256k1.Signature sig = Secp256k1.sign(key, digest);
            assertThat(Secp256k1.recover(digest, sig.rs(), sig.recovery())).isEqualTo(Secp256k1.publicKey(key));
            assertThat(Secp256k1.verify(Secp256k1.publicKey(key), digest, sig.rs()))
                    .isTrue();
            digest[0] ^= 1;
            assertThat(Secp256k1.recover(digest, sig.rs(), sig.recovery())).isNotEqualTo(Secp256k1.publicKey(key));
            assertThat(Secp256k1.verify(Secp256k1.publicKey(key), digest, sig.rs()))
                    .isFalse();
        }
    }

    @Test
    void aValidTokenNamesItsWallet() throws Exception {
        Identities.Identity id = Identities.random();
        AuthTokens.Verified v = AuthTokens.verify(id.token(NOW), NOW);
        assertThat(v.walletAddress()).isEqualTo(id.walletAddress());
        assertThat(v.identityKey()).isEqualTo(id.identityPublicKey());
        assertThat(v.expiresAtNs()).isEqualTo(NOW + TimeUnit.HOURS.toNanos(1));
    }

    @Test
    void forgedTokensAreRefused() {
        Identities.Identity id = Identities.random();
        Identities.Identity other = Identities.random();
        Token good = parse(id.token(NOW));

        assertRefused(null, "missing");
        assertRefused("", "missing");
        assertRefused("%%%", "base64");
        assertRefused(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}), "malformed");
        assertRefused(id.token(NOW - TimeUnit.MINUTES.toNanos(61)), "expired");
        assertRefused(id.token(NOW + TimeUnit.MINUTES.toNanos(30)), "future");
        // auth data naming another wallet
        Token wrongWallet = good.toBuilder()
                .setAuthDataBytes(AuthData.newBuilder()
                        .setWalletAddr(other.walletAddress())
                        .setCreatedNs(NOW)
                        .build()
                        .toByteString())
                .build();
        assertRefused(encode(wrongWallet), "wallet");
        // another identity's auth signature
        Token swappedSignature = good.toBuilder()
                .setAuthDataSignature(parse(other.token(NOW)).getAuthDataSignature())
                .build();
        assertRefused(encode(swappedSignature), "signed by the identity key");
        // another wallet's identity key with this token's auth data
        Token swappedKey = good.toBuilder()
                .setIdentityKey(parse(other.token(NOW)).getIdentityKey())
                .build();
        assertRefused(encode(swappedKey), "");
        // wrong recovery id on the wallet's signature
        Signature.ECDSACompact walletSig = good.getIdentityKey().getSignature().getEcdsaCompact();
        Token wrongRecovery = good.toBuilder()
                .setIdentityKey(good.getIdentityKey().toBuilder()
                        .setSignature(Signature.newBuilder()
                                .setEcdsaCompact(walletSig.toBuilder().setRecovery(walletSig.getRecovery() ^ 1))))
                .build();
        assertRefused(encode(wrongRecovery), "");
        // unsigned auth data
        assertRefused(encode(good.toBuilder().clearAuthDataSignature().build()), "not signed");
        // every single-bit flip anywhere in the token breaks it or leaves the signed content intact
        byte[] raw = good.toByteArray();
        for (int i = 0; i < raw.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = raw.clone();
                flipped[i] ^= (byte) (1 << bit);
                try {
                    AuthTokens.Verified v =
                            AuthTokens.verify(Base64.getEncoder().encodeToString(flipped), NOW);
                    assertThat(v.walletAddress()).isEqualTo(id.walletAddress());
                    assertThat(v.identityKey()).isEqualTo(id.identityPublicKey());
                } catch (AuthTokens.InvalidTokenException refused) {
                    // expected for nearly every flip
                }
            }
        }
    }

    @Test
    void randomBytesNeverPassAsTokensOrBundles() {
        Random random = new Random(99);
        String wallet = Identities.random().walletAddress();
        for (int i = 0; i < 3_000; i++) {
            byte[] junk = new byte[random.nextInt(400)];
            random.nextBytes(junk);
            assertRefused(Base64.getEncoder().encodeToString(junk), "");
            assertThatThrownBy(() -> ContactBundles.verify(ByteString.copyFrom(junk), wallet))
                    .isInstanceOf(ContactBundles.InvalidBundleException.class);
        }
    }

    @Test
    void bundlesSignedByTheirWalletPassBothVersions() throws Exception {
        Identities.Identity id = Identities.random();
        ContactBundles.Verified v1 = ContactBundles.verify(
                id.contactBundleV1().toByteString(), id.walletAddress().toLowerCase());
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.walletAddress()).isEqualTo(id.walletAddress());
        assertThat(v1.identityKey()).isEqualTo(id.identityPublicKey());
        assertThat(v1.preKey()).isEqualTo(id.prePublicKey());
        assertThat(v1.createdNs()).isEqualTo(id.createdMs() * 1_000_000L);
        ContactBundles.Verified v2 = ContactBundles.verify(id.contactBundleV2().toByteString(), id.walletAddress());
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.preKey()).isEqualTo(id.prePublicKey());
        assertThat(v2.createdNs()).isEqualTo(id.createdMs() * 1_000_000L);
    }

    @Test
    void spoofedBundlesAreRefusedWithTheirReason() {
        Identities.Identity victim = Identities.random();
        Identities.Identity attacker = Identities.random();
        assertBundleRefused(attacker.contactBundleV2(), victim.walletAddress(), "not signed by wallet");
        assertBundleRefused(attacker.contactBundleV1(), victim.walletAddress(), "not signed by wallet");
        // victim's identity key, attacker's pre-key
        ContactBundle mixedV2 = victim.contactBundleV2().toBuilder()
                .setV2(victim.contactBundleV2().getV2().toBuilder()
                        .setKeyBundle(victim.contactBundleV2().getV2().getKeyBundle().toBuilder()
                                .setPreKey(attacker.contactBundleV2()
                                        .getV2()
                                        .getKeyBundle()
                                        .getPreKey())))
                .build();
        assertBundleRefused(mixedV2, victim.walletAddress(), "pre-key signature");
        ContactBundle mixedV1 = victim.contactBundleV1().toBuilder()
                .setV1(victim.contactBundleV1().getV1().toBuilder()
                        .setKeyBundle(victim.contactBundleV1().getV1().getKeyBundle().toBuilder()
                                .setPreKey(attacker.contactBundleV1()
                                        .getV1()
                                        .getKeyBundle()
                                        .getPreKey())))
                .build();
        assertBundleRefused(mixedV1, victim.walletAddress(), "pre-key signature");
        ContactBundle unsignedPre = victim.contactBundleV1().toBuilder()
                .setV1(victim.contactBundleV1().getV1().toBuilder()
                        .setKeyBundle(victim.contactBundleV1().getV1().getKeyBundle().toBuilder()
                                .setPreKey(victim.contactBundleV1().getV1().getKeyBundle().getPreKey().toBuilder()
                                        .clearSignature())))
                .build();
        assertBundleRefused(unsignedPre, victim.walletAddress(), "pre-key is not signed");
        for (ContactBundle original : List.of(victim.contactBundleV1(), victim.contactBundleV2())) {
            byte[] raw = original.toByteArray();
            for (int i = 0; i < raw.length; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] flipped = raw.clone();
                    flipped[i] ^= (byte) (1 << bit);
                    try {
                        ContactBundles.Verified v =
                                ContactBundles.verify(ByteString.copyFrom(flipped), victim.walletAddress());
                        assertThat(v.identityKey()).isEqualTo(victim.identityPublicKey());
                        assertThat(v.preKey()).isEqualTo(victim.prePublicKey());
                    } catch (ContactBundles.InvalidBundleException refused) {
                        // expected for nearly every flip
                    }
                }
            }
        }
    }

    static void assertBundleRefused(ContactBundle bundle, String wallet, String reason) {
        assertThatThrownBy(() -> ContactBundles.verify(bundle.toByteString(), wallet))
                .isInstanceOf(ContactBundles.InvalidBundleException.class)
                .hasMessageContaining(reason);
    }

    static void assertRefused(String token, String reason) {
        assertThatThrownBy(() -> AuthTokens.verify(token, NOW))
                .isInstanceOf(AuthTokens.InvalidTokenException.class)
                .hasMessageContaining(reason);
    }

    static Token parse(String b64) {
        try {
            return Token.parseFrom(Base64.getDecoder().decode(b64));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String encode(Token t) {
        return Base64.getEncoder().encodeToString(t.toByteArray());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
