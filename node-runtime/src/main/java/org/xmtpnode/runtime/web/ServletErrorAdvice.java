package org.xmtpnode.runtime.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.xmtpnode.core.ApiException;

/** Spring MVC's side of {@link ErrorResponses}: every exception a controller or Spring raises. */
@RestControllerAdvice
public class ServletErrorAdvice {

    private static final Logger log = LoggerFactory.getLogger(ServletErrorAdvice.class);

    @ExceptionHandler(Exception.class)
    ResponseEntity<byte[]> handle(Exception e, HttpServletRequest request) {
        String path = request.getRequestURI();
        ApiException error = ErrorResponses.classify(e, log, path);
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(error.httpStatus())
                .contentType(MediaType.parseMediaType(ErrorResponses.contentType(path)));
        if (error.retryAfterSeconds() > 0) {
            answer.header(HttpHeaders.RETRY_AFTER, Long.toString(error.retryAfterSeconds()));
        }
        return answer.body(ErrorResponses.body(path, error));
    }

    /** For a servlet filter that answers before any controller runs. */
    public static void write(HttpServletRequest request, HttpServletResponse response, ApiException error)
            throws IOException {
        String path = request.getRequestURI();
        byte[] body = ErrorResponses.body(path, error);
        response.setStatus(error.httpStatus());
        response.setContentType(ErrorResponses.contentType(path));
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
