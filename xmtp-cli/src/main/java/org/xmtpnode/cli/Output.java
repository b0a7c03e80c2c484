package org.xmtpnode.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.time.Instant;
import org.xmtpnode.client.conversation.DecodedMessage;

/** Writes results as text lines, or as JSON lines with {@code --json}. */
final class Output {

    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    private final PrintWriter out;
    private final boolean json;

    Output(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    /** A line of text, or a JSON object of the given key/value pairs. */
    void line(String text, Object... keyValues) {
        if (!json) {
            out.println(text);
        } else {
            Struct.Builder s = Struct.newBuilder();
            for (int i = 0; i < keyValues.length; i += 2) {
                Object v = keyValues[i + 1];
                Value value = v instanceof Boolean b
                        ? Value.newBuilder().setBoolValue(b).build()
                        : Value.newBuilder().setStringValue(String.valueOf(v)).build();
                s.putFields((String) keyValues[i], value);
            }
            try {
                out.println(JSON.print(s));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        }
        out.flush();
    }

    /** {@code <ISO-8601 time> <sender address> <text>}. */
    void message(DecodedMessage m) {
        String text = m.text();
        line(
                Instant.ofEpochMilli(m.sent().toEpochMilli()) + " " + m.senderAddress() + " " + oneLine(text),
                "sent",
                m.sent().toString(),
                "sender",
                m.senderAddress(),
                "text",
                text,
                "contentType",
                m.content().type().toString(),
                "topic",
                m.topic(),
                "id",
                m.id());
    }

    /** Text output keeps one message per line: line breaks inside a message are shown as \n. */
    private static String oneLine(String text) {
        return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n");
    }
}
