package org.xmtpnode.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

class ClientAddressTest {

    final ClientAddress address = new ClientAddress(List.of("10.0.0.0/8", "::1/128"));

    @Test
    void aTrustedProxyNamesTheClient() {
        var request = MockServerHttpRequest.post("/message/v1/publish")
                .remoteAddress(new InetSocketAddress("10.1.2.3", 4000))
                .header("X-Forwarded-For", "203.0.113.9, 10.1.2.3")
                .build();
        assertThat(address.of(request)).isEqualTo("203.0.113.9");
    }

    @Test
    void anyoneElseIsTakenAtTheirAddress() {
        var request = MockServerHttpRequest.post("/message/v1/publish")
                .remoteAddress(new InetSocketAddress("192.0.2.7", 4000))
                .header("X-Forwarded-For", "203.0.113.9")
                .build();
        assertThat(address.of(request)).isEqualTo("192.0.2.7");
    }

    @Test
    void prefixesAreMatchedBitwise() {
        ClientAddress narrow = new ClientAddress(List.of("192.168.1.128/25"));
        assertThat(narrow.isTrusted(new InetSocketAddress("192.168.1.200", 1).getAddress()))
                .isTrue();
        assertThat(narrow.isTrusted(new InetSocketAddress("192.168.1.100", 1).getAddress()))
                .isFalse();
    }
}
