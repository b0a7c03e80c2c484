package org.xmtpnode.client.identity;

/**
 * A blockchain wallet that the client asks for EIP-191 {@code personal_sign} signatures: to vouch for
 * a new identity key ("XMTP : Create Identity") and to unlock the stored private keys ("XMTP : Enable
 * Identity"). An app plugs in a hardware or remote wallet by implementing it; {@link LocalWallet} holds
 * a key in memory.
 */
public interface WalletSigner {

    /** The wallet's address, 0x followed by 40 hex digits (any case). */
    String address();

    /**
     * Signs {@code keccak256("\x19Ethereum Signed Message:\n" + length + message)} as {@code
     * personal_sign} does.
     *
     * @return 65 bytes r‖s‖v, v being 27 or 28 (or 0 or 1)
     */
    byte[] signPersonalMessage(String message);
}
