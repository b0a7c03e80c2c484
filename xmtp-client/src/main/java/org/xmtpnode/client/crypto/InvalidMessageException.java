package org.xmtpnode.client.crypto;

import org.xmtpnode.client.XmtpException;

/**
 * Received data that failed verification: a bundle not signed by the wallet it claims, a ciphertext
 * that does not authenticate, a signature that does not verify, or a message that is malformed. Such
 * data is never shown as coming from its claimed sender; the client drops it and reports this.
 */
public class InvalidMessageException extends XmtpException {

    public InvalidMessageException(String message) {
        super(message);
    }

    public InvalidMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
