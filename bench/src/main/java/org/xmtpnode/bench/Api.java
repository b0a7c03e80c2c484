package org.xmtpnode.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.xmtpnode.client.api.AuthTokenIssuer;
import org.xmtpnode.client.identity.IdentityKeys;
import org.xmtpnode.client.identity.LocalWallet;

/**
 * The node's message API as the load calls it: one keep-alive connection per load thread, the auth
 * tokens of a few wallets, this run's topics, and envelopes in the API's JSON.
 */
final class Api {

    private final String url;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> tokens = new ArrayList<>();

    /** One keep-alive connection to the API per load thread. */
    private final ThreadLocal<RawHttp> connection;

    Api(String url, int wallets) {
        this.url = url;
        this.connection = ThreadLocal.withInitial(() -> new RawHttp(url));
        for (int i = 0; i < wallets; i++) {
            tokens.add(newToken());
        }
    }

    /** The auth token of a new wallet's identity, as an SDK makes it. */
    static String newToken() {
        Clock clock = Clock.systemUTC();
        return new AuthTokenIssuer(IdentityKeys.generate(LocalWallet.generate(), clock), clock).token();
    }

    String url() {
        return url;
    }

    /** This run's id: its topics are new. */
    String run() {
        return run;
    }

    /** A topic of this run, e.g. {@code /xmtp/0/m-bench-<run>-w1-3/proto} for {@code w1-3}. */
    String topic(String name) {
        return "/xmtp/0/m-bench-" + run + "-" + name + "/proto";
    }

    /** The auth token of one of the wallets, round-robin over {@code n}. */
    String token(long n) {
        return tokens.get((int) (n % tokens.size()));
    }

    /** POSTs on this thread's connection; returns the body of a 200 answer. */
    byte[] answer(String path, String body) throws IOException {
        RawHttp.Response r = connection.get().post(path, null, body);
        check(r.status(), path);
        return r.body();
    }

    /** POSTs on this thread's connection; returns the status code. */
    int post(String path, String token, String body) throws IOException {
        return connection.get().post(path, token, body).status();
    }

    static String envelope(String topic, long timeNs, byte[] message) {
        return "{\"contentTopic\":\"" + topic + "\",\"timestampNs\":\"" + timeNs + "\",\"message\":\""
                + Base64.getEncoder().encodeToString(message) + "\"}";
    }

    /** Random bytes that start with {@code n}: unique content, a new digest every time. */
    static byte[] message(int size, long n) {
        byte[] m = new byte[size];
        ThreadLocalRandom.current().nextBytes(m);
        ByteBuffer.wrap(m).putLong(n);
        return m;
    }

    static void check(int status, String what) {
        if (status != 200) {
            throw new IllegalStateException(what + " answered " + status
                    + (status == 429 ? " (rate limited: raise or turn off the target's limits)" : ""));
        }
    }
}
