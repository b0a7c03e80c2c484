package org.xmtpnode.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Value;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmtpnode.client.ClientOptions;
import org.xmtpnode.client.XmtpClient;
import org.xmtpnode.client.XmtpException;
import org.xmtpnode.client.api.QueryOptions;
import org.xmtpnode.client.api.Subscription;
import org.xmtpnode.client.consent.ConsentState;
import org.xmtpnode.client.conversation.Conversation;
import org.xmtpnode.client.conversation.DecodedMessage;
import org.xmtpnode.client.conversation.SendOptions;
import org.xmtpnode.client.conversation.StreamListener;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.client.identity.LocalWallet;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.contents.Compression;

/**
 * The Java client and the real {@code @xmtp/xmtp-js} 13.0.4 on one local network, both ways: contact
 * lookup, V2 and V1 conversations, streams, identities loaded across SDKs, consent, and forged
 * envelopes on the network.
 */
class ClientInteropIT {

    static final SecureRandom RANDOM = new SecureRandom();
    static final Duration STREAM_WAIT = Duration.ofSeconds(20);
    static JsPeer js;
    static ClientOptions options;

    @BeforeAll
    static void start() throws Exception {
        String api = SharedDevnet.get().apiUrl();
        options = ClientOptions.forApi(URI.create(api));
        js = JsPeer.start(api);
    }

    @AfterAll
    static void stop() throws Exception {
        if (js != null) {
            js.close();
        }
    }

    /** A fresh wallet key as hex, for both SDKs. */
    static String walletKey() {
        while (true) {
            byte[] k = new byte[32];
            RANDOM.nextBytes(k);
            String hex = "0x" + HexFormat.of().formatHex(k);
            try {
                LocalWallet.fromHex(hex);
                return hex;
            } catch (IllegalArgumentException outOfRange) {
                // draw again
            }
        }
    }

    static XmtpClient javaClient(String key) {
        return XmtpClient.create(LocalWallet.fromHex(key), options);
    }

    /** Starts an xmtp-js client named {@code as}; answers what it reports (address, identityKey). */
    static Value jsClient(String as, String key, boolean legacy) throws Exception {
        return js.call("create", "as", as, "walletKey", key, "legacy", legacy);
    }

    static List<String> field(Value list, String name) {
        return list.getListValue().getValuesList().stream()
                .map(v -> JsPeer.str(v, name))
                .toList();
    }

    /** Collects a stream's items; fails the test on the first error it reports. */
    static final class Collector<T> implements StreamListener<T> {
        final List<T> items = Collections.synchronizedList(new ArrayList<>());
        final List<XmtpException> errors = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onItem(T item) {
            items.add(item);
        }

        @Override
        public void onError(XmtpException error) {
            errors.add(error);
        }
    }

    @Test
    void javaAndJsIdentitiesSeeEachOther() throws Exception {
        XmtpClient java = javaClient(walletKey());
        String jsAddress = JsPeer.str(jsClient("see", walletKey(), false), "address");

        assertThat(java.canMessage(jsAddress)).isTrue();
        assertThat(java.canMessage(List.of(jsAddress, LocalWallet.generate().address())))
                .containsExactly(true, false);
        Value seen = js.call("canMessage", "as", "see", "addresses", List.of(java.address()));
        assertThat(seen.getListValue().getValues(0).getBoolValue()).isTrue();
    }

    @Test
    void v2JsOpensJavaReadsAndRepliesJsReadsBothInOrder() throws Exception {
        XmtpClient java = javaClient(walletKey());
        String jsAddress = JsPeer.str(jsClient("v2a", walletKey(), false), "address");

        js.call("send", "as", "v2a", "peer", java.address(), "text", "gm from xmtp-js ✓");
        List<Conversation> conversations = java.conversations().list();
        assertThat(conversations)
                .extracting(Conversation::version, Conversation::peerAddress)
                .containsExactly(tuple("v2", jsAddress));
        Conversation c = conversations.get(0);
        assertThat(c.messages(QueryOptions.all()))
                .extracting(DecodedMessage::senderAddress, DecodedMessage::text)
                .containsExactly(tuple(jsAddress, "gm from xmtp-js ✓"));

        c.send("gm from Java");

        Value atJs = js.call("messages", "as", "v2a", "peer", java.address());
        assertThat(field(atJs, "text")).containsExactly("gm from xmtp-js ✓", "gm from Java");
        assertThat(field(atJs, "sender")).containsExactly(jsAddress, java.address());
    }

