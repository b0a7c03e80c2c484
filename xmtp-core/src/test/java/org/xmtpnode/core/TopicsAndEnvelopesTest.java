package org.xmtpnode.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.api.PublishRequest;

class TopicsAndEnvelopesTest {

    @Test
    void ephemeralTopicsAreRecognisedByName() {
        assertThat(Topics.isEphemeral("/xmtp/0/mE-abc/proto")).isTrue();
        assertThat(Topics.isEphemeral("/xmtp/0/dmE-0xA-0xB/proto")).isTrue();
        assertThat(Topics.isEphemeral("/xmtp/0/m-abc/proto")).isFalse();
        assertThat(Topics.isEphemeral("/xmtp/0/dm-0xA-0xB/proto")).isFalse();
        assertThat(Topics.isUserPreferences("/xmtp/0/userpreferences-abc/proto"))
                .isTrue();
        assertThat(Topics.isXmtpTopic("/xmtp/0/m-abc/proto")).isTrue();
        assertThat(Topics.isXmtpTopic("test-abc")).isFalse();
    }

    @Test
    void everyKindOfTopicHasItsCategory() {
        String a = "0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B";
        assertThat(Topics.category("/xmtp/0/contact-" + a + "/proto")).isEqualTo("contact");
        assertThat(Topics.category("/xmtp/0/privatestore-" + a + "/key_bundle/proto"))
                .isEqualTo("privatestore");
        assertThat(Topics.category("/xmtp/0/intro-" + a + "/proto")).isEqualTo("intro");
        assertThat(Topics.category("/xmtp/0/invite-" + a + "/proto")).isEqualTo("invite");
        assertThat(Topics.category("/xmtp/0/dm-" + a + "-0xB/proto")).isEqualTo("dm");
        assertThat(Topics.category("/xmtp/0/m-abc/proto")).isEqualTo("conversation");
        assertThat(Topics.category("/xmtp/0/mE-abc/proto")).isEqualTo("ephemeral");
        assertThat(Topics.category("/xmtp/0/dmE-" + a + "-0xB/proto")).isEqualTo("ephemeral");
        assertThat(Topics.category("/xmtp/0/userpreferences-abc/proto")).isEqualTo("userpreferences");
        // anything else, however it is spelled, is one value
        assertThat(Topics.category("/xmtp/0/dmx-abc/proto")).isEqualTo("other");
        assertThat(Topics.category("/xmtp/0/contact/proto")).isEqualTo("other");
        assertThat(Topics.category("/xmtp/1/m-abc/proto")).isEqualTo("other");
        assertThat(Topics.category("test-abc")).isEqualTo("other");
        assertThat(Topics.CATEGORIES)
                .contains("contact", "privatestore", "intro", "dm", "invite", "conversation", "ephemeral")
                .contains("userpreferences", "other");
    }

    @Test
    void topicLengthIsCountedInUtf8Bytes() {
        assertThatCode(() -> Topics.validate("t".repeat(300))).doesNotThrowAnyException();
        assertThatThrownBy(() -> Topics.validate("t".repeat(301))).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> Topics.validate("é".repeat(151))).isInstanceOf(ApiException.class); // 302 bytes
        assertThatThrownBy(() -> Topics.validate("")).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> Topics.validate("a\u0000b")).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> Topics.validate("a\ud800b")).isInstanceOf(ApiException.class);
    }

    @Test
    void digestIsSha256OfTopicThenMessage() throws Exception {
        Envelope e = Envelope.newBuilder()
                .setContentTopic("/xmtp/0/m-x/proto")
                .setTimestampNs(5)
                .setMessage(ByteString.copyFromUtf8("payload"))
                .build();
        byte[] expected = MessageDigest.getInstance("SHA-256")
                .digest("/xmtp/0/m-x/protopayload".getBytes(StandardCharsets.UTF_8));
        assertThat(EnvelopeDigest.of(e)).isEqualTo(expected);
    }

    @Test
    void publishLimits() {
        Envelope ok = Envelope.newBuilder()
                .setContentTopic("/xmtp/0/m-x/proto")
                .setTimestampNs(1)
                .setMessage(ByteString.copyFrom(new byte[Limits.MAX_MESSAGE_BYTES]))
                .build();
        assertThatCode(() -> Envelopes.validate(
                        PublishRequest.newBuilder().addEnvelopes(ok).build()))
                .doesNotThrowAnyException();
        Envelope big = ok.toBuilder()
                .setMessage(ByteString.copyFrom(new byte[Limits.MAX_MESSAGE_BYTES + 1]))
                .build();
        assertThatThrownBy(() -> Envelopes.validate(PublishRequest.newBuilder()
                        .addEnvelopes(ok)
                        .addEnvelopes(big)
                        .build()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(413);
                    assertThat(e.code()).isEqualTo(GrpcCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).startsWith("envelopes[1]");
                });
        assertThatThrownBy(() -> Envelopes.validate(PublishRequest.getDefaultInstance()))
                .isInstanceOf(ApiException.class);
        Envelope future = ok.toBuilder().setTimestampNs(-1).build(); // 2^64-1 ns
        assertThatThrownBy(() -> Envelopes.validate(
                        PublishRequest.newBuilder().addEnvelopes(future).build()))
                .hasMessageContaining("timestampNs");
        PublishRequest.Builder many = PublishRequest.newBuilder();
        for (int i = 0; i <= Limits.MAX_PUBLISH_ENVELOPES; i++) {
            many.addEnvelopes(ok.toBuilder().setMessage(ByteString.copyFromUtf8("m" + i)));
        }
        assertThatThrownBy(() -> Envelopes.validate(many.build())).isInstanceOf(ApiException.class);
    }

    @Test
    void grpcCodesPairWithTheirHttpStatus() {
        assertThat(GrpcCode.forHttpStatus(404)).isEqualTo(GrpcCode.NOT_FOUND);
        assertThat(GrpcCode.forHttpStatus(413)).isEqualTo(GrpcCode.INVALID_ARGUMENT);
        assertThat(GrpcCode.forHttpStatus(503)).isEqualTo(GrpcCode.UNAVAILABLE);
        assertThat(GrpcCode.UNAUTHENTICATED.httpStatus()).isEqualTo(401);
        assertThat(GrpcCode.RESOURCE_EXHAUSTED.code()).isEqualTo(8);
    }
}
