package org.xmtpnode.core;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.xmtpnode.proto.api.BatchQueryResponse;
import org.xmtpnode.proto.api.Cursor;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.api.PagingInfo;
import org.xmtpnode.proto.api.QueryResponse;
import org.xmtpnode.proto.api.SortDirection;

/**
 * The wire's JSON: protobuf's JSON mapping as grpc-gateway spoke it (lowerCamelCase names, int64 as
 * strings, bytes as standard base64, enums by name, unknown fields ignored, unpopulated fields
 * printed).
 */
public final class WireJson {

    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().omittingInsignificantWhitespace().alwaysPrintFieldsWithNoPresence();

    /** The stream heartbeat: a result the SDKs ignore (a blank line would make them reconnect). */
    public static final byte[] HEARTBEAT_LINE = "{\"result\":{}}\n".getBytes(StandardCharsets.US_ASCII);

    /** Deepest nesting a request may have: the API's messages need 6; the cap keeps parsers off deep stacks. */
    public static final int MAX_NESTING = 32;

    private WireJson() {}

    /** The deepest nesting of objects and arrays, strings skipped; stops counting past the cap. */
    static int nestingDepth(String json) {
        int depth = 0;
        int max = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > max) {
                    max = depth;
                    if (max > MAX_NESTING) {
                        return max;
                    }
                }
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return max;
    }

    /**
     * Parses a request body of any content type as UTF-8 JSON into the builder.
     *
     * @throws ApiException with code 3 when the body is not valid UTF-8 or not the message's JSON
     */
    public static <B extends Message.Builder> B parse(byte[] body, B builder) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiException.invalid("request body is not valid UTF-8");
        }
        if (text.isBlank()) {
            text = "{}";
        }
        if (nestingDepth(text) > MAX_NESTING) {
            throw ApiException.invalid("request body nests deeper than " + MAX_NESTING + " levels");
        }
        try {
            PARSER.merge(text, builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw ApiException.invalid("invalid request body: " + safeReason(e));
        }
        return builder;
    }

    /** Parser messages name the field and what was wrong; keep them short and free of the input itself. */
    private static String safeReason(Exception e) {
        String msg = e.getMessage();
        if (msg == null || msg.isBlank()) {
            return "malformed JSON";
        }
        msg = msg.replaceAll("[\\r\\n\\t]+", " ");
        return msg.length() > 200 ? msg.substring(0, 200) + "…" : msg;
    }

    public static String print(Message message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(
                    "cannot print " + message.getDescriptorForType().getFullName(), e);
        }
    }

    public static byte[] printBytes(Message message) {
        return print(message).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code {"code":…,"message":…,"details":[]}} */
    public static byte[] errorBody(GrpcCode code, String message) {
        StringBuilder sb = new StringBuilder(64 + (message == null ? 0 : message.length()));
        sb.append("{\"code\":").append(code.code()).append(",\"message\":");
        appendJsonString(sb, message == null ? "" : message);
        sb.append(",\"details\":[]}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The error line that ends a stream: {@code {"error":{…}}\n}, as grpc-gateway writes it. */
    public static byte[] streamLineError(GrpcCode code, String message) {
        byte[] body = errorBody(code, message);
        byte[] line = new byte[body.length + 11];
        byte[] prefix = "{\"error\":".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, line, 0, prefix.length);
        System.arraycopy(body, 0, line, prefix.length, body.length);
        line[line.length - 2] = '}';
        line[line.length - 1] = '\n';
        return line;
    }

    /**
     * One stream line {@code {"result":<envelope>}\n}, written directly: it is made once per envelope and
     * shared by every subscriber, so it avoids the reflective printer.
     */
    public static byte[] streamLine(Envelope envelope) {
        return JsonBytes.write(out -> {
            out.ascii("{\"result\":");
            append(out, envelope);
            out.ascii("}\n");
        });
    }

    /**
     * A query's answer, written directly: the same JSON as the reflective printer gives, at a fraction
     * of its cost (a page holds up to 100 envelopes, and queries are most of a node's reads).
     */
    public static byte[] printBytes(QueryResponse response) {
        return JsonBytes.write(out -> append(out, response));
    }

    /** A batch query's answer, written directly (see {@link #printBytes(QueryResponse)}). */
    public static byte[] printBytes(BatchQueryResponse response) {
        return JsonBytes.write(out -> {
            out.ascii("{\"responses\":");
            array(out, response.getResponsesList(), WireJson::append);
            out.ascii("}");
        });
    }

    private static <T> void array(JsonBytes out, List<T> items, BiConsumer<JsonBytes, T> item) {
        out.ascii("[");
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.ascii(",");
            }
            item.accept(out, items.get(i));
        }
        out.ascii("]");
    }

    private static void append(JsonBytes out, QueryResponse response) {
        out.ascii("{\"envelopes\":");
        array(out, response.getEnvelopesList(), WireJson::append);
        if (response.hasPagingInfo()) {
            PagingInfo p = response.getPagingInfo();
            out.ascii(",\"pagingInfo\":{\"limit\":").ascii(Integer.toUnsignedString(p.getLimit()));
            if (p.hasCursor()) {
                out.ascii(",\"cursor\":{");
                if (p.getCursor().getCursorCase() == Cursor.CursorCase.INDEX) {
                    out.ascii("\"index\":{\"digest\":\"")
                            .base64(p.getCursor().getIndex().getDigest())
                            .ascii("\",\"senderTimeNs\":\"")
                            .ascii(Long.toUnsignedString(
                                    p.getCursor().getIndex().getSenderTimeNs()))
                            .ascii("\"}");
                }
                out.ascii("}");
            }
            out.ascii(",\"direction\":");
            if (p.getDirection() == SortDirection.UNRECOGNIZED) {
                out.ascii(Integer.toString(p.getDirectionValue()));
            } else {
                out.ascii("\"").ascii(p.getDirection().name()).ascii("\"");
            }
            out.ascii("}");
        }
        out.ascii("}");
    }

    /** One envelope as the printer writes it. */
    private static void append(JsonBytes out, Envelope e) {
        out.ascii("{\"contentTopic\":")
                .string(e.getContentTopic())
                .ascii(",\"timestampNs\":\"")
                .ascii(Long.toUnsignedString(e.getTimestampNs()))
                .ascii("\",\"message\":\"")
                .base64(e.getMessage())
                .ascii("\"}");
    }

    /**
     * The direct writers' output: UTF-8 JSON written straight into one array, the Base64 of bytes
     * included, with no string or builder copy between (a page of 100 envelopes of 1 KiB is 140 KB).
     * {@link #write} runs a writer twice: first to count the bytes, then into an array of exactly that
     * size, so the array is allocated once and handed out as it is.
     */
    private static final class JsonBytes {
        /** null while counting */
        private final byte[] buf;

        private int len;
        /** a message's Base64, reused for every message of one answer */
        private byte[] encoded = new byte[0];

        private final WholeArray whole = new WholeArray();

        private JsonBytes(byte[] buf) {
            this.buf = buf;
        }

        static byte[] write(Consumer<JsonBytes> writer) {
            JsonBytes count = new JsonBytes(null);
            writer.accept(count);
            JsonBytes out = new JsonBytes(new byte[count.len]);
            writer.accept(out);
            if (out.len != out.buf.length) {
                throw new IllegalStateException("counted " + out.buf.length + " bytes, wrote " + out.len);
            }
            return out.buf;
        }

        /** Text known to be ASCII: the JSON's own punctuation, names and numbers. */
        JsonBytes ascii(String s) {
            int n = s.length();
            if (buf != null) {
                for (int i = 0; i < n; i++) {
                    buf[len + i] = (byte) s.charAt(i);
                }
            }
            len += n;
            return this;
        }

        /** A JSON string literal, escaped as {@link #appendJsonString} escapes it. */
        JsonBytes string(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) {
                    StringBuilder sb = new StringBuilder(s.length() + 16);
                    appendJsonString(sb, s);
                    byte[] utf8 = sb.toString().getBytes(StandardCharsets.UTF_8);
                    return bytes(utf8, utf8.length);
                }
            }
            return ascii("\"").ascii(s).ascii("\"");
        }

        JsonBytes base64(ByteString bytes) {
            int size = 4 * ((bytes.size() + 2) / 3);
            if (buf == null) {
                len += size;
                return this;
            }
            if (encoded.length < size) {
                encoded = new byte[size];
            }
            return bytes(encoded, BASE64.encode(whole.of(bytes), encoded));
        }

        private JsonBytes bytes(byte[] b, int n) {
            if (buf != null) {
                System.arraycopy(b, 0, buf, len, n);
            }
            len += n;
            return this;
        }
    }

    /**
     * The array a {@link ByteString} holds, when it holds exactly its bytes (as one read from the store
     * does), without copying it; a copy otherwise.
     */
    private static final class WholeArray extends ByteOutput {
        private byte[] array;
        private int pieces;

        byte[] of(ByteString bytes) {
            array = null;
            pieces = 0;
            try {
                UnsafeByteOperations.unsafeWriteTo(bytes, this);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // this output never throws
            }
            byte[] a = pieces == 1 ? array : null;
            array = null;
            return a != null ? a : bytes.toByteArray();
        }

        @Override
        public void writeLazy(byte[] value, int offset, int length) {
            pieces++;
            array = offset == 0 && length == value.length ? value : null;
        }

        @Override
        public void write(byte[] value, int offset, int length) {
            pieces++;
        }

        @Override
        public void write(byte value) {
            pieces++;
        }

        @Override
        public void write(ByteBuffer value) {
            pieces++;
        }

        @Override
        public void writeLazy(ByteBuffer value) {
            pieces++;
        }
    }

    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    /** Appends {@code s} as a JSON string literal (quoted, escaped). */
    public static void appendJsonString(StringBuilder sb, CharSequence s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