    @Test
    void v2JavaOpensJsReadsAndRepliesJavaReadsBothInOrder() throws Exception {
        XmtpClient java = javaClient(walletKey());
        String jsAddress = JsPeer.str(jsClient("v2b", walletKey(), false), "address");

        Conversation c = java.conversations().newConversation(jsAddress, "example.org/thread/7", Map.of("title", "7"));
        c.send("hello from Java");

        Value listed = js.call("conversations", "as", "v2b");
        assertThat(field(listed, "topic")).containsExactly(c.topic());
        assertThat(field(listed, "conversationId")).containsExactly("example.org/thread/7");
        js.call(
                "send",
                "as",
                "v2b",
                "peer",
                java.address(),
                "text",
                "hello back",
                "conversationId",
                "example.org/thread/7");

        assertThat(c.messages(QueryOptions.all()))
                .extracting(DecodedMessage::senderAddress, DecodedMessage::text)
                .containsExactly(tuple(java.address(), "hello from Java"), tuple(jsAddress, "hello back"));
        assertThat(field(js.call("messages", "as", "v2b", "peer", java.address()), "text"))
                .containsExactly("hello from Java", "hello back");
    }

    @Test
    void v1BothWaysWithAPeerThatHasOnlyAV1Bundle() throws Exception {
        String javaKey = walletKey();
        XmtpClient java = javaClient(javaKey);
        String legacy = JsPeer.str(jsClient("v1", walletKey(), true), "address");

        Conversation c = java.conversations().newConversation(legacy);
        assertThat(c.version()).isEqualTo("v1");
        c.send("hello over V1");
        Value reply = js.call("send", "as", "v1", "peer", java.address(), "text", "V1 reply");
        assertThat(JsPeer.str(reply, "version")).isEqualTo("v1");

        assertThat(c.messages(QueryOptions.all()))
                .extracting(DecodedMessage::senderAddress, DecodedMessage::text)
                .containsExactly(tuple(java.address(), "hello over V1"), tuple(legacy, "V1 reply"));
        Value atJs = js.call("messages", "as", "v1", "peer", java.address());
        assertThat(field(atJs, "text")).containsExactly("hello over V1", "V1 reply");
        assertThat(field(atJs, "version")).containsOnly("v1");
        // another Java client of the same wallet finds the conversation through its intro topic
        assertThat(javaClient(javaKey).conversations().list())
                .extracting(Conversation::version, Conversation::peerAddress, Conversation::topic)
                .containsExactly(tuple("v1", legacy, c.topic()));
    }

    @Test
    void aJavaStreamReceivesJsMessagesAndAJsStreamReceivesJavas() throws Exception {
        XmtpClient java = javaClient(walletKey());
        String jsAddress = JsPeer.str(jsClient("streams", walletKey(), false), "address");
        Conversation c = java.conversations().newConversation(jsAddress);

        Collector<DecodedMessage> all = new Collector<>();
        Collector<DecodedMessage> one = new Collector<>();
        Collector<Conversation> created = new Collector<>();
        try (Subscription allStream = java.conversations().streamAllMessages(all);
                Subscription oneStream = c.streamMessages(one);
                Subscription newConversations = java.conversations().stream(created)) {
            assertThat(allStream.awaitLive(STREAM_WAIT)).isTrue();
            assertThat(oneStream.awaitLive(STREAM_WAIT)).isTrue();
            assertThat(newConversations.awaitLive(STREAM_WAIT)).isTrue();

            js.call("send", "as", "streams", "peer", java.address(), "text", "stream 1");
            js.call("send", "as", "streams", "peer", java.address(), "text", "stream 2");
            String newcomer = JsPeer.str(jsClient("newcomer", walletKey(), false), "address");
            js.call("send", "as", "newcomer", "peer", java.address(), "text", "from a newcomer");

            await().atMost(STREAM_WAIT).until(() -> one.items.size() >= 2 && all.items.size() >= 3);
            assertThat(one.items).extracting(DecodedMessage::text).containsExactly("stream 1", "stream 2");
            assertThat(all.items)
                    .extracting(DecodedMessage::text)
                    .containsExactlyInAnyOrder("stream 1", "stream 2", "from a newcomer");
            await().atMost(STREAM_WAIT).until(() -> !created.items.isEmpty());
            assertThat(created.items).extracting(Conversation::peerAddress).containsExactly(newcomer);
            assertThat(all.errors).isEmpty();
        }

        Value jsStream = js.call("streamStart", "as", "streams", "kind", "all");
        c.send("to the JS stream 1");
        c.send("to the JS stream 2");
        Value received =
                js.call("streamNext", "stream", jsStream.getStructValue().getFieldsOrThrow("stream"), "count", 2);
        js.call("streamStop", "stream", jsStream.getStructValue().getFieldsOrThrow("stream"));
        assertThat(field(received, "text")).containsExactly("to the JS stream 1", "to the JS stream 2");
        assertThat(field(received, "sender")).containsOnly(java.address());
    }

    @Test
    void aKeyBundleMadeByJsLoadsInJavaAndTheReverseWithTheSameIdentityKey() throws Exception {
        String jsFirst = walletKey();
        Value madeByJs = jsClient("keys-js", jsFirst, false);
        XmtpClient loadedInJava = javaClient(jsFirst);
        assertThat(loadedInJava.address()).isEqualTo(JsPeer.str(madeByJs, "address"));
        assertThat(Base64.getEncoder().encodeToString(loadedInJava.identityKey()))
                .isEqualTo(JsPeer.str(madeByJs, "identityKey"));

        String javaFirst = walletKey();
        XmtpClient madeByJava = javaClient(javaFirst);
        Value loadedInJs = jsClient("keys-java", javaFirst, false);
        assertThat(JsPeer.str(loadedInJs, "address")).isEqualTo(madeByJava.address());
        assertThat(JsPeer.str(loadedInJs, "identityKey"))
                .isEqualTo(Base64.getEncoder().encodeToString(madeByJava.identityKey()));
    }

