package org.xmtpnode.client.api;

import com.google.protobuf.Message;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.xmtpnode.client.XmtpException;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.Limits;
import org.xmtpnode.core.WireJson;
import org.xmtpnode.proto.api.BatchQueryRequest;
import org.xmtpnode.proto.api.BatchQueryResponse;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.api.ErrorResponse;
import org.xmtpnode.proto.api.PagingInfo;
import org.xmtpnode.proto.api.PublishRequest;
import org.xmtpnode.proto.api.QueryRequest;
import org.xmtpnode.proto.api.QueryResponse;
import org.xmtpnode.proto.api.SubscribeRequest;

/**
 * XMTP's message API v1 over REST/JSON, with the JDK's {@link HttpClient}: publish (with the auth
 * token, renewed once when the node answers code 16), query with paging, batch query and subscribe.
 * Unavailable nodes, connection failures and rate limits are retried per the {@link RetryPolicy}.
 */
public final class ApiClient {

    /** What {@code X-Client-Version} says; the SDKs send {@code xmtp-js/<version>}. */
    public static final String CLIENT_VERSION = "xmtp-java/0.1.0";

    private final URI baseUri;
    private final HttpClient http;
    private final RetryPolicy retry;
    private final Duration requestTimeout;
    private volatile AuthTokenIssuer tokens;

    public ApiClient(URI baseUri, RetryPolicy retry, Duration requestTimeout) {
        String s = baseUri.toString();
        this.baseUri = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        if (!"http".equals(this.baseUri.getScheme()) && !"https".equals(this.baseUri.getScheme())) {
            throw new IllegalArgumentException("the API URL must be http or https: " + baseUri);
        }
        this.retry = retry;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    public URI baseUri() {
        return baseUri;
    }

    /** Publishing needs an identity: the tokens come from it. */
    public void authenticateWith(AuthTokenIssuer issuer) {
        this.tokens = issuer;
    }

    /**
     * The auth token publishes carry now ({@code Authorization: Bearer <token>}), reused for up to
     * {@link AuthTokenIssuer#REUSE} as the SDKs do.
     */
    public String authToken() {
        return issuer().token();
    }

    private AuthTokenIssuer issuer() {
        AuthTokenIssuer issuer = tokens;
        if (issuer == null) {
            throw new IllegalStateException("publishing needs an identity");
        }
        return issuer;
    }

    public void publish(List<Envelope> envelopes) {
        AuthTokenIssuer issuer = issuer();
        for (int i = 0; i < envelopes.size(); i += Limits.MAX_PUBLISH_ENVELOPES) {
            byte[] body = WireJson.printBytes(PublishRequest.newBuilder()
                    .addAllEnvelopes(envelopes.subList(i, Math.min(envelopes.size(), i + Limits.MAX_PUBLISH_ENVELOPES)))
                    .build());
            try {
                call("/message/v1/publish", body, issuer.token());
            } catch (XmtpApiException e) {
                if (e.code() != XmtpApiException.UNAUTHENTICATED) {
                    throw e;
                }
                call("/message/v1/publish", body, issuer.refresh());
            }
        }
    }

    public QueryResponse query(QueryRequest request) {
        return parse(call("/message/v1/query", WireJson.printBytes(request), null), QueryResponse.newBuilder())
                .build();
    }

    /** Reads one topic per the options, following the node's cursor from page to page. */
    public List<Envelope> query(String topic, QueryOptions options) {
        List<Envelope> out = new ArrayList<>();
        QueryRequest.Builder request = QueryRequest.newBuilder()
                .addContentTopics(topic)
                .setStartTimeNs(QueryOptions.toNs(options.start()))
                .setEndTimeNs(QueryOptions.toNs(options.end()));
        while (true) {
            int want = options.limit() == 0
                    ? options.pageSize()
                    : Math.min(options.pageSize(), options.limit() - out.size());
            request.setPagingInfo(
                    request.getPagingInfo().toBuilder().setLimit(want).setDirection(options.direction()));
            QueryResponse page = query(request.build());
            out.addAll(page.getEnvelopesList());
            PagingInfo paging = page.getPagingInfo();
            boolean full = options.limit() > 0 && out.size() >= options.limit();
            if (full || page.getEnvelopesCount() < want || !paging.hasCursor()) {
                return options.limit() > 0 && out.size() > options.limit() ? out.subList(0, options.limit()) : out;
            }
            request.setPagingInfo(request.getPagingInfo().toBuilder().setCursor(paging.getCursor()));
        }
    }

    /** Runs the queries in batches of the node's maximum; the answers come in the requests' order. */
    public List<QueryResponse> batchQuery(List<QueryRequest> requests) {
        List<QueryResponse> out = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i += Limits.MAX_BATCH_QUERIES) {
            List<QueryRequest> chunk = requests.subList(i, Math.min(requests.size(), i + Limits.MAX_BATCH_QUERIES));
            BatchQueryResponse response = parse(
                            call(
                                    "/message/v1/batch-query",
                                    WireJson.printBytes(BatchQueryRequest.newBuilder()
                                            .addAllRequests(chunk)
                                            .build()),
                                    null),
                            BatchQueryResponse.newBuilder())
                    .build();
            if (response.getResponsesCount() != chunk.size()) {
                throw new XmtpApiException(
                        13, 200, "the node answered a batch query with the wrong number of responses");
            }
            out.addAll(response.getResponsesList());
        }
        return out;
    }

