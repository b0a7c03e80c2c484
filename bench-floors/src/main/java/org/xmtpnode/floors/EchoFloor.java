package org.xmtpnode.floors;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The floor of any HTTP hop: a WebFlux handler that reads the request body and answers {@code {}}, as a publish
 * does; on {@code /page/N} it answers N bytes of JSON instead (made once per size): the size of a query's page, so
 * that a proxy's floor can carry the same answer as our query.
 */
// no component scan: each floor is only what its own class declares
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class EchoFloor {

    private static final byte[] EMPTY = "{}".getBytes(StandardCharsets.US_ASCII);

    private final Map<Integer, byte[]> answers = new ConcurrentHashMap<>();

    @Bean
    RouterFunction<ServerResponse> echo() {
        return RouterFunctions.route()
                .POST(
                        "/page/{bytes}",
                        request -> answer(request, page(Integer.parseInt(request.pathVariable("bytes")))))
                .POST("/**", request -> answer(request, EMPTY))
                .build();
    }

    private static Mono<ServerResponse> answer(ServerRequest request, byte[] answer) {
        return request.bodyToFlux(DataBuffer.class)
                .doOnNext(DataBufferUtils::release)
                .then(ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(answer));
    }

    private byte[] page(int size) {
        return answers.computeIfAbsent(Math.max(8, size), n -> {
            byte[] json = new byte[n]; // {"x":"aaa…"}
            Arrays.fill(json, (byte) 'a');
            byte[] open = "{\"x\":\"".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(open, 0, json, 0, open.length);
            json[n - 2] = '"';
            json[n - 1] = '}';
            return json;
        });
    }

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(EchoFloor.class);
        app.setDefaultProperties(Map.of("spring.cloud.gateway.server.webflux.enabled", "false"));
        app.run(args);
    }
}
