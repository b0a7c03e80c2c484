package org.xmtpnode.gateway.grpc;

import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Subscription;
import org.springframework.stereotype.Component;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.MessageApiGrpc;
import org.xmtpnode.core.WireJson;
import org.xmtpnode.gateway.config.GatewayProperties;
import org.xmtpnode.gateway.limits.EntryRules;
import org.xmtpnode.gateway.nodes.NodeDirectory;
import org.xmtpnode.proto.api.BatchQueryRequest;
import org.xmtpnode.proto.api.BatchQueryResponse;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.api.PublishRequest;
import org.xmtpnode.proto.api.PublishResponse;
import org.xmtpnode.proto.api.QueryRequest;
import org.xmtpnode.proto.api.QueryResponse;
import org.xmtpnode.proto.api.SubscribeAllRequest;
import org.xmtpnode.proto.api.SubscribeRequest;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@code xmtp.message_api.v1.MessageApi} over gRPC: each call passes the REST route's checks in the same
 * order (the body cap of its path, then {@link EntryRules}: the auth token of a publish, the deny list and
 * the rate limits), then goes to the nodes' message API as the REST call would ({@link NodeCalls}), so the
 * nodes' own checks (envelopes, topics, ownership, contact bundles) and answers are the same for both
 * surfaces. Streams stay on the relay they opened on and forward only what the client is ready to take.
 */
@Component
public class MessageApiService {

    /** Who is calling: set for each call by {@link CallerInterceptor}. */
    record Caller(String ip, String authorization) {}

    static final Context.Key<Caller> CALLER = Context.key("xmtp-caller");

    static final String PUBLISH = "/message/v1/publish";
    static final String QUERY = "/message/v1/query";
    static final String BATCH_QUERY = "/message/v1/batch-query";
    static final String SUBSCRIBE = "/message/v1/subscribe";
    static final String SUBSCRIBE_ALL = "/message/v1/subscribe-all";
    private static final String CHANGE = "/internal/v1/subscriptions/";

    // the methods as served: bytes that are no protobuf of the request's type reach the handler as a marker
    static final MethodDescriptor<PublishRequest, PublishResponse> PUBLISH_METHOD =
            Lenient.requests(MessageApiGrpc.PUBLISH, PublishRequest.getDefaultInstance());
    static final MethodDescriptor<QueryRequest, QueryResponse> QUERY_METHOD =
            Lenient.requests(MessageApiGrpc.QUERY, QueryRequest.getDefaultInstance());
    static final MethodDescriptor<BatchQueryRequest, BatchQueryResponse> BATCH_QUERY_METHOD =
            Lenient.requests(MessageApiGrpc.BATCH_QUERY, BatchQueryRequest.getDefaultInstance());
    static final MethodDescriptor<SubscribeRequest, Envelope> SUBSCRIBE_METHOD =
            Lenient.requests(MessageApiGrpc.SUBSCRIBE, SubscribeRequest.getDefaultInstance());
    static final MethodDescriptor<SubscribeAllRequest, Envelope> SUBSCRIBE_ALL_METHOD =
            Lenient.requests(MessageApiGrpc.SUBSCRIBE_ALL, SubscribeAllRequest.getDefaultInstance());
    static final MethodDescriptor<SubscribeRequest, Envelope> SUBSCRIBE2_METHOD =
            Lenient.requests(MessageApiGrpc.SUBSCRIBE2, SubscribeRequest.getDefaultInstance());

    private final EntryRules rules;
    private final NodeCalls nodes;
    private final GatewayProperties.MaxBodyBytes caps;
    private final int streamBatch;

    public MessageApiService(EntryRules rules, NodeCalls nodes, GatewayProperties properties) {
        this.rules = rules;
        this.nodes = nodes;
        this.caps = properties.maxBodyBytes();
        this.streamBatch = properties.grpc().streamBatch();
    }

    public ServerServiceDefinition definition() {
        return ServerServiceDefinition.builder(MessageApiGrpc.SERVICE_NAME)
                .addMethod(PUBLISH_METHOD, ServerCalls.asyncUnaryCall(this::publish))
                .addMethod(QUERY_METHOD, ServerCalls.asyncUnaryCall(this::query))
                .addMethod(BATCH_QUERY_METHOD, ServerCalls.asyncUnaryCall(this::batchQuery))
                .addMethod(SUBSCRIBE_METHOD, ServerCalls.asyncServerStreamingCall(this::subscribe))
                .addMethod(SUBSCRIBE_ALL_METHOD, ServerCalls.asyncServerStreamingCall(this::subscribeAll))
                .addMethod(SUBSCRIBE2_METHOD, ServerCalls.asyncBidiStreamingCall(this::subscribe2))
                .build();
    }

