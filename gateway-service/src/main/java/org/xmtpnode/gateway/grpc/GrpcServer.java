package org.xmtpnode.gateway.grpc;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.xmtpnode.gateway.config.GatewayProperties;
import org.xmtpnode.gateway.limits.EntryRules;

/**
 * The gRPC server of the public entry ({@code xmtp.gateway.grpc.*}, port 5556): {@link MessageApiService}
 * over plaintext HTTP/2, or TLS when a certificate and key are configured. A message larger than the
 * largest REST body cap is refused by grpc-java itself (RESOURCE_EXHAUSTED) before it is parsed.
 */
@Component
public class GrpcServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GrpcServer.class);

    private final GatewayProperties properties;
    private final MessageApiService service;
    private final EntryRules rules;
    private final MeterRegistry meters;
    private volatile Server server;

    public GrpcServer(GatewayProperties properties, MessageApiService service, EntryRules rules, MeterRegistry meters) {
        this.properties = properties;
        this.service = service;
        this.rules = rules;
        this.meters = meters;
    }

    @Override
    public void start() {
        GatewayProperties.Grpc grpc = properties.grpc();
        if (!grpc.enabled()) {
            return;
        }
        GatewayProperties.MaxBodyBytes caps = properties.maxBodyBytes();
        long largest = Math.max(caps.publish(), Math.max(caps.subscribe(), caps.other()));
        InetSocketAddress address = grpc.address().isBlank()
                ? new InetSocketAddress(grpc.port())
                : new InetSocketAddress(grpc.address(), grpc.port());
        try {
            server = NettyServerBuilder.forAddress(address, credentials(grpc))
                    .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, largest))
                    // the SDKs' clients ping every 30 s; the default minimum (5 min) would send them away
                    .permitKeepAliveTime(10, TimeUnit.SECONDS)
                    .permitKeepAliveWithoutCalls(true)
                    .addService(ServerInterceptors.intercept(
                            service.definition(), new CallerInterceptor(rules), new CallMetrics(meters)))
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve gRPC on " + address, e);
        }
        log.info(
                "gRPC MessageApi on {} ({})",
                server.getListenSockets(),
                grpc.certificateChain() == null ? "plaintext HTTP/2" : "TLS");
    }

    private static ServerCredentials credentials(GatewayProperties.Grpc grpc) throws IOException {
        if (grpc.certificateChain() == null && grpc.privateKey() == null) {
            return InsecureServerCredentials.create();
        }
        if (grpc.certificateChain() == null || grpc.privateKey() == null) {
            throw new IllegalStateException(
                    "set both xmtp.gateway.grpc.certificate-chain and xmtp.gateway.grpc.private-key, or neither");
        }
        return TlsServerCredentials.create(
                grpc.certificateChain().toFile(), grpc.privateKey().toFile());
    }

    /** The port it listens on (the configured one, or the one chosen for 0); -1 when it does not run. */
    public int port() {
        Server s = server;
        return s == null ? -1 : s.getPort();
    }

    /** Streams end (clients resubscribe elsewhere); calls in flight get a few seconds to finish. */
    @Override
    public void stop() {
        Server s = server;
        if (s == null) {
            return;
        }
        s.shutdown();
        try {
            if (!s.awaitTermination(5, TimeUnit.SECONDS)) {
                s.shutdownNow();
            }
        } catch (InterruptedException e) {
            s.shutdownNow();
            Thread.currentThread().interrupt();
        }
        server = null;
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }
}
