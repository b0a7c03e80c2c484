package org.xmtpnode.bench;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.xmtpnode.core.MessageApiGrpc;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.api.PublishRequest;

/**
 * W1 over gRPC: the same closed-loop clients, envelopes and wallets' tokens as {@link W1Publish}, each client
 * calling {@code MessageApi/Publish} on the gateway's gRPC port with its token in the {@code authorization}
 * metadata, as the mobile-era SDKs do. The clients share a few HTTP/2 connections, as an SDK's calls share its
 * channel.
 */
final class W1GrpcPublish extends Workload {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final String host;
    private final int port;

    W1GrpcPublish(Settings settings, Api api, LoadDriver driver, String host, int port) {
        super(settings, api, driver);
        this.host = host;
        this.port = port;
    }

    Result publish(Duration duration, int clients) throws Exception {
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < Math.max(1, clients / 8); i++) {
            channels.add(
                    NettyChannelBuilder.forAddress(host, port).usePlaintext().build());
        }
        Channel[] perClient = new Channel[clients];
        for (int c = 0; c < clients; c++) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + api.token(c));
            perClient[c] = ClientInterceptors.intercept(
                    channels.get(c % channels.size()), MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        AtomicLong failures = new AtomicLong();
        long[] sequence = new long[clients];
        try {
            return driver.closedLoop(
                    clients,
                    duration,
                    "envelopes",
                    client -> {
                        PublishRequest request = PublishRequest.newBuilder()
                                .addEnvelopes(Envelope.newBuilder()
                                        .setContentTopic(api.topic("w1-grpc-" + client))
                                        .setTimestampNs(driver.nowEpochNs())
                                        .setMessage(ByteString.copyFrom(
                                                Api.message(settings.messageBytes(), ++sequence[client]))))
                                .build();
                        try {
                            ClientCalls.blockingUnaryCall(
                                    perClient[client],
                                    MessageApiGrpc.PUBLISH,
                                    CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                                    request);
                            return true;
                        } catch (StatusRuntimeException e) {
                            failures.incrementAndGet();
                            return false;
                        }
                    },
                    1);
        } finally {
            if (failures.get() > 0) {
                System.out.println("bench: " + failures.get() + " gRPC publishes failed");
            }
            for (ManagedChannel c : channels) {
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
