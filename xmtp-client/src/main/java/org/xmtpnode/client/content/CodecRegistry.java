package org.xmtpnode.client.content;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.core.Limits;
import org.xmtpnode.proto.contents.Compression;
import org.xmtpnode.proto.contents.EncodedContent;

/**
 * The codecs a client knows, by authority and type id ({@code xmtp.org/text} is always there). A
 * codec serves every version up to its own major version, as in xmtp-js.
 */
public final class CodecRegistry {

    /** Encoded content, serialized, and whether receivers should be notified of it. */
    public record EncodedPayload(byte[] bytes, boolean shouldPush) {}

    private final Map<String, ContentCodec<?>> codecs = new ConcurrentHashMap<>();

    public CodecRegistry() {
        register(new TextCodec());
    }

    public CodecRegistry register(ContentCodec<?> codec) {
        codecs.put(key(codec.contentType()), codec);
        return this;
    }

    /** The codec for a type, or null when none serves it. */
    public ContentCodec<?> codecFor(ContentTypeId type) {
        ContentCodec<?> codec = codecs.get(key(type));
        return codec == null || type.versionMajor() > codec.contentType().versionMajor() ? null : codec;
    }

    /**
     * Encodes content of the given type, compressed when asked (content under 10 bytes never is).
     *
     * @param compression null for none
     * @throws IllegalArgumentException when no codec serves the type or the content is not its kind
     */
    public EncodedPayload encode(Object content, ContentTypeId type, Compression compression) {
        @SuppressWarnings("unchecked")
        ContentCodec<Object> codec = (ContentCodec<Object>) codecFor(type);
        if (codec == null) {
            throw new IllegalArgumentException("no codec for content type " + type);
        }
        EncodedContent encoded;
        try {
            encoded = codec.encode(content);
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("content is not of the kind " + type + " encodes");
        }
        String fallback = codec.fallback(content).orElse(null);
        if (fallback != null) {
            encoded = encoded.toBuilder().setFallback(fallback).build();
        }
        if (compression != null) {
            encoded = Compressor.compress(encoded, compression);
        }
        return new EncodedPayload(encoded.toByteArray(), codec.shouldPush(content));
    }

    /**
     * Decodes serialized {@link EncodedContent}. Content of a type without a codec, or that its codec
     * refuses, comes back undecoded with the sender's fallback and the reason.
     *
     * @throws InvalidMessageException when the bytes are not encoded content or do not decompress
     */
    public DecodedContent decode(byte[] bytes) {
        EncodedContent encoded;
        try {
            encoded = EncodedContent.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidMessageException("message content is malformed");
        }
        if (!encoded.hasType()) {
            throw new InvalidMessageException("message content has no content type");
        }
        ContentTypeId type = ContentTypeId.fromProto(encoded.getType());
        String fallback = encoded.hasFallback() ? encoded.getFallback() : null;
        encoded = Compressor.decompress(encoded, Limits.MAX_MESSAGE_BYTES);
        ContentCodec<?> codec = codecFor(type);
        if (codec == null) {
            return new DecodedContent(type, null, fallback, "unknown content type " + type);
        }
        try {
            return new DecodedContent(type, codec.decode(encoded), fallback, null);
        } catch (IllegalArgumentException e) {
            return new DecodedContent(type, null, fallback, e.getMessage());
        }
    }

    private static String key(ContentTypeId type) {
        return type.authorityId() + "/" + type.typeId();
    }
}
