package org.xmtpnode.relay.publish;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.xmtpnode.core.WireJson;
import org.xmtpnode.proto.api.PublishRequest;
import org.xmtpnode.relay.config.RelayProperties;
import org.xmtpnode.runtime.web.RequestBodies;
import reactor.core.publisher.Mono;

@RestController
public class PublishController {

    private static final byte[] EMPTY_OBJECT = {'{', '}'};

    private final PublishService publisher;
    private final int maxBodyBytes;

    public PublishController(PublishService publisher, RelayProperties properties) {
        this.publisher = publisher;
        this.maxBodyBytes = properties.maxRequestBytes();
    }

    /** Bodies of any content type are read as JSON: the SDKs send text/plain. */
    @PostMapping(path = "/message/v1/publish")
    public Mono<ResponseEntity<byte[]>> publish(ServerHttpRequest http) {
        return RequestBodies.read(http, maxBodyBytes)
                .map(body -> WireJson.parse(body, PublishRequest.newBuilder()).build())
                .flatMap(request -> publisher.publish(request, http.getHeaders().getFirst("Authorization")))
                .thenReturn(ResponseEntity.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(EMPTY_OBJECT));
    }
}
