package org.xmtpnode.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The gateway starts with nothing set: every nested group binds with its defaults, none is null. */
class GatewayPropertiesTest {

    @Test
    void withNothingSetEveryGroupHasItsDefaults() {
        GatewayProperties p = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("xmtp.gateway", GatewayProperties.class);
        assertThat(p.rateLimits().enabled()).isTrue();
        assertThat(p.rateLimits().publish().perMinute()).isEqualTo(200);
        assertThat(p.rateLimits().read().burst()).isEqualTo(10_000);
        assertThat(p.maxBodyBytes().publish()).isEqualTo(8L << 20);
    }
}
