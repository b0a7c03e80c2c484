package org.xmtpnode.client.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.proto.contents.Compression;
import org.xmtpnode.proto.contents.EncodedContent;

class CodecRegistryTest {

    final CodecRegistry codecs = new CodecRegistry();

    @Test
    void textRoundTripsCompressedEitherWayAndShortContentStaysUncompressed() throws Exception {
        String text = "ünïcödé ✓ ".repeat(40);
        for (Compression c : new Compression[] {Compression.COMPRESSION_DEFLATE, Compression.COMPRESSION_GZIP}) {
            byte[] bytes = codecs.encode(text, TextCodec.TYPE, c).bytes();
            EncodedContent encoded = EncodedContent.parseFrom(bytes);
            assertThat(encoded.getCompression()).isEqualTo(c);
            assertThat(encoded.getContent().size()).isLessThan(text.length());
            assertThat(codecs.decode(bytes).content()).isEqualTo(text);
        }
        EncodedContent shortOne =
                EncodedContent.parseFrom(codecs.encode("gm", TextCodec.TYPE, Compression.COMPRESSION_GZIP)
                        .bytes());
        assertThat(shortOne.hasCompression()).isFalse();
    }

    @Test
    void aTypeWithoutACodecComesWithItsFallbackAndANewerMajorVersionIsNotDecoded() {
        ContentTypeId reaction = new ContentTypeId("xmtp.org", "reaction", 1, 0);
        byte[] bytes = EncodedContent.newBuilder()
                .setType(reaction.toProto())
                .setFallback("Reacted 👍")
                .setContent(ByteString.copyFromUtf8("{}"))
                .build()
                .toByteArray();
        DecodedContent d = codecs.decode(bytes);
        assertThat(d.content()).isNull();
        assertThat(d.text()).isEqualTo("Reacted 👍");
        assertThat(d.error()).contains("xmtp.org/reaction:1.0");

        byte[] textV2 = EncodedContent.newBuilder()
                .setType(new ContentTypeId("xmtp.org", "text", 2, 0).toProto())
                .putParameters("encoding", "UTF-8")
                .setContent(ByteString.copyFromUtf8("hi"))
                .build()
                .toByteArray();
        assertThat(codecs.decode(textV2).content()).isNull();
    }

    @Test
    void aRegisteredCodecEncodesWithItsFallback() {
        ContentTypeId number = new ContentTypeId("example.org", "number", 1, 0);
        codecs.register(new ContentCodec<Integer>() {
            @Override
            public ContentTypeId contentType() {
                return number;
            }

            @Override
            public EncodedContent encode(Integer n) {
                return EncodedContent.newBuilder()
                        .setType(number.toProto())
                        .setContent(ByteString.copyFromUtf8(n.toString()))
                        .build();
            }

            @Override
            public Integer decode(EncodedContent c) {
                return Integer.valueOf(c.getContent().toStringUtf8());
            }

            @Override
            public Optional<String> fallback(Integer n) {
                return Optional.of("a number: " + n);
            }
        });
        byte[] bytes = codecs.encode(42, number, null).bytes();
        assertThat(codecs.decode(bytes).content()).isEqualTo(42);
        assertThat(new CodecRegistry().decode(bytes).text()).isEqualTo("a number: 42");
        assertThatThrownBy(() -> codecs.encode("not a number", number, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void contentThatDecompressesBeyondTheBoundOrNotAtAllIsRefused() throws Exception {
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bomb)) {
            z.write(new byte[2 * 1024 * 1024]);
        }
        EncodedContent big = new TextCodec()
                .encode("x").toBuilder()
                        .setCompression(Compression.COMPRESSION_GZIP)
                        .setContent(ByteString.copyFrom(bomb.toByteArray()))
                        .build();
        assertThatThrownBy(() -> codecs.decode(big.toByteArray()))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("more than");
        EncodedContent garbage =
                big.toBuilder().setContent(ByteString.copyFromUtf8("not gzip")).build();
        assertThatThrownBy(() -> codecs.decode(garbage.toByteArray()))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("does not decompress");
    }
}
