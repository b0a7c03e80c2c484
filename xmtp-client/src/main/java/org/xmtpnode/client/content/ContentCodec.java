package org.xmtpnode.client.content;

import java.util.Optional;
import org.xmtpnode.proto.contents.EncodedContent;

/**
 * Turns one kind of content into {@link EncodedContent} and back. Register codecs with a {@link
 * CodecRegistry}; the receiver of a type it has no codec for shows the sender's fallback text.
 */
public interface ContentCodec<T> {

    ContentTypeId contentType();

    EncodedContent encode(T content);

    /**
     * @throws IllegalArgumentException when the encoded content is not valid for this type
     */
    T decode(EncodedContent content);

    /** A human-readable description for receivers that cannot decode this type. */
    default Optional<String> fallback(T content) {
        return Optional.empty();
    }

    /** Whether receivers should be notified (V2 messages carry this for push servers). */
    default boolean shouldPush(T content) {
        return true;
    }
}
