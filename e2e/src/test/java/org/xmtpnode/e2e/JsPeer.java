package org.xmtpnode.e2e;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code @xmtp/xmtp-js} SDK in a Node.js process ({@code e2e/js/peer.mjs}), driven by JSON
 * lines: {@link #call} sends one request and answers its result.
 */
final class JsPeer implements AutoCloseable {

    private final Process process;
    private final Writer in;
    private final BufferedReader out;
    private int nextId = 1;

    private JsPeer(Process process) {
        this.process = process;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static JsPeer start(String apiUrl) throws Exception {
        Npm.ensureInstalled();
        ProcessBuilder pb = new ProcessBuilder("node", "peer.mjs")
                .directory(Npm.JS.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("XMTP_API_URL", apiUrl);
        return new JsPeer(pb.start());
    }

    /** Runs {@code op} with the given name/value pairs; answers the result, or fails with the SDK's error. */
    synchronized Value call(String op, Object... keyValues) throws IOException {
        Struct.Builder request =
                Struct.newBuilder().putFields("id", value(nextId++)).putFields("op", value(op));
        for (int i = 0; i < keyValues.length; i += 2) {
            request.putFields((String) keyValues[i], value(keyValues[i + 1]));
        }
        in.write(JsonFormat.printer().omittingInsignificantWhitespace().print(request) + "\n");
        in.flush();
        String line = out.readLine();
        if (line == null) {
            throw new AssertionError("the xmtp-js peer exited");
        }
        Struct answer = parse(line);
        if (!answer.getFieldsOrThrow("ok").getBoolValue()) {
            throw new AssertionError("xmtp-js failed " + op + ": "
                    + answer.getFieldsOrThrow("error").getStringValue());
        }
        return answer.getFieldsOrThrow("result");
    }

    static Struct parse(String json) throws InvalidProtocolBufferException {
        Struct.Builder b = Struct.newBuilder();
        JsonFormat.parser().merge(json, b);
        return b.build();
    }

    private static Value value(Object o) {
        if (o instanceof Value v) {
            return v;
        }
        if (o instanceof Boolean b) {
            return Value.newBuilder().setBoolValue(b).build();
        }
        if (o instanceof Number n) {
            return Value.newBuilder().setNumberValue(n.doubleValue()).build();
        }
        if (o instanceof List<?> list) {
            ListValue.Builder l = ListValue.newBuilder();
            list.forEach(x -> l.addValues(value(x)));
            return Value.newBuilder().setListValue(l).build();
        }
        return Value.newBuilder().setStringValue(String.valueOf(o)).build();
    }

    static String str(Value v, String field) {
        return v.getStructValue().getFieldsOrThrow(field).getStringValue();
    }

    @Override
    public void close() throws Exception {
        in.close();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
