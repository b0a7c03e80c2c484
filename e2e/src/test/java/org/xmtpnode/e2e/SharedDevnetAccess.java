package org.xmtpnode.e2e;

import org.xmtpnode.devnet.Devnet;

/** The test JVM's shared local network, for the checks in other packages (the docs'). */
public final class SharedDevnetAccess {

    private SharedDevnetAccess() {}

    public static Devnet get() {
        return SharedDevnet.get();
    }
}
