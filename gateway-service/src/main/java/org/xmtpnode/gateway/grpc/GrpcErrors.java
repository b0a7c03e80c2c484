package org.xmtpnode.gateway.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.runtime.web.ErrorResponses;

/**
 * A failed gRPC call's status: the failure classified as every service classifies it
 * ({@link ErrorResponses#classify}), its gRPC code and message as the REST answer would carry them, and a
 * {@code retry-after} trailer (seconds) where the REST answer has {@code Retry-After}.
 */
final class GrpcErrors {

    static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);

    private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);

    private GrpcErrors() {}

    /** @param path the REST path of the same call (it names the call in logs) */
    static StatusException status(Throwable error, String path) {
        if (error instanceof StatusException s) {
            return s;
        }
        ApiException api = ErrorResponses.classify(error, log, "grpc " + path);
        Metadata trailers = new Metadata();
        if (api.retryAfterSeconds() > 0) {
            trailers.put(RETRY_AFTER, Long.toString(api.retryAfterSeconds()));
        }
        return Status.fromCodeValue(api.code().code())
                .withDescription(api.getMessage())
                .asException(trailers);
    }
}
