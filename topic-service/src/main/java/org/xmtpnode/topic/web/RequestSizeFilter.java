package org.xmtpnode.topic.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.runtime.web.ServletErrorAdvice;
import org.xmtpnode.topic.config.TopicProperties;

/**
 * Refuses bodies larger than {@code xmtp.topic.max-request-bytes} before reading them; Tomcat then
 * swallows the unread body (up to {@code server.tomcat.max-swallow-size}) so the client reads the 413.
 */
@Component
public class RequestSizeFilter extends OncePerRequestFilter {

    private final long maxBytes;

    public RequestSizeFilter(TopicProperties properties) {
        this.maxBytes = properties.maxRequestBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBytes) {
            ServletErrorAdvice.write(request, response, ApiException.bodyOver(maxBytes));
            return;
        }
        chain.doFilter(request, response);
    }
}
