package org.xmtpnode.relay.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.EnvelopeDigest;
import org.xmtpnode.core.Envelopes;
import org.xmtpnode.core.TopicOwnership;
import org.xmtpnode.core.Topics;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.api.PublishRequest;
import org.xmtpnode.relay.config.RelayProperties;
import org.xmtpnode.runtime.auth.TokenCache;
import reactor.core.publisher.Mono;

/**
 * The write path: validate, store in this node's topic-service (so a query right after sees it),
 * then send to Kafka ({@code acks=all}); the publish succeeds only when both hold. Ephemeral
 * envelopes skip the store. A retried publish is safe: the store is idempotent on the digest and the
 * fan-out streams a digest once.
 */
@Service
public class PublishService {

    private final TopicClient store;
    private final EnvelopeSender log;
    private final MeterRegistry meters;
    private final Map<String, Counter> envelopesPublished;

    private final TokenCache tokens;
    private final boolean authRequired;

    public PublishService(
            TopicClient store, EnvelopeSender log, MeterRegistry meters, RelayProperties properties, Clock clock) {
        this.store = store;
        this.log = log;
        this.meters = meters;
        this.envelopesPublished = Topics.CATEGORIES.stream()
                .collect(Collectors.toUnmodifiableMap(
                        c -> c,
                        c -> Counter.builder("relay.publish.envelopes")
                                .description("envelopes acknowledged to clients, by topic category")
                                .tag("category", c)
                                .register(meters)));
        this.tokens = new TokenCache(properties.tokenCacheSize(), clock);
        this.authRequired = properties.authRequired();
        Gauge.builder("relay.auth.tokens.cached", tokens, TokenCache::size).register(meters);
    }

    /**
     * @param authorization the {@code Authorization} header: a token of the wallet that publishes
     */
    public Mono<Void> publish(PublishRequest request, String authorization) {
        try {
            check(request, authorization);
        } catch (ApiException e) {
            refused(e);
            throw e;
        }
        List<Envelope> all = request.getEnvelopesList();
        List<Envelope> durable = new ArrayList<>(all.size());
        List<byte[]> digests = new ArrayList<>(all.size());
        for (Envelope e : all) {
            digests.add(EnvelopeDigest.of(e));
            if (!Topics.isEphemeral(e.getContentTopic())) {
                durable.add(e);
            }
        }
        Timer.Sample sample = Timer.start(meters);
        Mono<Void> stored = durable.isEmpty() ? Mono.empty() : store.store(durable);
        return stored.then(Mono.defer(() -> log.send(all, digests)))
                .doOnSuccess(v -> {
                    for (Envelope e : all) {
                        envelopesPublished
                                .get(Topics.category(e.getContentTopic()))
                                .increment();
                    }
                    sample.stop(timer("ok"));
                })
                .doOnError(e -> sample.stop(
                        timer(e instanceof ApiException api ? api.code().name().toLowerCase(Locale.ROOT) : "error")));
    }

    /** Authentication, then the envelopes, then who may publish where: nothing is stored unless all pass. */
    private void check(PublishRequest request, String authorization) {
        String wallet = authRequired ? tokens.verifyHeader(authorization).walletAddress() : null;
        Envelopes.validate(request);
        for (Envelope e : request.getEnvelopesList()) {
            if (wallet != null) {
                TopicOwnership.check(e.getContentTopic(), e.getMessage(), wallet);
            }
        }
    }

    private void refused(ApiException e) {
        String reason = e instanceof TopicOwnership.InvalidContactBundle
                ? "invalid_contact_bundle"
                : e.code().name().toLowerCase(Locale.ROOT);
        Counter.builder("relay.publish.refused")
                .description("publishes refused before anything was stored")
                .tag("reason", reason)
                .register(meters)
                .increment();
    }

    private Timer timer(String outcome) {
        return Timer.builder("relay.publish")
                .description("publish requests, store and Kafka included")
                .tag("outcome", outcome)
                .publishPercentiles(0.5, 0.99)
                .register(meters);
    }
}
