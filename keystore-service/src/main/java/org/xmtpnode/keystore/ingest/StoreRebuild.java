package org.xmtpnode.keystore.ingest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpnode.proto.internal.ExportedEnvelope;
import org.xmtpnode.runtime.catchup.CatchUpGate;
import org.xmtpnode.runtime.catchup.EnvelopeExport;

/**
 * keystore-service's gap filler: rebuilds the keys the envelope log no longer holds from its own node's
 * store, once that store is ready (it copies what it lacks from a peer first): the store's contact and
 * private key topics, through the same checks as the log.
 */
public class StoreRebuild implements CatchUpGate.GapFiller {

    private static final Logger log = LoggerFactory.getLogger(StoreRebuild.class);
    private static final int PAGE_SIZE = 1000;

    private final URI topicService;
    private final KeyIngest ingest;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<EnvelopeExport> keyTopics;

    public StoreRebuild(URI topicService, KeyIngest ingest) {
        this.topicService = topicService;
        this.ingest = ingest;
        this.keyTopics = List.of(
                new EnvelopeExport(http, PAGE_SIZE, "/xmtp/0/contact-"),
                new EnvelopeExport(http, PAGE_SIZE, "/xmtp/0/privatestore-"));
    }

    @Override
    public void fill(BooleanSupplier keepGoing) throws Exception {
        int status = http.send(
                        HttpRequest.newBuilder(topicService.resolve("/actuator/health/readiness"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (status != 200) {
            throw new IOException("the store at " + topicService + " is not ready yet (" + status + ")");
        }
        for (EnvelopeExport export : keyTopics) {
            if (!export.copy(topicService, keepGoing, this::handle)) {
                return;
            }
        }
        log.info(
                "rebuilt the key directory from {} key envelopes of the store at {}",
                keyTopics.stream().mapToLong(EnvelopeExport::copied).sum(),
                topicService);
    }

    private void handle(List<ExportedEnvelope> page) {
        for (ExportedEnvelope e : page) {
            ingest.handle(e.getEnvelope());
        }
    }
}
