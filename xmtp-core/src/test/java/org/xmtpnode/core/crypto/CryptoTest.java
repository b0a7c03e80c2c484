package org.xmtpnode.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xmtpnode.proto.contents.ContactBundle;
import org.xmtpnode.proto.contents.Token;

class CryptoTest {

    static final HexFormat HEX = HexFormat.of();
    static final long NOW = System.currentTimeMillis() * 1_000_000L;

    @Test
    void knownVectors() {
        // keccak256("") and the EIP-191 hash of "hello world" (as viem's hashMessage documents it)
        assertThat(HEX.formatHex(Ethereum.keccak256(new byte[0])))
                .isEqualTo("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
        assertThat(HEX.formatHex(Ethereum.personalMessageHash("hello world")))
                .isEqualTo("d9eba16ed0ecae432b71fe008c98cc872bb4cc214d3220a36f365326cf807d68");
        // EIP-55's own examples
        for (String a : new String[] {
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB"
        }) {
            assertThat(Ethereum.checksum(a.toLowerCase(Locale.ROOT))).isEqualTo(a);
            assertThat(Ethereum.checksum(a.toUpperCase(Locale.ROOT).replace("0X", "0x")))
                    .isEqualTo(a);
        }
        // the address of private key 1 is well known
        assertThat(Ethereum.address(Secp256k1.publicKey(BigInteger.ONE)))
                .isEqualTo("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
    }

    @Test
    void signAndRecoverRoundTrip() {
        Random random = new Random(1);
        for (int i = 0; i < 50; i++) {
            BigInteger key = Secp256k1.randomPrivateKey();
            byte[] digest = new byte[32];
            random.nextBytes(digest);
            Secp256k1.Signature sig = Secp256k1.sign(key, digest);
            assertThat(Secp256k1.recover(digest, sig.rs(), sig.recovery())).isEqualTo(Secp256k1.publicKey(key));
            assertThat(Secp256k1.verify(Secp256k1.publicKey(key), digest, sig.rs()))
                    .isTrue();
            digest[0] ^= 1;
            assertThat(Secp256k1.recover(digest, sig.rs(), sig.recovery())).isNotEqualTo(Secp256k1.publicKey(key));
            assertThat(Secp256k1.verify(Secp256k1.publicKey(key), digest, sig.rs()))
                    .isFalse();
        }
    }

    @Test
    void randomBytesNeverPassAsTokensOrBundles() {
        Random random = new Random(99);
        String wallet = Ethereum.address(Secp256k1.publicKey(Secp256k1.randomPrivateKey()));
        for (int i = 0; i < 3_000; i++) {
            byte[] junk = new byte[random.nextInt(400)];
            random.nextBytes(junk);
            assertRefused(Base64.getEncoder().encodeToString(junk), "");
            assertThatThrownBy(() -> ContactBundles.verify(ByteString.copyFrom(junk), wallet))
                    .isInstanceOf(ContactBundles.InvalidBundleException.class);
        }
    }

    static void assertBundleRefused(ContactBundle bundle, String wallet, String reason) {
        assertThatThrownBy(() -> ContactBundles.verify(bundle.toByteString(), wallet))
                .isInstanceOf(ContactBundles.InvalidBundleException.class)
                .hasMessageContaining(reason);
    }

    static void assertRefused(String token, String reason) {
        assertThatThrownBy(() -> AuthTokens.verify(token, NOW))
                .isInstanceOf(AuthTokens.InvalidTokenException.class)
                .hasMessageContaining(reason);
    }

    static Token parse(String b64) {
        try {
            return Token.parseFrom(Base64.getDecoder().decode(b64));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String encode(Token t) {
        return Base64.getEncoder().encodeToString(t.toByteArray());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
