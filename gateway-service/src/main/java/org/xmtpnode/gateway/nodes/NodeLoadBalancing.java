package org.xmtpnode.gateway.nodes;

import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Routes with {@code lb://relay}, {@code lb://topic} and {@code lb://keystore} are balanced round robin
 * over the directory's instances (Spring Cloud LoadBalancer, one child context per service).
 */
@Configuration(proxyBeanMethods = false)
@LoadBalancerClients(defaultConfiguration = NodeLoadBalancing.PerService.class)
public class NodeLoadBalancing {

    /** Made once per service id in the load balancer's child context (not component-scanned). */
    public static class PerService {

        @Bean
        ServiceInstanceListSupplier nodeInstances(Environment env, NodeDirectory directory) {
            return new NodeInstanceSupplier(env.getProperty(LoadBalancerClientFactory.PROPERTY_NAME), directory);
        }
    }
}
