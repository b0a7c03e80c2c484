package org.xmtpnode.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xmtpnode.proto.api.BatchQueryResponse;
import org.xmtpnode.proto.api.Cursor;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.api.IndexCursor;
import org.xmtpnode.proto.api.PagingInfo;
import org.xmtpnode.proto.api.PublishRequest;
import org.xmtpnode.proto.api.QueryRequest;
import org.xmtpnode.proto.api.QueryResponse;
import org.xmtpnode.proto.api.SortDirection;

class WireJsonTest {

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsTheSdksPublishBody() {
        PublishRequest r = WireJson.parse(
                        utf8("{\"envelopes\":[{\"contentTopic\":\"/xmtp/0/m-abc/proto\","
                                + "\"timestampNs\":\"1700000000123456789\",\"message\":\"aGk=\"}]}"),
                        PublishRequest.newBuilder())
                .build();
        Envelope e = r.getEnvelopes(0);
        assertThat(e.getContentTopic()).isEqualTo("/xmtp/0/m-abc/proto");
        assertThat(e.getTimestampNs()).isEqualTo(1_700_000_000_123_456_789L);
        assertThat(e.getMessage().toStringUtf8()).isEqualTo("hi");
    }

    @Test
    void writesInt64AsStringsBytesAsStandardBase64AndEnumsByName() {
        byte[] message = {(byte) 0xfb, (byte) 0xff, (byte) 0xfe}; // "+//+" in standard, "-__-" in URL-safe base64
        QueryResponse response = QueryResponse.newBuilder()
                .addEnvelopes(Envelope.newBuilder()
                        .setContentTopic("t")
                        .setTimestampNs(-1L) // 2^64-1 unsigned
                        .setMessage(ByteString.copyFrom(message)))
                .setPagingInfo(
                        PagingInfo.newBuilder().setLimit(100).setDirection(SortDirection.SORT_DIRECTION_DESCENDING))
                .build();
        assertThat(WireJson.print(response))
                .isEqualTo("{\"envelopes\":[{\"contentTopic\":\"t\","
                        + "\"timestampNs\":\"18446744073709551615\",\"message\":\"+//+\"}],"
                        + "\"pagingInfo\":{\"limit\":100,\"direction\":\"SORT_DIRECTION_DESCENDING\"}}");
    }

    @Test
    void anEmptyResultStillCarriesItsFields() {
        assertThat(WireJson.print(QueryResponse.getDefaultInstance())).isEqualTo("{\"envelopes\":[]}");
    }

