package org.xmtpnode.gateway.nodes;

import java.util.List;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;

/** Spring Cloud LoadBalancer's view of one service: the directory's current instances, read per request. */
public class NodeInstanceSupplier implements ServiceInstanceListSupplier {

    private final String serviceId;
    private final NodeDirectory directory;

    public NodeInstanceSupplier(String serviceId, NodeDirectory directory) {
        this.serviceId = serviceId;
        this.directory = directory;
    }

    @Override
    public String getServiceId() {
        return serviceId;
    }

    @Override
    public Flux<List<ServiceInstance>> get() {
        return Flux.defer(() -> Flux.just(directory.instances(serviceId)));
    }
}
