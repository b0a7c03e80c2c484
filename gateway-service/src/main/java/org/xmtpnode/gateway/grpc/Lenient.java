package org.xmtpnode.gateway.grpc;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import java.io.InputStream;

/**
 * A request marshaller that hands bytes that are not the method's protobuf to the service as a marker
 * message, so the client gets {@code INVALID_ARGUMENT} as for any other bad input (grpc-java would fail the
 * call itself, with {@code UNKNOWN} or a reset stream).
 */
final class Lenient<Q extends Message> implements MethodDescriptor.Marshaller<Q> {

    private final MethodDescriptor.Marshaller<Q> proto;
    private final Q malformed;

    @SuppressWarnings("unchecked")
    Lenient(Q prototype) {
        this.proto = ProtoUtils.marshaller(prototype);
        // a distinct instance: parsing never answers this very object
        this.malformed = (Q) prototype.newBuilderForType().build();
    }

    /** The method with this marshaller for its requests. */
    static <Q extends Message, A> MethodDescriptor<Q, A> requests(MethodDescriptor<Q, A> method, Q prototype) {
        return method.toBuilder(new Lenient<>(prototype), method.getResponseMarshaller())
                .build();
    }

    /** The request could not be parsed. */
    static boolean malformed(MethodDescriptor<?, ?> method, Object request) {
        return method.getRequestMarshaller() instanceof Lenient<?> lenient && lenient.malformed == request;
    }

    @Override
    public InputStream stream(Q value) {
        return proto.stream(value);
    }

    @Override
    public Q parse(InputStream stream) {
        try {
            return proto.parse(stream);
        } catch (StatusRuntimeException notProtobuf) {
            return malformed;
        }
    }
}
