package org.xmtpnode.floors;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The floor of the relay's publish: a WebFlux handler that sends the request body as one record with
 * {@code acks=all} and answers {@code {}} once the broker acknowledged it.
 */
// no component scan: each floor is only what its own class declares
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class KafkaFloor {

    @Bean(destroyMethod = "close")
    KafkaProducer<byte[], byte[]> producer(
            @Value("${floor.kafka}") String bootstrap, @Value("${floor.linger-ms:1}") int lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(p);
    }

    @Bean
    RouterFunction<ServerResponse> publish(
            KafkaProducer<byte[], byte[]> producer, @Value("${floor.topic}") String topic) {
        return RouterFunctions.route()
                .POST(
                        "/**",
                        request -> request.bodyToMono(byte[].class)
                                .flatMap(body -> Mono.<Void>create(sink ->
                                        producer.send(new ProducerRecord<>(topic, body), (metadata, error) -> {
                                            if (error == null) {
                                                sink.success();
                                            } else {
                                                sink.error(error);
                                            }
                                        })))
                                .then(ServerResponse.ok()
                                        .contentType(MediaType.APPLICATION_JSON)
                                        .bodyValue("{}")))
                .build();
    }

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(KafkaFloor.class);
        app.setDefaultProperties(Map.of("spring.cloud.gateway.server.webflux.enabled", "false"));
        app.run(args);
    }
}
