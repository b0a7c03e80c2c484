package org.xmtpnode.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** A small HTTP client for the message API as the SDKs speak it (text/plain JSON bodies). */
final class Api {

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String token;
    private final String forwardedFor;

    Api(String base) {
        this(base, null, null);
    }

    private Api(String base, String token, String forwardedFor) {
        this.base = base;
        this.token = token;
        this.forwardedFor = forwardedFor;
    }

    /** The same API, sending this auth token with every request. */
    Api withToken(String token) {
        return new Api(base, token, forwardedFor);
    }

    /** The same API, as a client behind a proxy that names it in X-Forwarded-For. */
    Api forwardedFor(String ip) {
        return new Api(base, token, ip);
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return postBytes(path, json.getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> postBytes(String path, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/plain;charset=UTF-8")
                .header("X-Client-Version", "xmtp-js/13.0.4");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (forwardedFor != null) {
            b.header("X-Forwarded-For", forwardedFor);
        }
        // a body the gateway refuses before reading it goes on a client of its own, so the shared
        // client's pooled connections never carry the remains of a refused upload
        HttpClient client = body.length > 1024 * 1024 ? HttpClient.newHttpClient() : HTTP;
        return client.send(
                b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Every message stored on a topic (decoded as UTF-8), paging a query at {@code base} (a gateway or a store). */
    static List<String> storedMessages(String base, String topic) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>();
        String cursor = null;
        Api api = new Api(base);
        do {
            HttpResponse<String> r = api.post(
                    "/message/v1/query",
                    "{\"contentTopics\":[\"" + topic + "\"],\"pagingInfo\":"
                            + "{\"limit\":100,\"direction\":\"SORT_DIRECTION_ASCENDING\""
                            + (cursor == null ? "" : ",\"cursor\":" + cursor) + "}}");
            if (r.statusCode() != 200) {
                throw new AssertionError("query at " + base + " answered " + r.statusCode() + ": " + r.body());
            }
            var m = Pattern.compile("\"message\":\"([^\"]+)\"").matcher(r.body());
            while (m.find()) {
                all.add(new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8));
            }
            int at = r.body().indexOf("\"cursor\":");
            cursor = at < 0 ? null : r.body().substring(at + 9, r.body().indexOf("},\"direction\"", at) + 1);
        } while (cursor != null);
        return all;
    }

    static String envelope(String topic, long timeNs, byte[] message) {
        return "{\"contentTopic\":\"" + topic + "\",\"timestampNs\":\"" + timeNs + "\",\"message\":\""
                + Base64.getEncoder().encodeToString(message) + "\"}";
    }

    static String publishBody(String... envelopes) {
        return "{\"envelopes\":[" + String.join(",", envelopes) + "]}";
    }

    /** Opens a stream and collects its lines on a thread of its own. */
    Stream subscribe(String path, String json) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "text/plain;charset=UTF-8")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        return new Stream(r);
    }

    static final class Stream implements AutoCloseable {
        final int status;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final InputStream body;
        private final Thread reader;
        volatile boolean ended;

        Stream(HttpResponse<InputStream> response) {
            this.status = response.statusCode();
            this.body = response.body();
            this.reader = new Thread(
                    () -> {
                        try (BufferedReader in =
                                new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                            String line;
                            while ((line = in.readLine()) != null) {
                                lines.add(line);
                            }
                        } catch (IOException e) {
                            // closed
                        } finally {
                            ended = true;
                        }
                    },
                    "stream-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** The next line that is not a heartbeat, or null after the timeout. */
        String nextEnvelopeLine(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                String line = lines.poll(left, TimeUnit.NANOSECONDS);
                if (line == null) {
                    return null;
                }
                if (!line.equals("{\"result\":{}}")) {
                    return line;
                }
            }
        }

        /** Waits for the first heartbeat, which the server writes once the subscription is registered. */
        void awaitOpen() throws InterruptedException {
            String first = lines.poll(10, TimeUnit.SECONDS);
            if (!"{\"result\":{}}".equals(first)) {
                throw new AssertionError("expected an opening heartbeat, got " + first);
            }
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }
}
