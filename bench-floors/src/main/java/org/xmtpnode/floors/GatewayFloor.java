package org.xmtpnode.floors;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** The floor of the gateway hop: Spring Cloud Gateway with one plain route (every path) to {@code floor.to}. */
// no component scan: each floor is only what its own class declares
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class GatewayFloor {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(GatewayFloor.class);
        app.setDefaultProperties(Map.of(
                "spring.cloud.gateway.server.webflux.routes[0].id", "floor",
                "spring.cloud.gateway.server.webflux.routes[0].uri", "${floor.to}",
                "spring.cloud.gateway.server.webflux.routes[0].predicates[0]", "Path=/**"));
        app.run(args);
    }
}
