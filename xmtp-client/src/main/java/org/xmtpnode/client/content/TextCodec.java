package org.xmtpnode.client.content;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.xmtpnode.proto.contents.EncodedContent;

/** {@code xmtp.org/text:1.0}: UTF-8 text, with the parameter {@code encoding=UTF-8}. */
public final class TextCodec implements ContentCodec<String> {

    public static final ContentTypeId TYPE = new ContentTypeId("xmtp.org", "text", 1, 0);

    @Override
    public ContentTypeId contentType() {
        return TYPE;
    }

    @Override
    public EncodedContent encode(String content) {
        return EncodedContent.newBuilder()
                .setType(TYPE.toProto())
                .putParameters("encoding", "UTF-8")
                .setContent(ByteString.copyFromUtf8(content))
                .build();
    }

    @Override
    public String decode(EncodedContent content) {
        String encoding = content.getParametersOrDefault("encoding", "");
        if (!"UTF-8".equals(encoding)) {
            throw new IllegalArgumentException("unrecognized text encoding " + encoding);
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content.getContent().toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("text is not valid UTF-8");
        }
    }
}