    @Test
    void consentSetInOneSdkIsReadByTheOther() throws Exception {
        String key = walletKey();
        XmtpClient java = javaClient(key);
        jsClient("consent", key, false); // the same wallet in xmtp-js
        String denied = LocalWallet.generate().address();
        String allowed = LocalWallet.generate().address();

        java.consent().deny(List.of(denied));
        assertThat(js.call("consentState", "as", "consent", "peer", denied).getStringValue())
                .isEqualTo("denied");

        js.call("consentSet", "as", "consent", "peer", allowed, "state", "allowed");
        assertThat(java.consent().entries())
                .containsEntry(denied, ConsentState.DENIED)
                .containsEntry(allowed, ConsentState.ALLOWED);
        js.call("consentSet", "as", "consent", "peer", denied, "state", "allowed");
        assertThat(java.consent().entries()).containsEntry(denied, ConsentState.ALLOWED);
    }

    @Test
    void forgedEnvelopesOnAConversationTopicAreDroppedAndReported() throws Exception {
        XmtpClient java = javaClient(walletKey());
        String jsAddress = JsPeer.str(jsClient("forged", walletKey(), false), "address");
        js.call("send", "as", "forged", "peer", java.address(), "text", "genuine");
        Conversation c = java.conversations().list().get(0);
        Envelope genuine = java.api().query(c.topic(), QueryOptions.all()).get(0);

        // anyone may publish on a conversation topic: a tampered copy and garbage from a third wallet
        byte[] tampered = genuine.getMessage().toByteArray();
        tampered[tampered.length - 2] ^= 1;
        XmtpClient intruder = javaClient(walletKey());
        intruder.api()
                .publish(List.of(
                        genuine.toBuilder()
                                .setMessage(ByteString.copyFrom(tampered))
                                .setTimestampNs(genuine.getTimestampNs() + 1)
                                .build(),
                        genuine.toBuilder()
                                .setMessage(ByteString.copyFromUtf8("not a message"))
                                .setTimestampNs(genuine.getTimestampNs() + 2)
                                .build()));

        List<InvalidMessageException> rejected = new ArrayList<>();
        assertThat(c.messages(QueryOptions.all(), rejected::add))
                .extracting(DecodedMessage::senderAddress, DecodedMessage::text)
                .containsExactly(tuple(jsAddress, "genuine"));
        assertThat(rejected).hasSize(2);
        // and xmtp-js, reading the same topic, shows only the genuine message too
        assertThat(field(js.call("messages", "as", "forged", "peer", java.address()), "text"))
                .containsExactly("genuine");
    }

    @Test
    void compressedAndEphemeralMessagesCrossBothWays() throws Exception {
        XmtpClient java = javaClient(walletKey());
        String jsAddress = JsPeer.str(jsClient("extras", walletKey(), false), "address");
        Conversation c = java.conversations().newConversation(jsAddress);
        String text = "compressed by Java ".repeat(15); // xmtp-js decompresses at most 1,000 bytes

        c.send(text + "(gzip)", SendOptions.TEXT.compressed(Compression.COMPRESSION_GZIP));
        c.send(text + "(deflate)", SendOptions.TEXT.compressed(Compression.COMPRESSION_DEFLATE));
        assertThat(field(js.call("messages", "as", "extras", "peer", java.address()), "text"))
                .containsExactly(text + "(gzip)", text + "(deflate)");

        Collector<DecodedMessage> ephemeral = new Collector<>();
        try (Subscription s = c.streamEphemeral(ephemeral)) {
            assertThat(s.awaitLive(STREAM_WAIT)).isTrue();
            js.call("send", "as", "extras", "peer", java.address(), "text", "js is typing", "ephemeral", true);
            await().atMost(STREAM_WAIT).until(() -> !ephemeral.items.isEmpty());
        }
        assertThat(ephemeral.items)
                .extracting(DecodedMessage::senderAddress, DecodedMessage::text)
                .containsExactly(tuple(jsAddress, "js is typing"));

        Value jsStream = js.call("streamStart", "as", "extras", "kind", "ephemeral", "peer", java.address());
        Value id = jsStream.getStructValue().getFieldsOrThrow("stream");
        c.send("java is typing", SendOptions.TEXT.asEphemeral());
        Value received = js.call("streamNext", "stream", id, "count", 1);
        js.call("streamStop", "stream", id);
        assertThat(field(received, "text")).containsExactly("java is typing");

        // ephemeral messages are relayed, never stored
        assertThat(c.messages(QueryOptions.all()))
                .extracting(DecodedMessage::text)
                .containsExactly(text + "(gzip)", text + "(deflate)");
    }
}
