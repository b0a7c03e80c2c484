package org.xmtpnode.runtime.catchup;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.xmtpnode.proto.internal.ExportPage;
import org.xmtpnode.proto.internal.ExportedEnvelope;

/**
 * Reads a topic-service's export ({@code GET /internal/v1/envelopes}): its whole store in digest
 * order, a page at a time, which is how a node copies history the envelope log no longer holds. An
 * instance keeps its place, so a copy that failed halfway resumes where it stopped.
 */
public final class EnvelopeExport {

    /** Takes one page of envelopes; an exception stops the copy (the page is read again next time). */
    @FunctionalInterface
    public interface PageSink {
        void accept(List<ExportedEnvelope> page) throws Exception;
    }

    private final HttpClient http;
    private final int pageSize;
    private final String prefix;
    private byte[] after = new byte[0];
    private long copied;
    private boolean done;

    /** @param prefix only content topics starting with it; null for every topic */
    public EnvelopeExport(HttpClient http, int pageSize, String prefix) {
        this.http = http;
        this.pageSize = pageSize;
        this.prefix = prefix;
    }

    /**
     * Hands every page from where the last call stopped to the end to {@code sink}.
     *
     * @return false when {@code keepGoing} turned false first
     */
    public boolean copy(URI topicService, BooleanSupplier keepGoing, PageSink sink) throws Exception {
        while (!done) {
            if (!keepGoing.getAsBoolean()) {
                return false;
            }
            ExportPage page = page(http, topicService, pageSize, prefix, after);
            sink.accept(page.getEnvelopesList());
            copied += page.getEnvelopesCount();
            if (page.getNextAfter().isEmpty()) {
                done = true;
            } else {
                after = page.getNextAfter().toByteArray();
            }
        }
        return true;
    }

    /** Envelopes handed to sinks so far. */
    public long copied() {
        return copied;
    }

    /**
     * One page.
     *
     * @param prefix only content topics starting with it; null for every topic
     * @param after the {@code next_after} of the previous page; empty for the first
     */
    public static ExportPage page(HttpClient http, URI topicService, int limit, String prefix, byte[] after)
            throws IOException, InterruptedException {
        URI url = topicService.resolve("/internal/v1/envelopes?limit=" + limit
                + (prefix == null ? "" : "&prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8))
                + (after.length == 0 ? "" : "&after=" + HexFormat.of().formatHex(after)));
        HttpResponse<byte[]> r = http.send(
                HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException(topicService + " answered " + r.statusCode());
        }
        return ExportPage.parseFrom(r.body());
    }
}
