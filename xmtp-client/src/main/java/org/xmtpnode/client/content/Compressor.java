package org.xmtpnode.client.content;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.proto.contents.Compression;
import org.xmtpnode.proto.contents.EncodedContent;

/**
 * Compresses and decompresses {@link EncodedContent#getContent()} as xmtp-js does with the web's
 * CompressionStream: {@code deflate} is the zlib format (RFC 1950), {@code gzip} RFC 1952. Content
 * shorter than 10 bytes is sent uncompressed. Decompression stops at a bound, so a small message
 * cannot expand into a huge one.
 */
final class Compressor {

    /** xmtp-js does not compress content shorter than this. */
    static final int MIN_BYTES = 10;

    private Compressor() {}

    static EncodedContent compress(EncodedContent content, Compression compression) {
        if (content.getContent().size() < MIN_BYTES) {
            return content;
        }
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(content.getContent().size() / 2 + 16);
        try (OutputStream z = compression == Compression.COMPRESSION_GZIP
                ? new GZIPOutputStream(out)
                : new DeflaterOutputStream(out)) {
            content.getContent().writeTo(z);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory compression failed", e);
        }
        return content.toBuilder()
                .setCompression(compression)
                .setContent(ByteString.copyFrom(out.toByteArray()))
                .build();
    }

    /**
     * @throws InvalidMessageException when the content does not decompress or would exceed {@code
     *     maxBytes}
     */
    static EncodedContent decompress(EncodedContent content, int maxBytes) {
        if (!content.hasCompression()) {
            return content;
        }
        byte[] compressed = content.getContent().toByteArray();
        try (InputStream in = switch (content.getCompression()) {
            case COMPRESSION_GZIP -> new GZIPInputStream(new ByteArrayInputStream(compressed));
            case COMPRESSION_DEFLATE -> new InflaterInputStream(new ByteArrayInputStream(compressed));
            default -> throw new InvalidMessageException("unrecognized compression " + content.getCompressionValue());
        }) {
            byte[] plain = in.readNBytes(maxBytes + 1);
            if (plain.length > maxBytes) {
                throw new InvalidMessageException("content decompresses to more than " + maxBytes + " bytes");
            }
            return content.toBuilder()
                    .clearCompression()
                    .setContent(ByteString.copyFrom(plain))
                    .build();
        } catch (IOException e) {
            throw new InvalidMessageException("content does not decompress");
        }
    }
}
