package org.xmtpnode.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.xmtpnode.core.Limits;
import org.xmtpnode.core.MessageApiGrpc;
import org.xmtpnode.devnet.Devnet;
import org.xmtpnode.proto.api.BatchQueryRequest;
import org.xmtpnode.proto.api.PagingInfo;
import org.xmtpnode.proto.api.PublishRequest;
import org.xmtpnode.proto.api.QueryRequest;
import org.xmtpnode.proto.api.SubscribeRequest;
import org.xmtpnode.testsupport.TestWallet;

/**
 * Thousands of malformed and mutated requests, from a seeded generator ({@code -Dxmtp.fuzz.seed},
 * {@code -Dxmtp.fuzz.cases}), to every public endpoint: never a 5xx, always a documented error shape
 * and code, nothing stored by a refused publish, every service still ready afterwards.
 */
class BadInputFuzzIT {

    static final long SEED = Long.getLong("xmtp.fuzz.seed", 20261125L);
    static final int CASES = Integer.getInteger("xmtp.fuzz.cases", 3000);
    static final Pattern WIRE_ERROR =
            Pattern.compile("\\{\"code\":(\\d+),\"message\":\".*\",\"details\":\\[]}", Pattern.DOTALL);
    /** The codes each status may carry (PROTOCOL.md's pairs). */
    static final Map<Integer, Integer> CODE_FOR_STATUS = Map.of(400, 3, 413, 3, 401, 16, 403, 7, 404, 5, 429, 8);

    final Random random = new Random(SEED);
    final TestWallet wallet = TestWallet.random();
    final String token = wallet.token(System.currentTimeMillis() * 1_000_000L);
    final List<String> refusedTopics = new ArrayList<>();
    final Map<String, Integer> outcomes = new TreeMap<>();

    @Test
    void noInputBreaksTheNode() throws Exception {
        Devnet devnet = SharedDevnet.get();
        allow(devnet, "add"); // publishes are then never rate limited: every case reaches the checks
        try {
            for (int i = 0; i < CASES; i++) {
                fuzzCase(devnet, i);
            }
        } finally {
            allow(devnet, "remove");
        }
        System.out.printf("fuzz: %d cases, seed %d, outcomes %s%n", CASES, SEED, outcomes);
        // nothing that was refused was stored
        Api api = new Api(devnet.apiUrl());
        for (int i = 0; i < refusedTopics.size(); i += 50) {
            List<String> chunk = refusedTopics.subList(i, Math.min(refusedTopics.size(), i + 50));
            StringBuilder batch = new StringBuilder("{\"requests\":[");
            for (int j = 0; j < chunk.size(); j++) {
                batch.append(j == 0 ? "" : ",")
                        .append("{\"contentTopics\":[")
                        .append(jsonString(chunk.get(j)))
                        .append("]}");
            }
            HttpResponse<String> r = api.forwardedFor(randomIp())
                    .post("/message/v1/batch-query", batch.append("]}").toString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).doesNotContain("\"contentTopic\"");
        }
        for (Devnet.Service s : Devnet.Service.values()) {
            assertThat(devnet.readiness(s, 0)).as("%s still ready", s).isEqualTo(200);
        }
        assertThat(outcomes.keySet()).allMatch(k -> !k.startsWith("5"));
    }

