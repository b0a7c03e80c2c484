package org.xmtpnode.client.identity;

import java.util.Arrays;
import org.xmtpnode.client.XmtpException;
import org.xmtpnode.core.crypto.Ethereum;
import org.xmtpnode.core.crypto.Secp256k1;

/** A wallet's 65-byte personal_sign signature, checked to be the wallet's own over the message. */
record WalletSignature(byte[] bytes, Secp256k1.Signature compact) {

    /**
     * Asks the wallet to sign and checks the answer recovers to the wallet's address, so a wallet that
     * answers with a stale or wrong signature (some hardware wallets have) cannot corrupt an identity.
     *
     * @throws XmtpException when the wallet's answer is not its signature of this message
     */
    static WalletSignature request(WalletSigner wallet, String message) {
        byte[] sig = wallet.signPersonalMessage(message);
        if (sig == null || sig.length != 65) {
            throw new XmtpException("the wallet's signature is not 65 bytes");
        }
        int v = sig[64] & 0xff;
        int recovery = v >= 27 ? v - 27 : v;
        Secp256k1.Signature compact = new Secp256k1.Signature(Arrays.copyOf(sig, 64), recovery);
        byte[] signer = Secp256k1.recover(Ethereum.personalMessageHash(message), compact.rs(), recovery);
        if (signer == null || !Ethereum.address(signer).equalsIgnoreCase(wallet.address())) {
            throw new XmtpException("the wallet's signature does not recover to " + wallet.address());
        }
        return new WalletSignature(sig.clone(), compact);
    }
}
