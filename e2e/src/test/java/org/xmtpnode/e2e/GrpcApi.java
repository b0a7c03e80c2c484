package org.xmtpnode.e2e;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.xmtpnode.core.MessageApiGrpc;
import org.xmtpnode.proto.api.BatchQueryRequest;
import org.xmtpnode.proto.api.BatchQueryResponse;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.api.PublishRequest;
import org.xmtpnode.proto.api.QueryRequest;
import org.xmtpnode.proto.api.QueryResponse;
import org.xmtpnode.proto.api.SubscribeAllRequest;
import org.xmtpnode.proto.api.SubscribeRequest;

/** A gRPC client of the gateway's MessageApi (plaintext HTTP/2), as the mobile-era SDKs call it. */
final class GrpcApi implements AutoCloseable {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    final ManagedChannel channel;

    GrpcApi(int port) {
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
    }

    static Envelope envelope(String topic, long timeNs, byte[] message) {
        return Envelope.newBuilder()
                .setContentTopic(topic)
                .setTimestampNs(timeNs)
                .setMessage(ByteString.copyFrom(message))
                .build();
    }

    void publish(String token, Envelope... envelopes) {
        publish(
                token,
                PublishRequest.newBuilder().addAllEnvelopes(List.of(envelopes)).build());
    }

    void publish(String token, PublishRequest request) {
        Metadata headers = new Metadata();
        if (token != null) {
            headers.put(AUTHORIZATION, "Bearer " + token);
        }
        ClientCalls.blockingUnaryCall(
                ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
                MessageApiGrpc.PUBLISH,
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                request);
    }

    QueryResponse query(QueryRequest request) {
        return ClientCalls.blockingUnaryCall(
                channel, MessageApiGrpc.QUERY, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request);
    }

    BatchQueryResponse batchQuery(BatchQueryRequest request) {
        return ClientCalls.blockingUnaryCall(
                channel,
                MessageApiGrpc.BATCH_QUERY,
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                request);
    }

    /** The status a call failed with (a call that succeeded fails the test). */
    static Status failure(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
        throw new AssertionError("the call succeeded");
    }

    Stream subscribe(String... topics) {
        Stream s = new Stream();
        ClientCall<SubscribeRequest, Envelope> call = channel.newCall(MessageApiGrpc.SUBSCRIBE, CallOptions.DEFAULT);
        s.call = call;
        ClientCalls.asyncServerStreamingCall(
                call,
                SubscribeRequest.newBuilder()
                        .addAllContentTopics(List.of(topics))
                        .build(),
                s);
        return s;
    }

    Stream subscribeAll() {
        Stream s = new Stream();
        ClientCall<SubscribeAllRequest, Envelope> call =
                channel.newCall(MessageApiGrpc.SUBSCRIBE_ALL, CallOptions.DEFAULT);
        s.call = call;
        ClientCalls.asyncServerStreamingCall(call, SubscribeAllRequest.getDefaultInstance(), s);
        return s;
    }

    /** Subscribe2: the returned stream's {@link Stream#send} changes its topics. */
    Stream subscribe2(String... topics) {
        Stream s = new Stream();
        ClientCall<SubscribeRequest, Envelope> call = channel.newCall(MessageApiGrpc.SUBSCRIBE2, CallOptions.DEFAULT);
        s.requests = ClientCalls.asyncBidiStreamingCall(call, s);
        s.send(topics);
        return s;
    }

    /** A stream's envelopes, in arrival order, and how it ended. */
    static final class Stream implements StreamObserver<Envelope>, AutoCloseable {
        final List<Envelope> received = new CopyOnWriteArrayList<>();
        final AtomicReference<Status> ended = new AtomicReference<>();
        StreamObserver<SubscribeRequest> requests;
        ClientCall<?, ?> call;

        void send(String... topics) {
            synchronized (this) {
                requests.onNext(SubscribeRequest.newBuilder()
                        .addAllContentTopics(List.of(topics))
                        .build());
            }
        }

        List<String> messages(String topic) {
            return received.stream()
                    .filter(e -> e.getContentTopic().equals(topic))
                    .map(e -> e.getMessage().toStringUtf8())
                    .toList();
        }

        @Override
        public void onNext(Envelope value) {
            received.add(value);
        }

        @Override
        public void onError(Throwable t) {
            ended.compareAndSet(null, Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            ended.compareAndSet(null, Status.OK);
        }

        /** Subscribe and SubscribeAll: cancelled; Subscribe2: half-closed (the server then ends the call). */
        @Override
        public void close() {
            if (call != null) {
                call.cancel("the test is done", null);
            }
            if (requests != null && ended.get() == null) {
                synchronized (this) {
                    requests.onCompleted();
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
