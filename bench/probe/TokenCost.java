// The cost of an auth-token check, cold (full verification: two public-key recoveries, Keccak, EIP-191)
// and cached (TokenCache hit). Run with the bench module's class path:
//   mvn -q -pl bench -am package -DskipTests && mvn -q -pl bench dependency:build-classpath
// -Dmdep.outputFile=target/cp.txt
//   java -cp "$(cat bench/target/cp.txt)" bench/probe/TokenCost.java
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xmtpnode.client.api.AuthTokenIssuer;
import org.xmtpnode.client.identity.IdentityKeys;
import org.xmtpnode.client.identity.LocalWallet;
import org.xmtpnode.core.crypto.AuthTokens;
import org.xmtpnode.runtime.auth.TokenCache;

public class TokenCost {
    public static void main(String[] args) throws Exception {
        long now = System.currentTimeMillis() * 1_000_000L;
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Clock at = Clock.fixed(Instant.ofEpochSecond(0, now), ZoneOffset.UTC);
            tokens.add(new AuthTokenIssuer(IdentityKeys.generate(LocalWallet.generate(), at), at).token());
        }
        // warm-up: the JIT compiles the verification path
        for (int round = 0; round < 20; round++) {
            for (String t : tokens) {
                AuthTokens.verify(t, now);
            }
        }
        int n = 4000;
        long[] cold = new long[n];
        for (int i = 0; i < n; i++) {
            String t = tokens.get(i % tokens.size());
            long s = System.nanoTime();
            AuthTokens.verify(t, now);
            cold[i] = System.nanoTime() - s;
        }
        TokenCache cache = new TokenCache(10_000, Clock.systemUTC());
        for (String t : tokens) {
            cache.verify(t);
        }
        for (int round = 0; round < 2000; round++) {
            for (String t : tokens) {
                cache.verify(t);
            }
        }
        int m = 1_000_000;
        long[] cached = new long[m];
        for (int i = 0; i < m; i++) {
            String t = tokens.get(i % tokens.size());
            long s = System.nanoTime();
            cache.verify(t);
            cached[i] = System.nanoTime() - s;
        }
        report("cold verification", cold);
        report("cached (TokenCache hit)", cached);
    }

    static void report(String what, long[] ns) {
        Arrays.sort(ns);
        System.out.printf(
                "%-26s n=%-8d p50=%8.1f µs  p99=%8.1f µs  mean=%8.1f µs%n",
                what,
                ns.length,
                ns[ns.length / 2] / 1e3,
                ns[(int) (ns.length * 0.99)] / 1e3,
                Arrays.stream(ns).average().orElse(0) / 1e3);
    }
}
