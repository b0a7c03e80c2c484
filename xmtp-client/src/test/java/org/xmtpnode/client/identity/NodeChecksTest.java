package org.xmtpnode.client.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xmtpnode.client.api.AuthTokenIssuer;
import org.xmtpnode.core.crypto.AuthTokens;
import org.xmtpnode.core.crypto.ContactBundles;
import org.xmtpnode.proto.contents.AuthData;
import org.xmtpnode.proto.contents.ContactBundle;
import org.xmtpnode.proto.contents.Signature;
import org.xmtpnode.proto.contents.Token;

/**
 * The node's checks (xmtp-core's {@code AuthTokens} and {@code ContactBundles}) against what this client
 * makes: its tokens and contact bundles pass, and every forgery of them is refused with its reason.
 */
class NodeChecksTest {

    static final long NOW = System.currentTimeMillis() * 1_000_000L;

    /** A wallet with an identity, as {@code XmtpClient} makes one. */
    record Id(LocalWallet wallet, IdentityKeys keys) {
        static Id random() {
            LocalWallet wallet = LocalWallet.generate();
            return new Id(wallet, IdentityKeys.generate(wallet, Clock.systemUTC()));
        }

        String walletAddress() {
            return wallet.address();
        }

        byte[] identityPublicKey() {
            return keys.identityKey().publicKey();
        }

        byte[] prePublicKey() {
            return keys.preKey().publicKey();
        }

        /** The identity key's creation time (its V1 timestamp is in milliseconds). */
        long createdNs() {
            return keys.identityPublicKey().getTimestamp() * 1_000_000L;
        }

        String token(long createdNs) {
            return new AuthTokenIssuer(keys, Clock.fixed(Instant.ofEpochSecond(0, createdNs), ZoneOffset.UTC)).token();
        }

        ContactBundle contactBundleV1() {
            return keys.contactBundleV1();
        }

        ContactBundle contactBundleV2() {
            return keys.contactBundleV2();
        }
    }

    @Test
    void aValidTokenNamesItsWallet() throws Exception {
        Id id = Id.random();
        AuthTokens.Verified v = AuthTokens.verify(id.token(NOW), NOW);
        assertThat(v.walletAddress()).isEqualTo(id.walletAddress());
        assertThat(v.identityKey()).isEqualTo(id.identityPublicKey());
        assertThat(v.expiresAtNs()).isEqualTo(NOW + TimeUnit.HOURS.toNanos(1));
    }

    @Test
    void forgedTokensAreRefused() {
        Id id = Id.random();
        Id other = Id.random();
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
    void bundlesSignedByTheirWalletPassBothVersions() throws Exception {
        Id id = Id.random();
        ContactBundles.Verified v1 = ContactBundles.verify(
                id.contactBundleV1().toByteString(), id.walletAddress().toLowerCase(Locale.ROOT));
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.walletAddress()).isEqualTo(id.walletAddress());
        assertThat(v1.identityKey()).isEqualTo(id.identityPublicKey());
        assertThat(v1.preKey()).isEqualTo(id.prePublicKey());
        assertThat(v1.createdNs()).isEqualTo(id.createdNs());
        ContactBundles.Verified v2 = ContactBundles.verify(id.contactBundleV2().toByteString(), id.walletAddress());
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.preKey()).isEqualTo(id.prePublicKey());
        assertThat(v2.createdNs()).isEqualTo(id.createdNs());
    }

    @Test
    void spoofedBundlesAreRefusedWithTheirReason() {
        Id victim = Id.random();
        Id attacker = Id.random();
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

    static String encode(Token token) {
        return Base64.getEncoder().encodeToString(token.toByteArray());
    }
}