    void publish(PublishRequest request, StreamObserver<PublishResponse> out) {
        Caller caller = CALLER.get();
        Mono<PublishResponse> call = Mono.defer(() -> {
            notMalformed(PUBLISH_METHOD, request);
            cap(request, caps.publish());
            String wallet = rules.publisher(caller.authorization());
            return rules.publish(caller.ip(), wallet, request.getEnvelopesCount())
                    .then(Mono.defer(() -> nodes.post(
                            NodeDirectory.RELAY,
                            PUBLISH,
                            WireJson.printBytes(request),
                            caller.authorization(),
                            NodeCalls.PUBLISH_RETRIES)))
                    .thenReturn(PublishResponse.getDefaultInstance());
        });
        unary(call, out, PUBLISH);
    }

    void query(QueryRequest request, StreamObserver<QueryResponse> out) {
        unary(read(QUERY_METHOD, request, 1, QUERY, QueryResponse.newBuilder()), out, QUERY);
    }

    void batchQuery(BatchQueryRequest request, StreamObserver<BatchQueryResponse> out) {
        unary(
                read(
                        BATCH_QUERY_METHOD,
                        request,
                        request.getRequestsCount(),
                        BATCH_QUERY,
                        BatchQueryResponse.newBuilder()),
                out,
                BATCH_QUERY);
    }

    @SuppressWarnings("unchecked")
    private <B extends Message.Builder, R extends Message> Mono<R> read(
            MethodDescriptor<?, ?> method, Message request, long cost, String path, B answer) {
        Caller caller = CALLER.get();
        return Mono.defer(() -> {
            notMalformed(method, request);
            cap(request, caps.forPath(path));
            return rules.read(caller.ip(), cost)
                    .then(Mono.defer(() -> nodes.post(
                            NodeDirectory.TOPIC, path, WireJson.printBytes(request), null, NodeCalls.QUERY_RETRIES)))
                    .map(body -> (R) WireJson.parse(body, answer).build());
        });
    }

    void subscribe(SubscribeRequest request, StreamObserver<Envelope> out) {
        Caller caller = CALLER.get();
        Flux<Envelope> envelopes = Mono.fromRunnable(() -> notMalformed(SUBSCRIBE_METHOD, request))
                .then(checked(caller, request))
                .thenMany(Flux.defer(() -> nodes.subscribe(SUBSCRIBE, WireJson.printBytes(request), false, o -> {})));
        stream(envelopes, out, SUBSCRIBE);
    }

    void subscribeAll(SubscribeAllRequest request, StreamObserver<Envelope> out) {
        Caller caller = CALLER.get();
        Flux<Envelope> envelopes = Mono.defer(() -> {
                    notMalformed(SUBSCRIBE_ALL_METHOD, request);
                    cap(request, caps.forPath(SUBSCRIBE_ALL));
                    return rules.read(caller.ip(), 1);
                })
                .thenMany(
                        Flux.defer(() -> nodes.subscribe(SUBSCRIBE_ALL, WireJson.printBytes(request), false, o -> {})));
        stream(envelopes, out, SUBSCRIBE_ALL);
    }

    /**
     * The first request opens a changeable stream on a relay; each later one is checked like a new
     * subscribe and replaces the topics of that stream in place on its relay, so an envelope of a topic
     * kept across the change arrives once, and nothing is replayed. The client's half-close ends the call.
     */
    StreamObserver<SubscribeRequest> subscribe2(StreamObserver<Envelope> out) {
        Caller caller = CALLER.get();
        Sinks.Many<SubscribeRequest> requests = Sinks.many().unicast().onBackpressureBuffer();
        Flux<Envelope> envelopes = requests.asFlux().switchOnFirst((first, all) -> {
            if (!first.hasValue()) {
                return Flux.empty(); // half-closed before any request
            }
            SubscribeRequest opening = first.get();
            Sinks.One<NodeCalls.Opened> opened = Sinks.one();
            Flux<Optional<Envelope>> stream = checked(caller, opening)
                    .thenMany(Flux.defer(
                            () -> nodes.subscribe(SUBSCRIBE, WireJson.printBytes(opening), true, opened::tryEmitValue)))
                    .map(Optional::of);
            Flux<Optional<Envelope>> changes = all.skip(1)
                    .concatMap(change -> checked(caller, change)
                            .then(opened.asMono())
                            .flatMap(o -> nodes.post(o.relay(), CHANGE + o.id(), WireJson.printBytes(change), null)))
                    .thenMany(Flux.just(Optional.<Envelope>empty())); // the client is done: end the call
            return Flux.merge(stream, changes).takeWhile(Optional::isPresent).map(Optional::get);
        });
        stream(envelopes, out, SUBSCRIBE);
        return new StreamObserver<>() {
            @Override
            public void onNext(SubscribeRequest request) {
                if (Lenient.malformed(SUBSCRIBE2_METHOD, request)) {
                    requests.tryEmitError(malformed(SUBSCRIBE2_METHOD));
                    return;
                }
                requests.tryEmitNext(request); // the call delivers messages one at a time
            }

            @Override
            public void onError(Throwable t) {
                requests.tryEmitComplete(); // cancelled: the stream's own cancel handler ends it
            }

            @Override
            public void onCompleted() {
                requests.tryEmitComplete();
            }
        };
    }