    @Test
    void streamLineMatchesThePrinter() {
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            byte[] message = new byte[random.nextInt(300)];
            random.nextBytes(message);
            String topic = "/xmtp/0/m-" + i + (i % 3 == 0 ? "\"quoted\\é\n" : "") + "/proto";
            Envelope e = Envelope.newBuilder()
                    .setContentTopic(topic)
                    .setTimestampNs(random.nextLong())
                    .setMessage(ByteString.copyFrom(message))
                    .build();
            String line = new String(WireJson.streamLine(e), StandardCharsets.UTF_8);
            assertThat(line).endsWith("}\n");
            String inner = line.substring("{\"result\":".length(), line.length() - 2);
            assertThat(WireJson.parse(utf8(inner), Envelope.newBuilder()).build())
                    .isEqualTo(e);
            assertThat(inner).contains(Base64.getEncoder().encodeToString(message));
        }
    }

    static QueryResponse randomResponse(Random random, boolean oddTopics) {
        QueryResponse.Builder r = QueryResponse.newBuilder();
        int n = random.nextInt(4) == 0 ? 0 : random.nextInt(20);
        for (int i = 0; i < n; i++) {
            byte[] message = new byte[random.nextInt(300)];
            random.nextBytes(message);
            String topic = "/xmtp/0/m-" + Long.toHexString(random.nextLong())
                    + (oddTopics ? "\"<q>&=' \\é\u2028😀" : "") + "/proto";
            r.addEnvelopes(Envelope.newBuilder()
                    .setContentTopic(topic)
                    .setTimestampNs(random.nextLong())
                    .setMessage(held(message, random)));
        }
        if (random.nextInt(5) > 0) {
            PagingInfo.Builder p = PagingInfo.newBuilder()
                    .setLimit(random.nextInt(3) == 0 ? -1 : random.nextInt(101))
                    .setDirectionValue(random.nextInt(4));
            int cursor = random.nextInt(3);
            if (cursor == 1) {
                byte[] digest = new byte[32];
                random.nextBytes(digest);
                p.setCursor(Cursor.newBuilder()
                        .setIndex(IndexCursor.newBuilder()
                                .setDigest(ByteString.copyFrom(digest))
                                .setSenderTimeNs(random.nextLong())));
            } else if (cursor == 2) {
                p.setCursor(Cursor.getDefaultInstance());
            }
            r.setPagingInfo(p);
        }
        return r.build();
    }

    /**
     * The bytes in one of the ways a {@link ByteString} can hold them: an array of exactly those bytes (as
     * the store reads them), a part of a larger array (as a parsed message's fields), or pieces.
     */
    static ByteString held(byte[] message, Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> UnsafeByteOperations.unsafeWrap(message);
            case 1 -> {
                byte[] larger = new byte[message.length + 8];
                System.arraycopy(message, 0, larger, 4, message.length);
                yield UnsafeByteOperations.unsafeWrap(larger, 4, message.length);
            }
            default -> {
                int half = message.length / 2;
                yield UnsafeByteOperations.unsafeWrap(message, 0, half)
                        .concat(UnsafeByteOperations.unsafeWrap(message, half, message.length - half));
            }
        };
    }

    @Test
    void queryAnswersWrittenDirectlyAreThePrintersJson() {
        Random random = new Random(11);
        BatchQueryResponse.Builder batch = BatchQueryResponse.newBuilder();
        for (int i = 0; i < 300; i++) {
            QueryResponse r = randomResponse(random, false);
            batch.addResponses(r);
            assertThat(new String(WireJson.printBytes(r), StandardCharsets.UTF_8))
                    .isEqualTo(WireJson.print(r));
        }
        assertThat(new String(WireJson.printBytes(batch.build()), StandardCharsets.UTF_8))
                .isEqualTo(WireJson.print(batch.build()));
        assertThat(WireJson.printBytes(BatchQueryResponse.getDefaultInstance()))
                .isEqualTo(utf8(WireJson.print(BatchQueryResponse.getDefaultInstance())));
    }

    @Test
    void queryAnswersWithOddTopicsReadBackAsTheSameMessage() {
        Random random = new Random(13);
        for (int i = 0; i < 300; i++) {
            QueryResponse r = randomResponse(random, true);
            assertThat(WireJson.parse(WireJson.printBytes(r), QueryResponse.newBuilder())
                            .build())
                    .isEqualTo(r);
        }
    }

    @Test
    void unknownFieldsAreIgnoredButWrongTypesAreRefused() {
        QueryRequest q = WireJson.parse(
                        utf8("{\"contentTopics\":[\"a\"],\"future\":{\"x\":1}}"), QueryRequest.newBuilder())
                .build();
        assertThat(q.getContentTopicsList()).containsExactly("a");
        assertThatThrownBy(() -> WireJson.parse(utf8("{\"contentTopics\":7}"), QueryRequest.newBuilder()))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo(GrpcCode.INVALID_ARGUMENT));
    }

    @Test
    void refusesBrokenJsonInvalidUtf8AndBadBase64() {
        for (byte[] body : new byte[][] {
            utf8("{"),
            utf8("[]"),
            utf8("{\"envelopes\":[{\"message\":\"%%%\"}]}"),
            utf8("{\"envelopes\":[{\"timestampNs\":\"-5x\"}]}"),
            {'{', (byte) 0xff, '}'},
            utf8("{\"envelopes\":[{\"timestampNs\":\"99999999999999999999999\"}]}")
        }) {
            assertThatThrownBy(() -> WireJson.parse(body, PublishRequest.newBuilder()))
                    .as(new String(body, StandardCharsets.ISO_8859_1))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(400);
                        assertThat(e.code()).isEqualTo(GrpcCode.INVALID_ARGUMENT);
                    });
        }
    }

    @Test
    void randomBytesNeverParseIntoSomethingUnchecked() {
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            byte[] body = new byte[random.nextInt(64)];
            random.nextBytes(body);
            try {
                WireJson.parse(body, PublishRequest.newBuilder());
            } catch (ApiException e) {
                assertThat(e.code()).isEqualTo(GrpcCode.INVALID_ARGUMENT);
            }
        }
    }

    @Test
    void errorBodiesEscapeTheirMessage() {
        assertThat(new String(WireJson.errorBody(GrpcCode.UNAVAILABLE, "a \"b\"\n"), StandardCharsets.UTF_8))
                .isEqualTo("{\"code\":14,\"message\":\"a \\\"b\\\"\\n\",\"details\":[]}");
        assertThat(new String(WireJson.streamLineError(GrpcCode.RESOURCE_EXHAUSTED, "slow"), StandardCharsets.UTF_8))
                .isEqualTo("{\"error\":{\"code\":8,\"message\":\"slow\",\"details\":[]}}\n");
    }

    @Test
    void deepNestingIsRefusedBeforeParsing() {
        String deep = "{\"envelopes\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThatThrownBy(() -> WireJson.parse(utf8(deep), PublishRequest.newBuilder()))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.getMessage()).contains("nests deeper"));
        // brackets inside strings do not count
        QueryRequest q = WireJson.parse(
                        utf8("{\"contentTopics\":[\"" + "[{".repeat(50) + "\\\"\"]}"), QueryRequest.newBuilder())
                .build();
        assertThat(q.getContentTopics(0)).startsWith("[{[{");
    }
}
