package org.xmtpnode.core;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
        StringBuilder sb = new StringBuilder(
                envelope.getContentTopic().length() + envelope.getMessage().size() * 4 / 3 + 80);
        sb.append("{\"result\":");
        append(sb, envelope);
        sb.append("}\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A query's answer, written directly: the same JSON as the reflective printer gives, at a fraction
     * of its cost (a page holds up to 100 envelopes, and queries are most of a node's reads).
     */
    public static byte[] printBytes(QueryResponse response) {
        StringBuilder sb = new StringBuilder(256 + response.getEnvelopesCount() * 96);
        append(sb, response);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A batch query's answer, written directly (see {@link #printBytes(QueryResponse)}). */
    public static byte[] printBytes(BatchQueryResponse response) {
        StringBuilder sb = new StringBuilder(1024);
        sb.append("{\"responses\":[");
        for (int i = 0; i < response.getResponsesCount(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            append(sb, response.getResponses(i));
        }
        sb.append("]}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void append(StringBuilder sb, QueryResponse response) {
        sb.append("{\"envelopes\":[");
        for (int i = 0; i < response.getEnvelopesCount(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            append(sb, response.getEnvelopes(i));
        }
        sb.append(']');
        if (response.hasPagingInfo()) {
            PagingInfo p = response.getPagingInfo();
            sb.append(",\"pagingInfo\":{\"limit\":").append(Integer.toUnsignedString(p.getLimit()));
            if (p.hasCursor()) {
                sb.append(",\"cursor\":{");
                if (p.getCursor().getCursorCase() == Cursor.CursorCase.INDEX) {
                    sb.append("\"index\":{\"digest\":\"")
                            .append(BASE64.encodeToString(
                                    p.getCursor().getIndex().getDigest().toByteArray()))
                            .append("\",\"senderTimeNs\":\"")
                            .append(Long.toUnsignedString(
                                    p.getCursor().getIndex().getSenderTimeNs()))
                            .append("\"}");
                }
                sb.append('}');
            }
            sb.append(",\"direction\":");
            if (p.getDirection() == SortDirection.UNRECOGNIZED) {
                sb.append(p.getDirectionValue());
            } else {
                sb.append('"').append(p.getDirection().name()).append('"');
            }
            sb.append('}');
        }
        sb.append('}');
    }

    /** One envelope as the printer writes it. */
    private static void append(StringBuilder sb, Envelope e) {
        sb.append("{\"contentTopic\":");
        appendJsonString(sb, e.getContentTopic());
        sb.append(",\"timestampNs\":\"")
                .append(Long.toUnsignedString(e.getTimestampNs()))
                .append("\",\"message\":\"")
                .append(BASE64.encodeToString(e.getMessage().toByteArray()))
                .append("\"}");
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