    /**
     * The same over gRPC: mutated, truncated and random protobuf bytes, and well-formed requests with bad
     * values, oversized messages, too many topics and bad tokens, to every MessageApi method. Every status
     * is one a REST answer would carry (INVALID_ARGUMENT for bytes that are no protobuf of the request's
     * type), never an unknown, internal or unavailable one; nothing refused is stored; every service stays
     * ready.
     */
    @Test
    void noGrpcInputBreaksTheNode() throws Exception {
        Devnet devnet = SharedDevnet.get();
        allow(devnet, "add");
        try (GrpcApi grpc = new GrpcApi(devnet.grpcPort())) {
            for (int i = 0; i < GRPC_CASES; i++) {
                grpcCase(grpc, i);
            }
        } finally {
            allow(devnet, "remove");
        }
        System.out.printf("grpc fuzz: %d cases, seed %d, outcomes %s%n", GRPC_CASES, SEED, outcomes);
        for (String topic : refusedTopics) {
            assertThat(Api.storedMessages(devnet.apiUrl(), topic)).as(topic).isEmpty();
        }
        for (Devnet.Service s : Devnet.Service.values()) {
            assertThat(devnet.readiness(s, 0)).as("%s still ready", s).isEqualTo(200);
        }
    }

    static final int GRPC_CASES = Integer.getInteger("xmtp.fuzz.grpc.cases", 400);
    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    /** What a refused gRPC call may end with: the REST codes' statuses, and a stream's deadline. */
    static final Set<Status.Code> GRPC_REFUSALS = Set.of(
            Status.Code.INVALID_ARGUMENT,
            Status.Code.UNAUTHENTICATED,
            Status.Code.PERMISSION_DENIED,
            Status.Code.RESOURCE_EXHAUSTED);

