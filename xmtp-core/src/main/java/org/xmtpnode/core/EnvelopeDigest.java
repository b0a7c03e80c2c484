package org.xmtpnode.core;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.xmtpnode.proto.api.Envelope;

/** An envelope's identity: sha256(content topic bytes ‖ message bytes), as the reference node computes it. */
public final class EnvelopeDigest {

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    });

    private EnvelopeDigest() {}

    public static byte[] of(String contentTopic, ByteString message) {
        MessageDigest sha = SHA256.get();
        sha.reset();
        sha.update(contentTopic.getBytes(StandardCharsets.UTF_8));
        sha.update(message.asReadOnlyByteBuffer());
        return sha.digest();
    }

    public static byte[] of(Envelope envelope) {
        return of(envelope.getContentTopic(), envelope.getMessage());
    }
}
