package org.xmtpnode.client;

/** The peer has published no valid contact bundle: it has no XMTP identity to message. */
public class PeerNotOnNetworkException extends XmtpException {

    private final String address;

    public PeerNotOnNetworkException(String address) {
        super(address + " is not on the XMTP network (no contact bundle signed by it)");
        this.address = address;
    }

    public String address() {
        return address;
    }
}
