package org.xmtpnode.devnet;

import java.net.URI;
import java.util.List;
import org.xmtpnode.devnet.Devnet.Service;

/**
 * One service instance as the {@link NodeLayout} plans it: which node it belongs to (-1: the gateway,
 * shared by all), its name (its log file is {@code logs/<name>.log}), its port, the URL that answers
 * 200 once it is ready, and its {@code --key=value} arguments.
 */
record ServiceInstance(Service service, int node, String name, int port, URI readiness, List<String> args) {

    ServiceInstance {
        args = List.copyOf(args);
    }
}
