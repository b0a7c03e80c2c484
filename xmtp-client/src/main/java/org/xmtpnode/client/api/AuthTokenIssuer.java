package org.xmtpnode.client.api;

import com.google.protobuf.ByteString;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.xmtpnode.client.identity.IdentityKeys;
import org.xmtpnode.core.crypto.Ethereum;
import org.xmtpnode.core.crypto.Secp256k1;
import org.xmtpnode.proto.contents.AuthData;
import org.xmtpnode.proto.contents.Signature;
import org.xmtpnode.proto.contents.Token;

/**
 * Makes the publish auth token as the SDKs do: {@code AuthData{wallet, created_ns}} signed by the
 * identity key over its Keccak-256, with the wallet-signed identity key attached. A token is reused
 * until 10 s before the node's one-hour limit; the API client asks for a fresh one when the node
 * answers code 16.
 */
public final class AuthTokenIssuer {

    /** How long a token is reused (the nodes accept one for an hour). */
    public static final Duration REUSE = Duration.ofSeconds(3590);

    private final IdentityKeys keys;
    private final Clock clock;
    private String token;
    private long issuedMs;

    public AuthTokenIssuer(IdentityKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** The current token, base64 as it goes in {@code Authorization: Bearer}. */
    public synchronized String token() {
        if (token == null || clock.millis() - issuedMs > REUSE.toMillis()) {
            refresh();
        }
        return token;
    }

    /** Makes a new token now (after the node refused the current one). */
    public synchronized String refresh() {
        long nowMs = clock.millis();
        byte[] authData = AuthData.newBuilder()
                .setWalletAddr(keys.walletAddress())
                .setCreatedNs(nowMs * 1_000_000L)
                .build()
                .toByteArray();
        Secp256k1.Signature sig = keys.identityKey().sign(Ethereum.keccak256(authData));
        Token t = Token.newBuilder()
                .setIdentityKey(keys.identityPublicKey())
                .setAuthDataBytes(ByteString.copyFrom(authData))
                .setAuthDataSignature(Signature.newBuilder()
                        .setEcdsaCompact(Signature.ECDSACompact.newBuilder()
                                .setBytes(ByteString.copyFrom(sig.rs()))
                                .setRecovery(sig.recovery())))
                .build();
        token = Base64.getEncoder().encodeToString(t.toByteArray());
        issuedMs = nowMs;
        return token;
    }
}
