package org.xmtpnode.testsupport;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.xmtpnode.client.api.AuthTokenIssuer;
import org.xmtpnode.client.identity.IdentityKeys;
import org.xmtpnode.client.identity.LocalWallet;
import org.xmtpnode.proto.contents.ContactBundle;

/**
 * A random wallet with an XMTP identity, made by the Java client (xmtp-client) as an SDK makes one,
 * for tests that talk to the node's API or its services directly: its auth tokens and contact bundles.
 */
public final class TestWallet {

    private final LocalWallet wallet;
    private final IdentityKeys keys;

    private TestWallet(LocalWallet wallet, IdentityKeys keys) {
        this.wallet = wallet;
        this.keys = keys;
    }

    public static TestWallet random() {
        LocalWallet wallet = LocalWallet.generate();
        return new TestWallet(wallet, IdentityKeys.generate(wallet, Clock.systemUTC()));
    }

    /** The same wallet with a new identity key and pre-key (what a key rotation publishes). */
    public TestWallet withNewIdentity() {
        return new TestWallet(wallet, IdentityKeys.generate(wallet, Clock.systemUTC()));
    }

    public String walletAddress() {
        return wallet.address();
    }

    public byte[] identityPublicKey() {
        return keys.identityKey().publicKey();
    }

    public byte[] prePublicKey() {
        return keys.preKey().publicKey();
    }

    /** When the identity key was made (its V1 timestamp is in milliseconds). */
    public long createdNs() {
        return keys.identityPublicKey().getTimestamp() * 1_000_000L;
    }

    /** An auth token dated {@code createdNs} (to the millisecond), base64 as in {@code Authorization: Bearer}. */
    public String token(long createdNs) {
        Clock at = Clock.fixed(Instant.ofEpochSecond(0, createdNs), ZoneOffset.UTC);
        return new AuthTokenIssuer(keys, at).token();
    }

    public ContactBundle contactBundleV1() {
        return keys.contactBundleV1();
    }

    public ContactBundle contactBundleV2() {
        return keys.contactBundleV2();
    }
}
