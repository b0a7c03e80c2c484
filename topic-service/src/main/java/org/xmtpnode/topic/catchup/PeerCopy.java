package org.xmtpnode.topic.catchup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.internal.ExportedEnvelope;
import org.xmtpnode.runtime.catchup.CatchUpGate;
import org.xmtpnode.runtime.catchup.EnvelopeExport;
import org.xmtpnode.topic.store.EnvelopeStore;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * topic-service's gap filler: copies the store of a serving peer, found through this node's bootstrap
 * registry, page by page in digest order. A copy that fails resumes after the last page stored, from
 * whichever serving peer the registry lists then.
 */
public class PeerCopy implements CatchUpGate.GapFiller {

    private static final Logger log = LoggerFactory.getLogger(PeerCopy.class);

    private final URI bootstrap;
    private final String self;
    private final EnvelopeStore store;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final EnvelopeExport export;
    private final Counter copied;

    public PeerCopy(URI bootstrap, String self, int pageSize, EnvelopeStore store, MeterRegistry meters) {
        this.bootstrap = bootstrap;
        this.self = self;
        this.store = store;
        this.export = new EnvelopeExport(http, pageSize, null);
        this.copied = Counter.builder("topic.catchup.envelopes")
                .tag("source", "peer")
                .description("envelopes copied from a peer's store while joining")
                .register(meters);
    }

    @Override
    public void fill(BooleanSupplier keepGoing) throws Exception {
        URI peer = servingPeer();
        log.info("copying the history Kafka no longer holds from {}", peer);
        if (export.copy(peer, keepGoing, this::insert)) {
            log.info("copied {} envelopes from peers", export.copied());
        }
    }

    private void insert(List<ExportedEnvelope> page) {
        Map<String, List<Envelope>> byOrigin = new HashMap<>();
        for (ExportedEnvelope e : page) {
            byOrigin.computeIfAbsent(e.getOriginNode(), o -> new ArrayList<>()).add(e.getEnvelope());
        }
        byOrigin.forEach((origin, envelopes) -> store.insert(envelopes, origin));
        copied.increment(page.size());
    }

    /** A topic-service of another node the registry lists as live and serving, chosen at random. */
    private URI servingPeer() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(bootstrap.resolve("/nodes/v1"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("bootstrap answered " + r.statusCode());
        }
        List<URI> candidates = new ArrayList<>();
        for (JsonNode node : json.readTree(r.body()).path("nodes")) {
            if (!node.path("nodeId").asString().equals(self)
                    && "serving".equals(node.path("state").asString())
                    && node.path("live").asBoolean()) {
                for (JsonNode url : node.path("topicUrls")) {
                    candidates.add(URI.create(url.asString()));
                }
            }
        }
        if (candidates.isEmpty()) {
            throw new IOException("the registry at " + bootstrap + " lists no serving peer yet");
        }
        return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    }
}
