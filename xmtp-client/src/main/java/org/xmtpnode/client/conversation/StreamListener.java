package org.xmtpnode.client.conversation;

import org.xmtpnode.client.XmtpException;

/**
 * Receives a stream's items on the stream's thread. {@link #onError} hears of envelopes that were
 * dropped because they failed verification ({@link org.xmtpnode.client.crypto.InvalidMessageException})
 * and of broken connections (which are re-established).
 */
@FunctionalInterface
public interface StreamListener<T> {

    void onItem(T item);

    default void onError(XmtpException error) {}
}
