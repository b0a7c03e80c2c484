package org.xmtpnode.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

class ClientTagsTest {

    private final ClientTags tags = new ClientTags(List.of("xmtp-js", "xmtp-android"), List.of("converse"));

    @Test
    void knownClientsAreTaggedWithNameAndMajorVersion() {
        assertThat(tags.client("xmtp-js/13.0.4")).isEqualTo("xmtp-js/13");
        assertThat(tags.client("xmtp-android/0.9.1-beta")).isEqualTo("xmtp-android/0");
        assertThat(tags.client("xmtp-js/07.1")).isEqualTo("xmtp-js/7");
        assertThat(tags.client("xmtp-js")).isEqualTo("xmtp-js/other");
        assertThat(tags.client("xmtp-js/beta")).isEqualTo("xmtp-js/other");
        assertThat(tags.client("xmtp-js/123456789")).isEqualTo("xmtp-js/other");
    }

    @Test
    void anythingElseIsOtherOrNone() {
        assertThat(tags.client("curl/8.5.0")).isEqualTo("other");
        assertThat(tags.client("XMTP-JS/13.0.4")).isEqualTo("other");
        assertThat(tags.client(null)).isEqualTo("none");
        assertThat(tags.client(" ")).isEqualTo("none");
        assertThat(tags.app("converse/2.1.0")).isEqualTo("converse");
        assertThat(tags.app("converse")).isEqualTo("converse");
        assertThat(tags.app("my-own-app/1")).isEqualTo("other");
        assertThat(tags.app(null)).isEqualTo("none");
    }

    @Test
    void whateverClientsSendTheTagValuesStayFew() {
        Set<String> values = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            values.add(tags.client("xmtp-js/" + i + ".0.0"));
            values.add(tags.client("sdk-" + i + "/1.0"));
            values.add(tags.app("app-" + i + "/1.0"));
        }
        // xmtp-js/0 … xmtp-js/99, xmtp-js/other, other
        assertThat(values).hasSizeLessThanOrEqualTo(102);
    }

    @Test
    void routesAndCodesAreBounded() {
        assertThat(AnswerMetrics.route("/message/v1/publish")).isEqualTo("publish");
        assertThat(AnswerMetrics.route("/message/v1/batch-query")).isEqualTo("batch-query");
        assertThat(AnswerMetrics.route("/keys/v1/contacts/0xabc")).isEqualTo("keys");
        assertThat(AnswerMetrics.route("/random/" + System.nanoTime())).isEqualTo("other");
        assertThat(AnswerMetrics.code(HttpStatus.OK)).isEqualTo("ok");
        assertThat(AnswerMetrics.code(HttpStatus.TOO_MANY_REQUESTS)).isEqualTo("resource_exhausted");
        assertThat(AnswerMetrics.code(HttpStatus.SERVICE_UNAVAILABLE)).isEqualTo("unavailable");
        assertThat(AnswerMetrics.code(HttpStatus.PAYLOAD_TOO_LARGE)).isEqualTo("invalid_argument");
    }
}