    private Mono<Void> checked(Caller caller, SubscribeRequest request) {
        return Mono.defer(() -> {
            cap(request, caps.subscribe());
            return rules.read(caller.ip(), 1);
        });
    }

    private static void notMalformed(MethodDescriptor<?, ?> method, Message request) {
        if (Lenient.malformed(method, request)) {
            throw malformed(method);
        }
    }

    private static ApiException malformed(MethodDescriptor<?, ?> method) {
        return ApiException.invalid(
                "the request is not a protobuf of " + method.getBareMethodName() + "'s request type");
    }

    /** The REST body cap of the path, applied to the message: 413's code, INVALID_ARGUMENT. */
    private static void cap(Message request, long max) {
        if (request.getSerializedSize() > max) {
            throw ApiException.bodyOver(max);
        }
    }

    private static <T> void unary(Mono<T> call, StreamObserver<T> observer, String path) {
        ServerCallStreamObserver<T> out = (ServerCallStreamObserver<T>) observer;
        Disposable.Swap running = Disposables.swap();
        out.setOnCancelHandler(running::dispose);
        running.update(call.subscribe(
                answer -> {
                    if (!out.isCancelled()) {
                        out.onNext(answer);
                        out.onCompleted();
                    }
                },
                error -> {
                    if (!out.isCancelled()) {
                        out.onError(GrpcErrors.status(error, path));
                    }
                }));
    }

    private void stream(Flux<Envelope> envelopes, StreamObserver<Envelope> observer, String path) {
        ServerCallStreamObserver<Envelope> out = (ServerCallStreamObserver<Envelope>) observer;
        Forwarder forwarder = new Forwarder(out, streamBatch, path);
        out.setOnCancelHandler(forwarder::dispose);
        out.setOnReadyHandler(forwarder::ready);
        envelopes.subscribe(forwarder);
    }

    /**
     * Hands a node's stream to the gRPC call with flow control: at most {@code batch} envelopes are taken
     * from the node before the client has taken them; a client that stops reading stops the node's stream
     * from being read, and the relay's bounded buffer does the rest.
     */
    private static final class Forwarder extends BaseSubscriber<Envelope> {

        private final ServerCallStreamObserver<Envelope> out;
        private final int batch;
        private final String path;
        private final AtomicLong owed = new AtomicLong();
        private final AtomicBoolean done = new AtomicBoolean();

        Forwarder(ServerCallStreamObserver<Envelope> out, int batch, String path) {
            this.out = out;
            this.batch = batch;
            this.path = path;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            request(batch);
        }

        @Override
        protected void hookOnNext(Envelope envelope) {
            synchronized (this) {
                if (done.get() || out.isCancelled()) {
                    return;
                }
                out.onNext(envelope);
            }
            if (out.isReady()) {
                request(1);
            } else {
                owed.incrementAndGet();
                if (out.isReady()) {
                    ready(); // became ready in between: its handler may have found nothing owed
                }
            }
        }

        /** The client took what was sent: ask the node for as many more. */
        void ready() {
            long n = owed.getAndSet(0);
            if (n > 0) {
                request(n);
            }
        }

        @Override
        protected void hookOnComplete() {
            finish(null);
        }

        @Override
        protected void hookOnError(Throwable error) {
            finish(error);
        }

        private synchronized void finish(Throwable error) {
            if (!done.compareAndSet(false, true) || out.isCancelled()) {
                return;
            }
            if (error == null) {
                out.onCompleted();
            } else {
                out.onError(GrpcErrors.status(error, path));
            }
        }
    }
}
