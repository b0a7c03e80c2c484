package org.xmtpnode.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal keep-alive HTTP/1.1 client, one connection per load thread: a load generator that costs
 * little CPU on a machine it shares with the node. (The JDK's HttpClient reached a quarter of wrk's
 * rate here.) Reads Content-Length and chunked bodies; reconnects when the server closes.
 */
final class RawHttp implements AutoCloseable {

    /** A response: status and body. */
    record Response(int status, byte[] body) {}

    private final String host;
    private final int port;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    RawHttp(String baseUrl) {
        URI u = URI.create(baseUrl);
        this.host = u.getHost();
        this.port = u.getPort() == -1 ? 80 : u.getPort();
    }

    Response post(String path, String authorization, String body) throws IOException {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(256)
                .append("POST ")
                .append(path)
                .append(" HTTP/1.1\r\nHost: ")
                .append(host)
                .append(':')
                .append(port)
                .append("\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: ")
                .append(content.length)
                .append("\r\n");
        if (authorization != null) {
            head.append("Authorization: Bearer ").append(authorization).append("\r\n");
        }
        head.append("\r\n");
        for (int attempt = 0; ; attempt++) {
            try {
                connect();
                out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
                out.write(content);
                out.flush();
                return read();
            } catch (IOException e) {
                close();
                if (attempt == 1) {
                    throw e; // a fresh connection failed too
                }
            }
        }
    }

    private void connect() throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(60_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        }
    }

    private Response read() throws IOException {
        String status = line();
        if (status == null || !status.startsWith("HTTP/1.")) {
            throw new IOException("no response");
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        String h;
        while ((h = line()) != null && !h.isEmpty()) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).strip());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(length > 0 ? (int) length : 256);
        if (chunked) {
            while (true) {
                String size = line();
                int n = Integer.parseInt(size.split(";")[0].strip(), 16);
                if (n == 0) {
                    line();
                    break;
                }
                body.write(in.readNBytes(n));
                line();
            }
        } else if (length > 0) {
            body.write(in.readNBytes((int) length));
        }
        if (close) {
            close();
        }
        return new Response(code, body.toByteArray());
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int len = b.length();
                return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
            }
            b.append((char) c);
        }
        return b.length() == 0 ? null : b.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing
            }
            socket = null;
        }
    }
}
