package org.xmtpnode.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The unmodified {@code @xmtp/xmtp-js} 13.0.4 SDK against the running local network: its own test
 * suite in {@code e2e/js} (node:test) must pass, over REST and over gRPC ({@code @xmtp/grpc-api-client}
 * 0.2.8 as its API client, with a REST client and a gRPC client in one conversation besides).
 */
class SdkIT {

    @Test
    void theRealSdkWorksOverGrpc() throws Exception {
        Npm.ensureInstalled();
        Npm.Result r = Npm.run(
                List.of("npm", "test"),
                Map.of(
                        "XMTP_API_URL",
                        SharedDevnet.get().apiUrl(),
                        // the client connects in plaintext only to an address that names localhost
                        "XMTP_GRPC_URL",
                        "localhost:" + SharedDevnet.get().grpcPort()),
                600,
                true);
        assertThat(r.exit())
                .as("the SDK suite over gRPC in %s passed (its output is above)", Npm.JS)
                .isZero();
    }

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
