package org.xmtpnode.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A body over the gateway's cap, sent by a client that writes its whole body before it reads (as
 * Python's urllib does, with no {@code Expect: 100-continue}), gets the 413 — not a reset connection,
 * which such a client would take for a network error and retry.
 */
class OverCapBodyIT {

    /** A query naming 200,000 topics: 4.9 MB against the 1 MiB cap of the query route. */
    static byte[] hugeQuery() {
        StringBuilder body = new StringBuilder("{\"contentTopics\":[");
        for (int i = 0; i < 200_000; i++) {
            body.append(i == 0 ? "" : ",").append("\"/xmtp/0/m-").append(i).append("/proto\"");
        }
        return body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    record Answer(int status, String head, String body) {}

    /** Writes the request whole (failing the test if the server resets it first), then reads the answer. */
    static Answer writeThenRead(String path, byte[] body, boolean chunked) throws IOException {
        int port = URI.create(SharedDevnet.get().apiUrl()).getPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain;charset=UTF-8\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n") + "\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            if (chunked) {
                for (int at = 0; at < body.length; at += 64 * 1024) {
                    int n = Math.min(64 * 1024, body.length - at);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body, at, n);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            } else {
                out.write(body);
            }
            out.flush();
            var in = new BufferedInputStream(socket.getInputStream());
            String responseHead = BadInputFuzzIT.readHead(in);
            String length = BadInputFuzzIT.header(responseHead, "content-length");
            String content = new String(in.readNBytes(Integer.parseInt(length.trim())), StandardCharsets.UTF_8);
            return new Answer(Integer.parseInt(responseHead.substring(9, 12)), responseHead, content);
        }
    }

    @Test
    void aClientThatWritesItsWholeBodyFirstReadsThe413() throws IOException {
        byte[] body = hugeQuery();
        assertThat(body.length).isGreaterThan(4_800_000);
        for (int attempt = 0; attempt < 3; attempt++) {
            Answer a = writeThenRead("/message/v1/query", body, false);
            assertThat(a.status()).isEqualTo(413);
            assertThat(a.body()).startsWith("{\"code\":3,").contains("larger than 1048576 bytes");
        }
    }

    @Test
    void aChunkedBodyOverTheCapReadsThe413Too() throws IOException {
        Answer a = writeThenRead("/message/v1/query", hugeQuery(), true);
        assertThat(a.status()).isEqualTo(413);
        assertThat(a.body()).startsWith("{\"code\":3,");
    }

    @Test
    void theKeyDirectoryAnswersItsOwn413InProblemJson() throws IOException {
        byte[] body = ("{\"walletAddresses\":[\"" + "0".repeat(2_000_000) + "\"]}").getBytes(StandardCharsets.UTF_8);
        Answer a = writeThenRead("/keys/v1/contacts/batch-query", body, false);
        assertThat(a.status()).isEqualTo(413);
        assertThat(BadInputFuzzIT.header(a.head(), "content-type")).isEqualTo("application/problem+json");
        assertThat(a.body()).contains("\"type\":\"urn:xmtp-node:problem:too-large\"", "\"status\":413");
    }
}
