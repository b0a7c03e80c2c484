package org.xmtpnode.client.consent;

/** A wallet's consent to hear from another: the states xmtp-js names allowed, denied and unknown. */
public enum ConsentState {
    ALLOWED,
    DENIED,
    UNKNOWN
}
