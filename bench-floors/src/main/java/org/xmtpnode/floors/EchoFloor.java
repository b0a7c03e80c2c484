package org.xmtpnode.floors;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The floor of any HTTP hop: a WebFlux handler that reads the request body and answers {@code {}}, as a publish does. */
// no component scan: each floor is only what its own class declares
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class EchoFloor {

    @Bean
    RouterFunction<ServerResponse> echo() {
        return RouterFunctions.route()
                .POST(
                        "/**",
                        request -> request.bodyToFlux(DataBuffer.class)
                                .doOnNext(DataBufferUtils::release)
                                .then(ServerResponse.ok()
                                        .contentType(MediaType.APPLICATION_JSON)
                                        .bodyValue("{}")))
                .build();
    }

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(EchoFloor.class);
        app.setDefaultProperties(Map.of("spring.cloud.gateway.server.webflux.enabled", "false"));
        app.run(args);
    }
}
