package org.xmtpnode.topic.store;

/** The database did not answer or refused; clients get 503 / code 14 and may retry. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
