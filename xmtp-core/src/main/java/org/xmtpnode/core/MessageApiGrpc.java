package org.xmtpnode.core;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import org.xmtpnode.proto.api.BatchQueryRequest;
import org.xmtpnode.proto.api.BatchQueryResponse;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.api.MessageApiV1;
import org.xmtpnode.proto.api.PublishRequest;
import org.xmtpnode.proto.api.PublishResponse;
import org.xmtpnode.proto.api.QueryRequest;
import org.xmtpnode.proto.api.QueryResponse;
import org.xmtpnode.proto.api.SubscribeAllRequest;
import org.xmtpnode.proto.api.SubscribeRequest;

/**
 * The gRPC methods of {@code xmtp.message_api.v1.MessageApi} (the {@code service} of
 * {@code message_api_v1.proto}), for a server or a client built on grpc-java: what {@code protoc-gen-grpc-java}
 * would generate, minus the stubs. Names come from the proto's own descriptor. Loading this class needs
 * {@code io.grpc:grpc-protobuf}, which xmtp-core lists as optional: nothing else in xmtp-core refers to it.
 */
public final class MessageApiGrpc {

    /** The proto's service. */
    public static final Descriptors.ServiceDescriptor SERVICE =
            MessageApiV1.getDescriptor().findServiceByName("MessageApi");

    public static final String SERVICE_NAME = SERVICE.getFullName();

    public static final MethodDescriptor<PublishRequest, PublishResponse> PUBLISH = method(
            "Publish",
            MethodDescriptor.MethodType.UNARY,
            PublishRequest.getDefaultInstance(),
            PublishResponse.getDefaultInstance());

    public static final MethodDescriptor<SubscribeRequest, Envelope> SUBSCRIBE = method(
            "Subscribe",
            MethodDescriptor.MethodType.SERVER_STREAMING,
            SubscribeRequest.getDefaultInstance(),
            Envelope.getDefaultInstance());

    public static final MethodDescriptor<SubscribeRequest, Envelope> SUBSCRIBE2 = method(
            "Subscribe2",
            MethodDescriptor.MethodType.BIDI_STREAMING,
            SubscribeRequest.getDefaultInstance(),
            Envelope.getDefaultInstance());

    public static final MethodDescriptor<SubscribeAllRequest, Envelope> SUBSCRIBE_ALL = method(
            "SubscribeAll",
            MethodDescriptor.MethodType.SERVER_STREAMING,
            SubscribeAllRequest.getDefaultInstance(),
            Envelope.getDefaultInstance());

    public static final MethodDescriptor<QueryRequest, QueryResponse> QUERY = method(
            "Query",
            MethodDescriptor.MethodType.UNARY,
            QueryRequest.getDefaultInstance(),
            QueryResponse.getDefaultInstance());

    public static final MethodDescriptor<BatchQueryRequest, BatchQueryResponse> BATCH_QUERY = method(
            "BatchQuery",
            MethodDescriptor.MethodType.UNARY,
            BatchQueryRequest.getDefaultInstance(),
            BatchQueryResponse.getDefaultInstance());

    private MessageApiGrpc() {}

    private static <I extends Message, O extends Message> MethodDescriptor<I, O> method(
            String name, MethodDescriptor.MethodType type, I request, O response) {
        Descriptors.MethodDescriptor proto = SERVICE.findMethodByName(name);
        if (proto == null
                || !proto.getInputType().equals(request.getDescriptorForType())
                || !proto.getOutputType().equals(response.getDescriptorForType())
                || proto.isClientStreaming() != !type.clientSendsOneMessage()
                || proto.isServerStreaming() != !type.serverSendsOneMessage()) {
            throw new IllegalStateException("message_api_v1.proto does not declare " + name + " this way");
        }
        return MethodDescriptor.<I, O>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, name))
                .setRequestMarshaller(ProtoUtils.marshaller(request))
                .setResponseMarshaller(ProtoUtils.marshaller(response))
                .setSchemaDescriptor(proto)
                .build();
    }
}
