package org.xmtpnode.client;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The known-answer vectors that {@code e2e/js/kat-vectors.mjs} made with the real @xmtp/xmtp-js 13.0.4
 * ({@code src/test/resources/xmtp-js-vectors.json}).
 */
public final class XmtpJsVectors {

    private static final Struct ROOT = load();

    private XmtpJsVectors() {}

    private static Struct load() {
        try (InputStream in = XmtpJsVectors.class.getResourceAsStream("/xmtp-js-vectors.json")) {
            Struct.Builder b = Struct.newBuilder();
            JsonFormat.parser().merge(new String(in.readAllBytes(), StandardCharsets.UTF_8), b);
            return b.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value at a dotted path, e.g. {@code alice.address} or {@code invites.1.topic}. */
    public static Value value(String path) {
        Value v = Value.newBuilder().setStructValue(ROOT).build();
        for (String part : path.split("\\.", -1)) {
            v = v.hasListValue()
                    ? v.getListValue().getValues(Integer.parseInt(part))
                    : v.getStructValue().getFieldsOrThrow(part);
        }
        return v;
    }

    public static String string(String path) {
        return value(path).getStringValue();
    }

    public static byte[] bytes(String path) {
        return Base64.getDecoder().decode(string(path));
    }

    public static long number(String path) {
        Value v = value(path);
        return v.hasStringValue() ? Long.parseLong(v.getStringValue()) : (long) v.getNumberValue();
    }
}
