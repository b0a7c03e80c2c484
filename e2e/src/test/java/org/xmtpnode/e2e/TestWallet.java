package org.xmtpnode.e2e;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.xmtpnode.client.api.AuthTokenIssuer;
import org.xmtpnode.client.identity.IdentityKeys;
import org.xmtpnode.client.identity.LocalWallet;
import org.xmtpnode.proto.contents.ContactBundle;
import org.xmtpnode.proto.contents.ContactBundleV1;
import org.xmtpnode.proto.contents.ContactBundleV2;

/**
 * A random wallet with an XMTP identity, made by the Java client (xmtp-client) as an SDK makes one,
 * for tests that talk to the node's API directly: its auth tokens and contact bundles.
 */
final class TestWallet {

    private final LocalWallet wallet;
    private final IdentityKeys keys;

    private TestWallet(LocalWallet wallet, IdentityKeys keys) {
        this.wallet = wallet;
        this.keys = keys;
    }

    static TestWallet random() {
        LocalWallet wallet = LocalWallet.generate();
        return new TestWallet(wallet, IdentityKeys.generate(wallet, Clock.systemUTC()));
    }

    /** The same wallet with a new identity key and pre-key (what a key rotation publishes). */
    TestWallet withNewIdentity() {
        return new TestWallet(wallet, IdentityKeys.generate(wallet, Clock.systemUTC()));
    }

    String walletAddress() {
        return wallet.address();
    }

    byte[] identityPublicKey() {
        return keys.identityKey().publicKey();
    }

    /** An auth token dated {@code createdNs} (to the millisecond), base64 as in {@code Authorization: Bearer}. */
    String token(long createdNs) {
        Clock at = Clock.fixed(Instant.ofEpochSecond(0, createdNs), ZoneOffset.UTC);
        return new AuthTokenIssuer(keys, at).token();
    }

    ContactBundle contactBundleV1() {
        return ContactBundle.newBuilder()
                .setV1(ContactBundleV1.newBuilder().setKeyBundle(keys.publicBundleV1()))
                .build();
    }

    ContactBundle contactBundleV2() {
        return ContactBundle.newBuilder()
                .setV2(ContactBundleV2.newBuilder().setKeyBundle(keys.publicBundleV2()))
                .build();
    }
}
