package org.xmtpnode.client.conversation;

import org.xmtpnode.client.content.ContentTypeId;
import org.xmtpnode.client.content.TextCodec;
import org.xmtpnode.proto.contents.Compression;

/**
 * How to send: the content's type, its compression (null: none) and whether the message is ephemeral
 * (relayed to live streams on the conversation's ephemeral topic, never stored).
 */
public record SendOptions(ContentTypeId contentType, Compression compression, boolean ephemeral) {

    public static final SendOptions TEXT = new SendOptions(TextCodec.TYPE, null, false);

    public static SendOptions of(ContentTypeId type) {
        return new SendOptions(type, null, false);
    }

    public SendOptions compressed(Compression c) {
        return new SendOptions(contentType, c, ephemeral);
    }

    public SendOptions asEphemeral() {
        return new SendOptions(contentType, compression, true);
    }
}
