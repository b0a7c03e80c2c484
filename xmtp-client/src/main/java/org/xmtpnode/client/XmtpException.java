package org.xmtpnode.client;

/**
 * Something the client could not do. Subclasses say what kind of failure it was, so that an app can
 * tell a node that does not answer from a message that failed verification.
 */
public class XmtpException extends RuntimeException {

    public XmtpException(String message) {
        super(message);
    }

    public XmtpException(String message, Throwable cause) {
        super(message, cause);
    }
}
