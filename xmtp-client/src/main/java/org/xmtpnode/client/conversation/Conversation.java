package org.xmtpnode.client.conversation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.xmtpnode.client.ClientTopics;
import org.xmtpnode.client.XmtpException;
import org.xmtpnode.client.api.QueryOptions;
import org.xmtpnode.client.api.Subscription;
import org.xmtpnode.client.content.CodecRegistry;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.proto.api.Envelope;

/**
 * A conversation with one peer, V1 ({@code dm-} topic, per-message ECDH) or V2 ({@code m-} topic,
 * keys from an invitation). Everything read from it is verified; what fails verification is dropped
 * and reported, never shown as a message from the claimed sender.
 */
public abstract sealed class Conversation permits ConversationV1, ConversationV2 {

    final ConversationContext ctx;
    private final String topic;
    private final String peerAddress;
    private final Instant createdAt;

    Conversation(ConversationContext ctx, String topic, String peerAddress, Instant createdAt) {
        this.ctx = ctx;
        this.topic = topic;
        this.peerAddress = peerAddress;
        this.createdAt = createdAt;
    }

    /** "v1" or "v2". */
    public abstract String version();

    public String topic() {
        return topic;
    }

    /** Where ephemeral messages of this conversation travel (streamed, never stored). */
    public String ephemeralTopic() {
        return ClientTopics.ephemeral(topic);
    }

    public String peerAddress() {
        return peerAddress;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** The V2 conversation id ("" for none, and for V1). */
    public String conversationId() {
        return "";
    }

    /** The V2 conversation metadata (empty for none, and for V1). */
    public Map<String, String> metadata() {
        return Map.of();
    }

    public DecodedMessage send(String text) {
        return send(text, SendOptions.TEXT);
    }

    /**
     * Encodes, encrypts and publishes content. Sending allows the peer in the consent list when it had
     * no state, as xmtp-js does.
     */
    public DecodedMessage send(Object content, SendOptions options) {
        CodecRegistry.EncodedPayload payload =
                ctx.codecs().encode(content, options.contentType(), options.compression());
        long sentNs = ctx.clock().millis() * 1_000_000L;
        Envelope sent = seal(payload, sentNs, options.ephemeral() ? ephemeralTopic() : topic);
        publish(sent);
        if (!options.ephemeral()) {
            ctx.consent().allowIfUnknown(peerAddress);
        }
        return decode(sent);
    }

    /** The stored messages per the options; messages that fail verification are skipped. */
    public List<DecodedMessage> messages(QueryOptions options) {
        return messages(options, rejected -> {});
    }

    /** The stored messages per the options; each that fails verification is dropped and reported. */
    public List<DecodedMessage> messages(QueryOptions options, Consumer<InvalidMessageException> onRejected) {
        List<DecodedMessage> out = new ArrayList<>();
        for (Envelope e : ctx.api().query(topic, options)) {
            try {
                out.add(decode(e));
            } catch (InvalidMessageException rejected) {
                onRejected.accept(rejected);
            }
        }
        return out;
    }

    /** New messages of this conversation as they are published. */
    public Subscription streamMessages(StreamListener<DecodedMessage> listener) {
        return stream(topic, listener);
    }

    /** New ephemeral messages of this conversation. */
    public Subscription streamEphemeral(StreamListener<DecodedMessage> listener) {
        return stream(ephemeralTopic(), listener);
    }

    private Subscription stream(String on, StreamListener<DecodedMessage> listener) {
        return ctx.api().subscribe(List.of(on), new Subscription.Listener() {
            @Override
            public void onEnvelope(Envelope envelope) {
                DecodedMessage m;
                try {
                    m = decode(envelope);
                } catch (InvalidMessageException e) {
                    listener.onError(e);
                    return;
                }
                listener.onItem(m);
            }

            @Override
            public void onError(XmtpException error, boolean terminal) {
                listener.onError(error);
            }
        });
    }

    /**
     * Opens and verifies one envelope of this conversation.
     *
     * @throws InvalidMessageException when it fails verification or is not from this conversation's
     *     two parties
     */
    public DecodedMessage decode(Envelope envelope) {
        SealedMessage opened = open(envelope.getMessage().toByteArray());
        String sender = opened.senderAddress();
        if (!sender.equalsIgnoreCase(peerAddress)
                && !sender.equalsIgnoreCase(ctx.keys().walletAddress())) {
            throw new InvalidMessageException("message signed by " + sender + ", who is not in this conversation");
        }
        return new DecodedMessage(
                opened.id(),
                topic,
                sender,
                Instant.ofEpochSecond(0, opened.sentNs()),
                ctx.codecs().decode(opened.payload()));
    }

    abstract SealedMessage open(byte[] messageBytes);

    abstract Envelope seal(CodecRegistry.EncodedPayload payload, long sentNs, String onTopic);

    abstract void publish(Envelope envelope);

    @Override
    public String toString() {
        return version() + " conversation with " + peerAddress + " on " + topic;
    }
}
