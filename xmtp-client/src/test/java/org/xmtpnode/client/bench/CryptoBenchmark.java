package org.xmtpnode.client.bench;

import java.time.Clock;
import java.util.Locale;
import java.util.function.IntConsumer;
import org.xmtpnode.client.conversation.ConversationCrypto;
import org.xmtpnode.client.identity.IdentityKeys;
import org.xmtpnode.client.identity.LocalWallet;

/**
 * Microseconds per encrypt+sign and per decrypt+verify of one short text message, V1 and V2, in this
 * JVM (run by {@code bin/bench-client} beside the same measurement in xmtp-js). Prints one JSON line.
 * Usage: CryptoBenchmark [iterations]
 */
public final class CryptoBenchmark {

    private CryptoBenchmark() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        IdentityKeys alice = IdentityKeys.generate(LocalWallet.generate(), Clock.systemUTC());
        IdentityKeys bob = IdentityKeys.generate(LocalWallet.generate(), Clock.systemUTC());
        ConversationCrypto crypto = ConversationCrypto.between(alice, bob);
        byte[][] v1 = new byte[n][];
        byte[][] v2 = new byte[n][];
        double v1Seal = perOp(n, i -> v1[i] = crypto.sealV1("hello from the benchmark " + i));
        double v1Open = perOp(n, i -> crypto.openV1(v1[i]));
        double v2Seal = perOp(n, i -> v2[i] = crypto.sealV2("hello from the benchmark " + i));
        double v2Open = perOp(n, i -> crypto.openV2(v2[i]));
        System.out.println(String.format(
                Locale.ROOT,
                "{\"sdk\":\"xmtp-client (Java %s)\",\"iterations\":%d,\"v1EncryptSignUs\":%.1f,\"v1DecryptVerifyUs\":%.1f,"
                        + "\"v2EncryptSignUs\":%.1f,\"v2DecryptVerifyUs\":%.1f}",
                System.getProperty("java.version"),
                n,
                v1Seal,
                v1Open,
                v2Seal,
                v2Open));
    }

    /** Runs the operation n times after n warm-up runs; answers µs per run. */
    private static double perOp(int n, IntConsumer op) {
        for (int i = 0; i < n; i++) {
            op.accept(i);
        }
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            op.accept(i);
        }
        return (System.nanoTime() - start) / 1_000.0 / n;
    }
}
