package org.xmtpnode.topic.query;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.xmtpnode.core.WireJson;
import org.xmtpnode.proto.api.BatchQueryRequest;
import org.xmtpnode.proto.api.QueryRequest;

/** The message API's read side. Bodies of any content type are read as JSON (the SDKs send text/plain). */
@RestController
public class QueryController {

    private final QueryService queries;

    public QueryController(QueryService queries) {
        this.queries = queries;
    }

    @PostMapping(path = "/message/v1/query", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<byte[]> query(HttpServletRequest http) throws IOException {
        QueryRequest request =
                WireJson.parse(rawBody(http), QueryRequest.newBuilder()).build();
        return json(WireJson.printBytes(queries.query(request)));
    }

    @PostMapping(path = "/message/v1/batch-query", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<byte[]> batchQuery(HttpServletRequest http) throws IOException {
        BatchQueryRequest request =
                WireJson.parse(rawBody(http), BatchQueryRequest.newBuilder()).build();
        return json(WireJson.printBytes(queries.batchQuery(request)));
    }

    /**
     * The body exactly as sent, whatever the content type: read from the servlet stream, because
     * Spring would rebuild a form-encoded body from its parameters (curl's default) and mangle the JSON.
     */
    static byte[] rawBody(HttpServletRequest http) throws IOException {
        return http.getInputStream().readAllBytes();
    }

    static ResponseEntity<byte[]> json(byte[] body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
