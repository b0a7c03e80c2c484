package org.xmtpnode.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmtpnode.core.crypto.AuthTokens;
import org.xmtpnode.core.crypto.ContactBundles;
import org.xmtpnode.testsupport.TestWallet;

/**
 * Tokens and contact bundles made by the real {@code @xmtp/xmtp-js} SDK during the test
 * ({@code e2e/js/artifacts.mjs}), checked by the node's verifiers, then forged in Java.
 */
class SdkArtifactsIT {

    static Map<String, String> sdk;

    @BeforeAll
    static void makeArtifacts() throws Exception {
        Npm.ensureInstalled();
        Npm.Result r = Npm.run(List.of("node", "artifacts.mjs"), Map.of(), 120, false);
        assertThat(r.exit()).isZero();
        sdk = new HashMap<>();
        Matcher m = Pattern.compile("\"(\\w+)\":\"([^\"]*)\"").matcher(r.stdout());
        while (m.find()) {
            sdk.put(m.group(1), m.group(2));
        }
        assertThat(sdk).containsKeys("wallet", "token", "contactV1", "contactV2", "identityKey");
    }

    static long nowNs() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    @Test
    void theSdksTokenNamesItsWallet() throws Exception {
        AuthTokens.Verified v = AuthTokens.verify(sdk.get("token"), nowNs());
        assertThat(v.walletAddress()).isEqualTo(sdk.get("wallet"));
        assertThat(v.identityKey()).isEqualTo(Base64.getDecoder().decode(sdk.get("identityKey")));
    }

    @Test
    void forgeriesOfTheSdksTokenAreRefused() {
        byte[] raw = Base64.getDecoder().decode(sdk.get("token"));
        byte[] identity = Base64.getDecoder().decode(sdk.get("identityKey"));
        for (int i = 0; i < raw.length; i++) {
            for (int bit = i % 4; bit < 8; bit += 4) { // two bits of every byte
                byte[] flipped = raw.clone();
                flipped[i] ^= (byte) (1 << bit);
                // a flip either breaks the token or leaves what was signed intact (a tag made unknown,
                // say): it never yields another wallet or identity
                try {
                    AuthTokens.Verified v =
                            AuthTokens.verify(Base64.getEncoder().encodeToString(flipped), nowNs());
                    assertThat(v.walletAddress()).as("byte %d bit %d", i, bit).isEqualTo(sdk.get("wallet"));
                    assertThat(v.identityKey()).isEqualTo(identity);
                } catch (AuthTokens.InvalidTokenException expected) {
                    // refused
                }
            }
        }
        assertThatThrownBy(() -> AuthTokens.verify(sdk.get("token"), nowNs() + 3_601_000_000_000L))
                .hasMessageContaining("expired");
    }

    @Test
    void theSdksBundlesVerifyForTheirWalletOnly() throws Exception {
        for (String kind : List.of("contactV1", "contactV2")) {
            ByteString bundle = ByteString.copyFrom(Base64.getDecoder().decode(sdk.get(kind)));
            ContactBundles.Verified v = ContactBundles.verify(bundle, sdk.get("wallet"));
            assertThat(v.version()).isEqualTo(kind.endsWith("V1") ? 1 : 2);
            assertThat(v.identityKey()).isEqualTo(Base64.getDecoder().decode(sdk.get("identityKey")));
            assertThat(v.preKey()).isEqualTo(Base64.getDecoder().decode(sdk.get("preKey")));
            assertThat(v.createdNs()).isBetween(nowNs() - 600_000_000_000L, nowNs() + 1);
            String someoneElse = TestWallet.random().walletAddress();
            assertThatThrownBy(() -> ContactBundles.verify(bundle, someoneElse))
                    .hasMessageContaining("not signed by wallet");
            byte[] raw = bundle.toByteArray();
            int refused = 0;
            for (int i = 0; i < raw.length; i++) {
                for (int bit = i % 4; bit < 8; bit += 4) { // two bits of every byte
                    byte[] flipped = raw.clone();
                    flipped[i] ^= (byte) (1 << bit);
                    try {
                        ContactBundles.Verified f =
                                ContactBundles.verify(ByteString.copyFrom(flipped), sdk.get("wallet"));
                        // what still verifies carries the same keys: no forgery gained anything
                        assertThat(f.identityKey())
                                .as("%s byte %d bit %d", kind, i, bit)
                                .isEqualTo(v.identityKey());
                        assertThat(f.preKey()).isEqualTo(v.preKey());
                    } catch (ContactBundles.InvalidBundleException e) {
                        refused++;
                    }
                }
            }
            assertThat(refused).as("most flips break the bundle").isGreaterThan(raw.length * 2 * 9 / 10);
        }
    }

    @Test
    void theNodeAcceptsTheSdksTokenAndBundles() throws Exception {
        Api api = new Api(SharedDevnet.get().apiUrl()).withToken(sdk.get("token"));
        String topic = "/xmtp/0/contact-" + sdk.get("wallet") + "/proto";
        HttpResponse<String> r = api.post(
                "/message/v1/publish",
                "{\"envelopes\":[{\"contentTopic\":\"" + topic + "\",\"timestampNs\":\"" + nowNs() + "\",\"message\":\""
                        + sdk.get("contactV2") + "\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
