package org.xmtpnode.devnet;

import java.net.URI;
import java.util.List;
import org.xmtpnode.devnet.Devnet.Service;

/**
 * One service instance as the {@link NodeLayout} plans it: which node it belongs to (-1: the gateway,
 * shared by all), its name (its log file is {@code logs/<name>.log}), its port, the URL that answers
 * 200 once it is ready, its {@code --key=value} arguments, and whether the fault-injection jar is on its
 * class path (tests only).
 */
record ServiceInstance(
        Service service, int node, String name, int port, URI readiness, List<String> args, boolean withFaults) {

    ServiceInstance {
        args = List.copyOf(args);
    }
}
