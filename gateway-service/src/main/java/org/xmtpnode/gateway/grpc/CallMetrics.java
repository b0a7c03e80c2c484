package org.xmtpnode.gateway.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code grpc.server.calls}: every gRPC call timed from its start to its end, tagged with its method and
 * its status code ({@code OK}, {@code INVALID_ARGUMENT} …, {@code CANCELLED} when the client went away),
 * as {@code spring.cloud.gateway.requests} times the REST calls by route and status.
 */
final class CallMetrics implements ServerInterceptor {

    private final MeterRegistry meters;

    CallMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        Timer.Sample sample = Timer.start(meters);
        AtomicBoolean ended = new AtomicBoolean();
        String method = call.getMethodDescriptor().getBareMethodName();
        ServerCall<Q, A> timed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (ended.compareAndSet(false, true)) {
                    sample.stop(timer(method, status.getCode()));
                }
                super.close(status, trailers);
            }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(timed, headers)) {
            @Override
            public void onCancel() {
                if (ended.compareAndSet(false, true)) {
                    sample.stop(timer(method, Status.Code.CANCELLED));
                }
                super.onCancel();
            }
        };
    }

    private Timer timer(String method, Status.Code code) {
        return Timer.builder("grpc.server.calls")
                .description("gRPC MessageApi calls, by method and status")
                .tag("method", method == null ? "unknown" : method)
                .tag("status", code.name())
                .register(meters);
    }
}
