package org.xmtpnode.core;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import org.xmtpnode.proto.internal.ExportPage;

/**
 * Reads topic-service's export ({@code GET /internal/v1/envelopes}): the whole store in digest order,
 * a page at a time, what a joining node copies.
 */
public final class StoreExport {

    private StoreExport() {}

    /**
     * One page.
     *
     * @param prefix only content topics starting with it; null for every topic
     * @param after  the {@code next_after} of the previous page; empty for the first
     */
    public static ExportPage page(HttpClient http, URI store, int limit, String prefix, byte[] after)
            throws IOException, InterruptedException {
        URI url = store.resolve("/internal/v1/envelopes?limit=" + limit
                + (prefix == null ? "" : "&prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8))
                + (after.length == 0 ? "" : "&after=" + HexFormat.of().formatHex(after)));
        HttpResponse<byte[]> r = http.send(
                HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException(store + " answered " + r.statusCode());
        }
        return ExportPage.parseFrom(r.body());
    }
}
