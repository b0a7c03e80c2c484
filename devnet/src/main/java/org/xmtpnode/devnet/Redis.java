package org.xmtpnode.devnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/** A real Redis: the one already listening at the given port, else an embedded Redis 6.2 started on it. */
public final class Redis implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Redis.class);

    private final int port;
    private final RedisServer embedded;

    private Redis(int port, RedisServer embedded) {
        this.port = port;
        this.embedded = embedded;
    }

    public static Redis localOrEmbedded(int port) {
        if (Ports.answers("127.0.0.1", port)) {
            log.info("using the Redis server at 127.0.0.1:{}", port);
            return new Redis(port, null);
        }
        int chosen = port == 0 || !Ports.isFree(port) ? Ports.free() : port;
        try {
            RedisServer server = RedisServer.newRedisServer()
                    .port(chosen)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .build();
            server.start();
            log.info("no Redis answered at 127.0.0.1:{}; started an embedded Redis on port {}", port, chosen);
            return new Redis(chosen, server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded Redis", e);
        }
    }

    public int port() {
        return port;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    @Override
    public void close() {
        if (embedded != null) {
            try {
                embedded.stop();
            } catch (IOException e) {
                log.warn("embedded Redis did not stop cleanly", e);
            }
        }
    }
}
