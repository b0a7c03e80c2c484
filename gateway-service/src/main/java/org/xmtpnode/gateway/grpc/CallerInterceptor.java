package org.xmtpnode.gateway.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.xmtpnode.gateway.limits.EntryRules;

/**
 * Who calls: the client IP as the REST routes see it (the peer, or the first {@code x-forwarded-for} hop
 * of a trusted proxy) and the {@code authorization} metadata, for {@link MessageApiService}.
 */
final class CallerInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> FORWARDED_FOR =
            Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);

    private final EntryRules rules;

    CallerInterceptor(EntryRules rules) {
        this.rules = rules;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        String ip = rules.clientIp(remote instanceof InetSocketAddress inet ? inet : null, headers.get(FORWARDED_FOR));
        MessageApiService.Caller caller = new MessageApiService.Caller(ip, headers.get(AUTHORIZATION));
        Context context = Context.current().withValue(MessageApiService.CALLER, caller);
        return Contexts.interceptCall(context, call, headers, next);
    }
}
