package org.xmtpnode.core.crypto;

import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import org.xmtpnode.proto.contents.AuthData;
import org.xmtpnode.proto.contents.PublicKey;
import org.xmtpnode.proto.contents.Signature;
import org.xmtpnode.proto.contents.Token;

/**
 * Verifies the publish auth token ({@code Authorization: Bearer <base64 Token>}): the identity key is
 * signed by a wallet (EIP-191 over the "Create Identity" text), the auth data is signed by that
 * identity key (over its Keccak-256), names the same wallet, and is recent.
 */
public final class AuthTokens {

    /** How old a token may be (the SDKs renew theirs after 3,590 s). */
    public static final Duration MAX_AGE = Duration.ofHours(1);
    /** How far in the future a token's time may lie (client clock skew). */
    public static final Duration MAX_SKEW = Duration.ofMinutes(5);

    /** A token that passed every check. */
    public record Verified(String walletAddress, byte[] identityKey, long createdNs) {

        /** When the token stops being accepted, in ns since the epoch. */
        public long expiresAtNs() {
            return createdNs + MAX_AGE.toNanos();
        }
    }

    /** Why a token was refused; the message is safe to show the client. */
    public static final class InvalidTokenException extends Exception {
        public InvalidTokenException(String message) {
            super(message, null, false, false);
        }
    }

    private AuthTokens() {}

    public static Verified verify(String base64Token, long nowNs) throws InvalidTokenException {
        if (base64Token == null || base64Token.isBlank()) {
            throw new InvalidTokenException("missing auth token");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64Token.trim());
        } catch (IllegalArgumentException e) {
            try {
                raw = Base64.getUrlDecoder().decode(base64Token.trim());
            } catch (IllegalArgumentException e2) {
                throw new InvalidTokenException("auth token is not base64");
            }
        }
        Token token;
        AuthData authData;
        try {
            token = Token.parseFrom(raw);
            authData = AuthData.parseFrom(token.getAuthDataBytes());
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidTokenException("auth token is malformed");
        }
        PublicKey identity = token.getIdentityKey();
        byte[] identityKey = identity.getSecp256K1Uncompressed().getBytes().toByteArray();
        if (identityKey.length != 65 || identityKey[0] != 0x04) {
            throw new InvalidTokenException("auth token has no secp256k1 identity key");
        }
        String wallet = walletOfLegacyKey(identity);
        if (wallet == null) {
            throw new InvalidTokenException("identity key is not signed by a wallet");
        }
        if (!wallet.equalsIgnoreCase(authData.getWalletAddr())) {
            throw new InvalidTokenException("auth token's wallet did not sign its identity key");
        }
        Signature authSignature = token.getAuthDataSignature();
        if (!authSignature.hasEcdsaCompact()) {
            throw new InvalidTokenException("auth data is not signed");
        }
        byte[] signer = Secp256k1.recover(
                Ethereum.keccak256(token.getAuthDataBytes().toByteArray()),
                authSignature.getEcdsaCompact().getBytes().toByteArray(),
                authSignature.getEcdsaCompact().getRecovery());
        if (!Arrays.equals(signer, identityKey)) {
            throw new InvalidTokenException("auth data is not signed by the identity key");
        }
        long created = authData.getCreatedNs();
        if (created < 0 || nowNs - created > MAX_AGE.toNanos()) {
            throw new InvalidTokenException("auth token has expired");
        }
        if (created - nowNs > MAX_SKEW.toNanos()) {
            throw new InvalidTokenException("auth token is dated in the future");
        }
        return new Verified(wallet, identityKey, created);
    }

    /**
     * The EIP-55 wallet whose signature over a legacy (V1) public key recovers, or null. Both signature
     * kinds are accepted: some clients sent wallet signatures of V1 keys as {@code walletEcdsaCompact}.
     */
    static String walletOfLegacyKey(PublicKey key) {
        byte[] unsigned = key.toBuilder().clearSignature().build().toByteArray();
        return walletOf(unsigned, key.getSignature());
    }

    /** The wallet whose signature of the "Create Identity" text over keyBytes recovers, or null. */
    static String walletOf(byte[] keyBytes, Signature signature) {
        byte[] rs;
        int recovery;
        if (signature.hasWalletEcdsaCompact()) {
            rs = signature.getWalletEcdsaCompact().getBytes().toByteArray();
            recovery = signature.getWalletEcdsaCompact().getRecovery();
        } else if (signature.hasEcdsaCompact()) {
            rs = signature.getEcdsaCompact().getBytes().toByteArray();
            recovery = signature.getEcdsaCompact().getRecovery();
        } else {
            return null;
        }
        byte[] signer =
                Secp256k1.recover(Ethereum.personalMessageHash(Ethereum.createIdentityText(keyBytes)), rs, recovery);
        return signer == null ? null : Ethereum.address(signer);
    }
}
