package org.xmtpnode.client.api;

import org.xmtpnode.client.XmtpException;

/**
 * The node refused a call or could not be reached. {@link #code()} is the gRPC status code the node
 * answered with (14 Unavailable when it did not answer), {@link #httpStatus()} the HTTP status (0 when
 * there was no answer).
 */
public class XmtpApiException extends XmtpException {

    public static final int UNAUTHENTICATED = 16;
    public static final int UNAVAILABLE = 14;
    public static final int RESOURCE_EXHAUSTED = 8;

    private final int code;
    private final int httpStatus;

    public XmtpApiException(int code, int httpStatus, String message) {
        super(message);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public XmtpApiException(String message, Throwable cause) {
        super(message, cause);
        this.code = UNAVAILABLE;
        this.httpStatus = 0;
    }

    public int code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Did the node not answer at all (connection refused, reset, timed out)? */
    public boolean unreachable() {
        return httpStatus == 0;
    }
}
