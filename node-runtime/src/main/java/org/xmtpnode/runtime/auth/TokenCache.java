package org.xmtpnode.runtime.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Instant;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.GrpcCode;
import org.xmtpnode.core.crypto.AuthTokens;

/**
 * Verified tokens, remembered by their exact text until they expire, so a client's many publishes
 * with one token pay the signature recoveries once. Refused tokens are not remembered.
 */
public final class TokenCache {

    private final Cache<String, AuthTokens.Verified> verified;
    private final Clock clock;

    public TokenCache(int maxEntries, Clock clock) {
        this.clock = clock;
        this.verified = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(new Expiry<String, AuthTokens.Verified>() {
                    @Override
                    public long expireAfterCreate(String key, AuthTokens.Verified value, long currentTime) {
                        return Math.max(0, value.expiresAtNs() - nowNs());
                    }

                    @Override
                    public long expireAfterUpdate(
                            String key, AuthTokens.Verified value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }

                    @Override
                    public long expireAfterRead(
                            String key, AuthTokens.Verified value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    /**
     * The wallet behind an {@code Authorization} header value ({@code Bearer <token>}).
     *
     * @throws ApiException 401 / code 16 when the header is missing or the token is refused
     */
    public AuthTokens.Verified verifyHeader(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(GrpcCode.UNAUTHENTICATED, "missing auth token: send Authorization: Bearer <token>");
        }
        return verify(authorization.substring(7).trim());
    }

    public AuthTokens.Verified verify(String token) {
        long now = nowNs();
        AuthTokens.Verified cached = verified.getIfPresent(token);
        if (cached != null && now < cached.expiresAtNs()) {
            return cached;
        }
        try {
            AuthTokens.Verified v = AuthTokens.verify(token, now);
            verified.put(token, v);
            return v;
        } catch (AuthTokens.InvalidTokenException e) {
            throw new ApiException(GrpcCode.UNAUTHENTICATED, e.getMessage());
        }
    }

    private long nowNs() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    public long size() {
        verified.cleanUp();
        return verified.estimatedSize();
    }
}
