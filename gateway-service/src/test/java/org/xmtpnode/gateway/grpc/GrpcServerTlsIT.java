package org.xmtpnode.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpnode.core.MessageApiGrpc;
import org.xmtpnode.gateway.config.GatewayProperties;
import org.xmtpnode.gateway.limits.EntryRules;
import org.xmtpnode.gateway.limits.RateLimiter;
import org.xmtpnode.proto.api.PublishRequest;
import org.xmtpnode.proto.api.QueryRequest;

/**
 * The gRPC server with a certificate and key: TLS only (a plaintext client is refused), and a call over TLS
 * meets the same rules as REST (here the publish body cap and the auth token, which answer before any node
 * is asked). The certificate is made by the openssl command line for the test.
 */
class GrpcServerTlsIT {

    @TempDir
    Path dir;

    GrpcServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    static GatewayProperties properties(Path cert, Path key) {
        return new GatewayProperties(
                List.of(),
                Duration.ofSeconds(2),
                URI.create("http://r"),
                URI.create("http://s"),
                URI.create("http://k"),
                Duration.ofSeconds(10),
                new GatewayProperties.MaxBodyBytes(8192, 2048, 2048),
                new GatewayProperties.RateLimits(
                        false,
                        new GatewayProperties.ReadBucket(1, 1),
                        new GatewayProperties.PublishBucket(1, 1),
                        Duration.ofMillis(200)),
                List.of("127.0.0.0/8"),
                true,
                10,
                new GatewayProperties.Grpc(true, 0, "127.0.0.1", cert, key, 32));
    }

    @Test
    void servesTlsOnlyWithTheRestRules() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "ec",
                        "-pkeyopt",
                        "ec_paramgen_curve:prime256v1",
                        "-nodes",
                        "-days",
                        "1",
                        "-subj",
                        "/CN=localhost",
                        "-addext",
                        "subjectAltName=DNS:localhost",
                        "-keyout",
                        key.toString(),
                        "-out",
                        cert.toString())
                .redirectErrorStream(true)
                .redirectOutput(new File("/dev/null"))
                .start();
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.size(cert)).isPositive();

        GatewayProperties properties = properties(cert, key);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // no Redis and no node is reached: the limits are off and both calls are refused before a node is asked
        EntryRules rules =
                new EntryRules(new RateLimiter(null, properties, meters), properties, meters, Clock.systemUTC());
        server = new GrpcServer(properties, new MessageApiService(rules, null, properties), rules, meters);
        server.start();

        ManagedChannel tls = NettyChannelBuilder.forAddress("localhost", server.port())
                .sslContext(
                        GrpcSslContexts.forClient().trustManager(cert.toFile()).build())
                .build();
        ManagedChannel plaintext = NettyChannelBuilder.forAddress("localhost", server.port())
                .usePlaintext()
                .build();
        try {
            assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(
                            tls, MessageApiGrpc.PUBLISH, CallOptions.DEFAULT, PublishRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
            // over the query's cap (2048), under the transport's (the largest cap, 8192)
            QueryRequest tooLarge =
                    QueryRequest.newBuilder().addContentTopics("x".repeat(3000)).build();
            assertThatThrownBy(() ->
                            ClientCalls.blockingUnaryCall(tls, MessageApiGrpc.QUERY, CallOptions.DEFAULT, tooLarge))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getStatus().getDescription()).contains("2048 bytes");
                    });
            assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(
                            plaintext,
                            MessageApiGrpc.QUERY,
                            CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS),
                            QueryRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode())
                                    .isIn(
                                            Status.Code.UNAVAILABLE,
                                            Status.Code.INTERNAL,
                                            Status.Code.DEADLINE_EXCEEDED));
            assertThat(meters.get("grpc.server.calls")
                            .tag("method", "Publish")
                            .tag("status", "UNAUTHENTICATED")
                            .timer()
                            .count())
                    .isEqualTo(1);
        } finally {
            tls.shutdownNow();
            plaintext.shutdownNow();
        }
    }
}