    /**
     * Streams envelopes published on the topics from now on, reconnecting when the stream breaks.
     * The listener runs on the subscription's own thread.
     */
    public Subscription subscribe(Collection<String> topics, Subscription.Listener listener) {
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("a subscription needs at least one topic");
        }
        return Subscription.start(this, List.copyOf(topics), listener);
    }

    HttpRequest subscribeRequest(List<String> topics) {
        return request(
                        "/message/v1/subscribe",
                        WireJson.printBytes(SubscribeRequest.newBuilder()
                                .addAllContentTopics(topics)
                                .build()),
                        null)
                .build();
    }

    HttpClient http() {
        return http;
    }

    RetryPolicy retryPolicy() {
        return retry;
    }

    private HttpRequest.Builder request(String path, byte[] body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUri + path))
                .header("Content-Type", "application/json")
                .header("X-Client-Version", CLIENT_VERSION)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /** One call with retries; answers the success body or throws what the node (or the network) said. */
    private byte[] call(String path, byte[] body, String token) {
        HttpRequest request = request(path, body, token).timeout(requestTimeout).build();
        for (int attempt = 1; ; attempt++) {
            Duration wait;
            XmtpApiException failure;
            try {
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() == 200) {
                    return response.body();
                }
                failure = error(response.statusCode(), response.body());
                wait = retryAfter(response).orElse(retry.delayAfter(attempt));
                boolean retryable = failure.code() == XmtpApiException.UNAVAILABLE
                        || response.statusCode() == 503
                        || response.statusCode() == 429;
                if (!retryable) {
                    throw failure;
                }
            } catch (IOException e) {
                failure = new XmtpApiException("the node at " + baseUri + " does not answer (" + describe(e) + ")", e);
                wait = retry.delayAfter(attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new XmtpException("interrupted while calling the node", e);
            }
            if (attempt >= retry.maxAttempts()) {
                throw failure;
            }
            sleep(wait);
        }
    }

    static XmtpApiException error(int status, byte[] body) {
        try {
            ErrorResponse e = WireJson.parse(body, ErrorResponse.newBuilder()).build();
            if (e.getCode() != 0) {
                return new XmtpApiException(
                        e.getCode(),
                        status,
                        "the node refused the call: " + e.getMessage() + " (code " + e.getCode() + ")");
            }
        } catch (ApiException notJson) {
            // fall through to the HTTP status
        }
        int code =
                status == 503 ? XmtpApiException.UNAVAILABLE : status == 429 ? XmtpApiException.RESOURCE_EXHAUSTED : 2;
        return new XmtpApiException(code, status, "the node answered HTTP " + status);
    }

    private static Optional<Duration> retryAfter(HttpResponse<?> response) {
        if (response.statusCode() != 429) {
            return Optional.empty();
        }
        return response.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                long seconds = Long.parseLong(v.trim());
                return seconds >= 0 ? Optional.of(Duration.ofSeconds(Math.min(seconds, 60))) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty(); // an HTTP date: use the backoff
            }
        });
    }

    static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new XmtpException("interrupted while waiting to retry", e);
        }
    }

    static <B extends Message.Builder> B parse(byte[] body, B builder) {
        try {
            return WireJson.parse(body, builder);
        } catch (ApiException e) {
            throw new XmtpApiException(13, 200, "the node's answer is not valid: " + e.getMessage());
        }
    }
}