    static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> method) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(method.getType())
                .setFullMethodName(method.getFullMethodName())
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
    }

    void grpcCase(GrpcApi grpc, int i) {
        String topic = "/xmtp/0/m-grpc-fuzz-" + SEED + "-" + i + "/proto";
        MethodDescriptor<?, ?> method;
        byte[] body;
        String auth = "Bearer " + token;
        int kind = random.nextInt(10);
        switch (kind) {
            case 0 -> {
                method = MessageApiGrpc.PUBLISH;
                body = mutate(validPublishProto(topic).toByteArray());
            }
            case 1 -> {
                method = MessageApiGrpc.PUBLISH;
                byte[] valid = validPublishProto(topic).toByteArray();
                body = Arrays.copyOf(valid, random.nextInt(valid.length));
            }
            case 2 -> {
                method = MessageApiGrpc.PUBLISH;
                body = validPublishProto(topic).toByteArray();
                auth = random.nextBoolean() ? "Bearer " + garbageBase64() : garbageText();
            }
            case 3 -> { // bad values in a well-formed request
                method = MessageApiGrpc.PUBLISH;
                String bad = switch (random.nextInt(4)) {
                    case 0 -> "";
                    case 1 -> "/xmtp/0/" + "x".repeat(Limits.MAX_TOPIC_BYTES);
                    case 2 -> "/xmtp/0/contact-" + TestWallet.random().walletAddress() + "/proto";
                    default -> "/xmtp/0/contact-" + wallet.walletAddress() + "/proto";
                };
                topic = bad.isEmpty() || bad.contains("x".repeat(50)) ? topic : bad;
                body = PublishRequest.newBuilder()
                        .addEnvelopes(GrpcApi.envelope(bad, 1, randomBytes(random.nextInt(300))))
                        .build()
                        .toByteArray();
            }
            case 4 -> { // over the protocol's message limit, or over the transport's 8 MiB
                method = MessageApiGrpc.PUBLISH;
                body = PublishRequest.newBuilder()
                        .addEnvelopes(GrpcApi.envelope(
                                topic,
                                1,
                                new byte
                                        [random.nextInt(8) == 0
                                                ? 9 * 1024 * 1024
                                                : Limits.MAX_MESSAGE_BYTES + 1 + random.nextInt(1000)]))
                        .build()
                        .toByteArray();
            }
            case 5 -> {
                method = MessageApiGrpc.QUERY;
                body = mutate(QueryRequest.newBuilder()
                        .addContentTopics(topic)
                        .setPagingInfo(PagingInfo.newBuilder().setLimit(random.nextInt(200)))
                        .build()
                        .toByteArray());
            }
            case 6 -> {
                method = MessageApiGrpc.BATCH_QUERY;
                BatchQueryRequest.Builder b = BatchQueryRequest.newBuilder();
                for (int j = random.nextInt(60); j > 0; j--) {
                    b.addRequests(QueryRequest.newBuilder().addContentTopics(random.nextBoolean() ? topic : ""));
                }
                body = random.nextBoolean()
                        ? b.build().toByteArray()
                        : mutate(b.build().toByteArray());
            }
            case 7 -> {
                method = random.nextBoolean() ? MessageApiGrpc.SUBSCRIBE : MessageApiGrpc.SUBSCRIBE2;
                SubscribeRequest.Builder b = SubscribeRequest.newBuilder();
                int n = switch (random.nextInt(3)) {
                    case 0 -> 0;
                    case 1 -> Limits.MAX_SUBSCRIBE_TOPICS + 1;
                    default -> 1;
                };
                for (int j = 0; j < n; j++) {
                    b.addContentTopics(n == 1 ? "/xmtp/0/" + "y".repeat(Limits.MAX_TOPIC_BYTES) : topic + j);
                }
                body = b.build().toByteArray();
            }
            default -> { // random bytes to any method
                method = List.of(
                                MessageApiGrpc.PUBLISH,
                                MessageApiGrpc.QUERY,
                                MessageApiGrpc.BATCH_QUERY,
                                MessageApiGrpc.SUBSCRIBE,
                                MessageApiGrpc.SUBSCRIBE_ALL)
                        .get(random.nextInt(5));
                body = randomBytes(1 + random.nextInt(500));
            }
        }
        Metadata headers = new Metadata();
        headers.put(GrpcApi.AUTHORIZATION, auth);
        headers.put(Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER), randomIp());
        Channel channel =
                ClientInterceptors.intercept(grpc.channel, MetadataUtils.newAttachHeadersInterceptor(headers));
        Status status = grpcCall(channel, raw(method), body);
        String what = "grpc case " + i + " kind " + kind + " " + method.getBareMethodName() + " -> " + status;
        outcomes.merge("grpc " + method.getBareMethodName() + " " + status.getCode(), 1, Integer::sum);
        if (status.isOk() || status.getCode() == Status.Code.DEADLINE_EXCEEDED && method != MessageApiGrpc.PUBLISH) {
            return; // taken (a mutation can be a valid request), or a stream that opened and ran until its deadline
        }
        assertThat(status.getCode()).as(what).isIn(GRPC_REFUSALS);
        if (method == MessageApiGrpc.PUBLISH) {
            refusedTopics.add(topic);
        }
    }

    PublishRequest validPublishProto(String topic) {
        PublishRequest.Builder b = PublishRequest.newBuilder();
        for (int j = 1 + random.nextInt(3); j > 0; j--) {
            b.addEnvelopes(GrpcApi.envelope(topic, 1 + random.nextInt(1_000_000), randomBytes(random.nextInt(200))));
        }
        return b.build();
    }

    /** One call: a unary answer, or a stream read until it ends or its deadline (1 s) passes. */
    static Status grpcCall(Channel channel, MethodDescriptor<byte[], byte[]> method, byte[] body) {
        try {
            if (method.getType() == MethodDescriptor.MethodType.UNARY) {
                ClientCalls.blockingUnaryCall(
                        channel, method, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), body);
            } else if (method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
                var it = ClientCalls.blockingServerStreamingCall(
                        channel, method, CallOptions.DEFAULT.withDeadlineAfter(1, TimeUnit.SECONDS), body);
                while (it.hasNext()) {
                    it.next();
                }
            } else {
                CompletableFuture<Status> ended = new CompletableFuture<>();
                StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(
                        channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(1, TimeUnit.SECONDS)),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(byte[] value) {}

                            @Override
                            public void onError(Throwable t) {
                                ended.complete(Status.fromThrowable(t));
                            }

                            @Override
                            public void onCompleted() {
                                ended.complete(Status.OK);
                            }
                        });
                requests.onNext(body);
                return ended.get(10, TimeUnit.SECONDS);
            }
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    void fuzzCase(Devnet devnet, int i) throws Exception {
        String topic = "/xmtp/0/m-fuzz-" + SEED + "-" + i + "/proto";
        String path;
        byte[] body;
        String auth = "Bearer " + token;
        int kind = random.nextInt(12);
        switch (kind) {
            case 0 -> {
                path = "/message/v1/publish";
                body = utf8(truncate(validPublish(topic)));
            }
            case 1 -> {
                path = "/message/v1/publish";
                body = mutate(utf8(validPublish(topic)));
            }
            case 2 -> {
                path = "/message/v1/publish";
                body = utf8(wrongTypes(topic));
            }
            case 3 -> {
                path = "/message/v1/publish";
                body = utf8(badValues(topic));
            }
            case 4 -> {
                path = "/message/v1/publish";
                body = invalidUtf8(validPublish(topic));
            }
            case 5 -> {
                path = "/message/v1/publish";
                body = utf8(validPublish(topic));
                auth = random.nextBoolean() ? "Bearer " + garbageBase64() : garbageText();
            }
            case 6 -> { // garbage as this wallet's contact bundle
                path = "/message/v1/publish";
                topic = "/xmtp/0/contact-" + wallet.walletAddress() + "/proto";
                body = utf8(Api.publishBody(Api.envelope(topic, 1, randomBytes(random.nextInt(300)))));
            }
            case 7 -> {
                path = "/message/v1/query";
                body = mutate(utf8(validQuery(topic)));
            }
            case 8 -> {
                path = "/message/v1/batch-query";
                body = utf8(hugeOrDeep());
            }
            case 9 -> {
                path = "/message/v1/subscribe";
                body = utf8(badSubscribe());
            }
            case 10 -> {
                path = "/keys/v1/contacts/batch-query";
                body = mutate(utf8("{\"walletAddresses\":[\"" + wallet.walletAddress() + "\"]}"));
            }
            default -> { // an oversized body now and then (each is 9 MiB on the wire), else a huge envelope
                path = "/message/v1/publish";
                body = random.nextInt(10) == 0
                        ? new byte[9 * 1024 * 1024 + random.nextInt(1024)]
                        : utf8(Api.publishBody(Api.envelope(topic, 1, randomBytes(1_048_215 + random.nextInt(1000)))));
            }
        }
        boolean oversized = body.length > 8 * 1024 * 1024;
        Raw r;
        try {
            r = raw(
                    devnet,
                    path,
                    random.nextBoolean() ? "text/plain;charset=UTF-8" : "application/json",
                    randomIp(),
                    auth,
                    body,
                    path.equals("/message/v1/subscribe"));
        } catch (IOException e) {
            if (oversized) { // refused before the whole body was sent, and the connection closed under it
                outcomes.merge(path + " refused-early", 1, Integer::sum);
                refusedTopics.add(topic);
                return;
            }
            throw new AssertionError("case " + i + " kind " + kind + " " + path + ": " + e, e);
        }
        String text = r.body();
        int status = r.status();
        outcomes.merge(path + " " + status, 1, Integer::sum);
        String what = "case " + i + " kind " + kind + " " + path + " -> " + status + " " + abbreviate(text);
        assertThat(status).as(what).isLessThan(500);
        if (status >= 400) {
            if (path.startsWith("/keys/")) {
                assertThat(r.contentType()).as(what).contains("problem+json");
            } else {
                var m = WIRE_ERROR.matcher(text);
                assertThat(m.matches()).as(what).isTrue();
                assertThat(Integer.parseInt(m.group(1))).as(what).isEqualTo(CODE_FOR_STATUS.get(status));
            }
            if (path.equals("/message/v1/publish")) {
                refusedTopics.add(topic);
            }
        }
    }

    record Raw(int status, String contentType, String body) {}

    /**
     * One request on a connection of its own ({@code Connection: close}), so no client pooling stands
     * between a case and the next; a stream that opens (200) is closed after its head.
     */
    static Raw raw(
            Devnet devnet,
            String path,
            String contentType,
            String forwardedFor,
            String auth,
            byte[] body,
            boolean stream)
            throws IOException {
        try (Socket socket = new Socket("127.0.0.1", URI.create(devnet.apiUrl()).getPort())) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder(
                            "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n")
                    .append("Content-Type: ")
                    .append(contentType)
                    .append("\r\nX-Forwarded-For: ")
                    .append(forwardedFor)
                    .append("\r\n");
            if (auth != null && !auth.isEmpty()) {
                head.append("Authorization: ").append(auth).append("\r\n");
            }
            head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            var out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            try {
                out.write(body);
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before it takes a body it refuses: read what it said
            }
            var in = new BufferedInputStream(socket.getInputStream());
            String responseHead = readHead(in);
            int status = Integer.parseInt(responseHead.substring(9, 12));
            String type = header(responseHead, "content-type");
            if (stream && status == 200) {
                return new Raw(status, type, "");
            }
            String length = header(responseHead, "content-length");
            byte[] content;
            if (!length.isEmpty()) {
                content = in.readNBytes(Integer.parseInt(length.trim()));
            } else if (header(responseHead, "transfer-encoding")
                    .toLowerCase(Locale.ROOT)
                    .contains("chunked")) {
                var all = new ByteArrayOutputStream();
                while (true) {
                    int size = Integer.parseInt(readLine(in).split(";")[0].trim(), 16);
                    if (size == 0) {
                        break;
                    }
                    all.write(in.readNBytes(size));
                    readLine(in);
                }
                content = all.toByteArray();
            } else {
                content = in.readAllBytes();
            }
            return new Raw(status, type, new String(content, StandardCharsets.UTF_8));
        }
    }

    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            head.append(line).append('\n');
        }
        return head.toString();
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        if (c < 0 && line.length() == 0) {
            throw new EOFException("the connection closed before a response");
        }
        return line.toString();
    }

    static String header(String head, String name) {
        for (String line : head.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    String validPublish(String topic) {
        List<String> envelopes = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int j = 0; j < n; j++) {
            envelopes.add(Api.envelope(topic, 1 + random.nextInt(1_000_000), randomBytes(random.nextInt(200))));
        }
        return Api.publishBody(envelopes.toArray(String[]::new));
    }

    String validQuery(String topic) {
        return "{\"contentTopics\":[\"" + topic + "\"],\"startTimeNs\":\"1\",\"endTimeNs\":\"99\",\"pagingInfo\":"
                + "{\"limit\":" + random.nextInt(101) + ",\"direction\":\"SORT_DIRECTION_ASCENDING\"}}";
    }

    String truncate(String s) {
        return s.substring(0, random.nextInt(Math.max(1, s.length() - 1)));
    }

    byte[] mutate(byte[] b) {
        byte[] out = b.clone();
        int flips = 1 + random.nextInt(4);
        for (int k = 0; k < flips; k++) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(3)) {
                case 0 -> out[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> {
                    String structural = "{}[]\",:0-9eE\\";
                    out[at] = (byte) structural.charAt(random.nextInt(structural.length()));
                }
                default -> out[at] = (byte) random.nextInt(256);
            }
        }
        return out;
    }

    String wrongTypes(String topic) {
        String[] odd = {"1", "-1", "true", "null", "[]", "{}", "\"x\"", "1e400", "[1,2,3]", "{\"a\":{\"b\":[]}}"};
        String v = odd[random.nextInt(odd.length)];
        return switch (random.nextInt(4)) {
            case 0 -> "{\"envelopes\":" + v + "}";
            case 1 -> "{\"envelopes\":[{\"contentTopic\":" + v + ",\"timestampNs\":\"1\",\"message\":\"\"}]}";
            case 2 ->
                "{\"envelopes\":[{\"contentTopic\":\"" + topic + "\",\"timestampNs\":" + v + ",\"message\":\"\"}]}";
            default ->
                "{\"envelopes\":[{\"contentTopic\":\"" + topic + "\",\"timestampNs\":\"1\",\"message\":" + v + "}]}";
        };
    }

    String badValues(String topic) {
        return switch (random.nextInt(6)) {
            case 0 ->
                "{\"envelopes\":[{\"contentTopic\":\"" + topic
                        + "\",\"timestampNs\":\"99999999999999999999999\",\"message\":\"\"}]}";
            case 1 ->
                "{\"envelopes\":[{\"contentTopic\":\"" + topic + "\",\"timestampNs\":\"1\",\"message\":\"!!!"
                        + random.nextInt() + "\"}]}";
            case 2 ->
                "{\"envelopes\":[{\"contentTopic\":\"" + topic + "x".repeat(300)
                        + "\",\"timestampNs\":\"1\",\"message\":\"\"}]}";
            case 3 ->
                "{\"envelopes\":[{\"contentTopic\":\"" + topic + "\\u0000\",\"timestampNs\":\"1\",\"message\":\"\"}]}";
            case 4 ->
                "{\"envelopes\":[{\"contentTopic\":\"" + topic
                        + "\",\"timestampNs\":\"18446744073709551615\",\"message\":\"\"}]}";
            default ->
                "{\"envelopes\":[" + (Api.envelope(topic, 1, new byte[0]) + ",").repeat(101)
                        + Api.envelope(topic, 2, new byte[0]) + "]}";
        };
    }

    byte[] invalidUtf8(String s) {
        byte[] b = utf8(s);
        byte[] out = new byte[b.length + 2];
        int at = random.nextInt(b.length);
        System.arraycopy(b, 0, out, 0, at);
        out[at] = (byte) 0xC3;
        out[at + 1] = (byte) 0x28;
        System.arraycopy(b, at, out, at + 2, b.length - at);
        return out;
    }

    String hugeOrDeep() {
        return switch (random.nextInt(3)) {
            case 0 -> "{\"requests\":" + "[".repeat(5_000 + random.nextInt(5_000)) + "]".repeat(10) + "}";
            case 1 -> "{\"requests\":[" + "{\"contentTopics\":[\"/xmtp/0/a/proto\"]},".repeat(60) + "{}]}";
            default -> "{\"requests\":[{\"contentTopics\":[" + "\"/xmtp/0/t/proto\",".repeat(150) + "\"x\"]}]}";
        };
    }

    String badSubscribe() {
        return switch (random.nextInt(4)) {
            case 0 -> "{\"contentTopics\":[" + "\"/xmtp/0/t/proto\",".repeat(10_001) + "\"x\"]}";
            case 1 -> "{\"contentTopics\":[]}";
            case 2 -> "{\"contentTopics\":[\"" + "y".repeat(301) + "\"]}";
            default -> "{\"contentTopics\":" + random.nextInt() + "}";
        };
    }

    byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    String garbageBase64() {
        return Base64.getEncoder().encodeToString(randomBytes(1 + random.nextInt(400)));
    }

    String garbageText() {
        return new String(randomBytes(random.nextInt(40)), StandardCharsets.ISO_8859_1)
                .replaceAll("[\\r\\n\\x00-\\x1f\\x7f-\\xff]", "");
    }

    String randomIp() {
        return "198.18." + random.nextInt(256) + "." + random.nextInt(256);
    }

    void allow(Devnet devnet, String action) throws Exception {
        HttpResponse<String> r = Api.HTTP.send(
                HttpRequest.newBuilder(URI.create(devnet.gatewayManagementUrl() + "/actuator/wallets"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"list\":\"allow\",\"wallet\":\""
                                + wallet.walletAddress() + "\",\"action\":\"" + action + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
