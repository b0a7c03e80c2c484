package org.xmtpnode.topic.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.xmtpnode.core.GrpcCode;
import org.xmtpnode.core.WireJson;
import org.xmtpnode.topic.config.TopicProperties;

/** Refuses bodies larger than {@code xmtp.store.max-request-bytes} before reading them. */
@Component
public class RequestSizeFilter extends OncePerRequestFilter {

    private final long maxBytes;

    public RequestSizeFilter(TopicProperties properties) {
        this.maxBytes = properties.store().maxRequestBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBytes) {
            response.setStatus(413);
            response.setContentType("application/json");
            response.getOutputStream()
                    .write(WireJson.errorBody(
                            GrpcCode.INVALID_ARGUMENT, "request body is larger than " + maxBytes + " bytes"));
            return;
        }
        chain.doFilter(request, response);
    }
}
