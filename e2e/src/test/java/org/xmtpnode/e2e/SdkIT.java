package org.xmtpnode.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The unmodified {@code @xmtp/xmtp-js} 13.0.4 SDK against the running local network: its own test
 * suite in {@code e2e/js} (node:test) must pass.
 */
class SdkIT {

    @Test
    void theRealSdkWorksAgainstTheNetwork() throws Exception {
        Npm.ensureInstalled();
        Npm.Result r = Npm.run(
                List.of("npm", "test"),
                Map.of("XMTP_API_URL", SharedDevnet.get().apiUrl()),
                600,
                true);
        assertThat(r.exit())
                .as("the SDK suite in %s passed (its output is above)", Npm.JS)
                .isZero();
    }
}
