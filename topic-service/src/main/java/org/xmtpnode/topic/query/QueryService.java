package org.xmtpnode.topic.query;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import org.springframework.stereotype.Service;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.Limits;
import org.xmtpnode.core.Topics;
import org.xmtpnode.proto.api.BatchQueryRequest;
import org.xmtpnode.proto.api.BatchQueryResponse;
import org.xmtpnode.proto.api.Cursor;
import org.xmtpnode.proto.api.IndexCursor;
import org.xmtpnode.proto.api.PagingInfo;
import org.xmtpnode.proto.api.QueryRequest;
import org.xmtpnode.proto.api.QueryResponse;
import org.xmtpnode.proto.api.SortDirection;
import org.xmtpnode.topic.store.EnvelopeQuery;
import org.xmtpnode.topic.store.EnvelopeStore;
import org.xmtpnode.topic.store.StoredEnvelope;

/** Query and batch query with the reference node's semantics (PROTOCOL.md). */
@Service
public class QueryService {

    private final EnvelopeStore store;
    private final Timer queryTimer;
    private final Timer batchTimer;

    public QueryService(EnvelopeStore store, MeterRegistry meters) {
        this.store = store;
        this.queryTimer = Timer.builder("topic.query")
                .description("one page query against the store")
                .publishPercentiles(0.5, 0.99)
                .register(meters);
        this.batchTimer =
                Timer.builder("topic.batch.query").description("a batch query").register(meters);
    }

    public QueryResponse query(QueryRequest request) {
        EnvelopeQuery q = toStoreQuery(request);
        return queryTimer.record(() -> run(q));
    }

    public BatchQueryResponse batchQuery(BatchQueryRequest request) {
        if (request.getRequestsCount() > Limits.MAX_BATCH_QUERIES) {
            throw ApiException.invalid("a batch holds at most " + Limits.MAX_BATCH_QUERIES + " queries");
        }
        // validate every query before running any, so a bad one costs no database work
        List<EnvelopeQuery> queries = request.getRequestsList().stream()
                .map(QueryService::toStoreQuery)
                .toList();
        return batchTimer.record(() -> {
            BatchQueryResponse.Builder response = BatchQueryResponse.newBuilder();
            for (EnvelopeQuery q : queries) {
                response.addResponses(run(q));
            }
            return response.build();
        });
    }

    private QueryResponse run(EnvelopeQuery q) {
        PagingInfo.Builder paging = PagingInfo.newBuilder()
                .setLimit(q.limit())
                .setDirection(
                        q.ascending()
                                ? SortDirection.SORT_DIRECTION_ASCENDING
                                : SortDirection.SORT_DIRECTION_DESCENDING);
        QueryResponse.Builder response = QueryResponse.newBuilder();
        if (q.limit() > 0) {
            List<StoredEnvelope> page = store.query(q);
            for (StoredEnvelope e : page) {
                response.addEnvelopes(e.envelope());
            }
            if (page.size() == q.limit()) {
                StoredEnvelope last = page.get(page.size() - 1);
                paging.setCursor(Cursor.newBuilder()
                        .setIndex(IndexCursor.newBuilder()
                                .setDigest(ByteString.copyFrom(last.digest()))
                                .setSenderTimeNs(last.envelope().getTimestampNs())));
            }
        }
        return response.setPagingInfo(paging).build();
    }

    /**
     * Validates a query and maps it to the store's terms. A query that cannot match anything (a start
     * time past 2^63) gets limit 0 and is answered without touching the database.
     */
    static EnvelopeQuery toStoreQuery(QueryRequest r) {
        int topicCount = r.getContentTopicsCount();
        if (topicCount == 0) {
            throw ApiException.invalid("a query needs at least one content topic");
        }
        if (topicCount > Limits.MAX_QUERY_TOPICS) {
            throw ApiException.invalid("a query holds at most " + Limits.MAX_QUERY_TOPICS + " content topics");
        }
        boolean allUserPreferences = true;
        for (String topic : r.getContentTopicsList()) {
            Topics.validate(topic);
            allUserPreferences &= Topics.isUserPreferences(topic);
        }
        PagingInfo paging = r.getPagingInfo();
        int maxPage = allUserPreferences ? Limits.MAX_USER_PREFERENCES_PAGE_SIZE : Limits.MAX_PAGE_SIZE;
        int limit = paging.getLimit();
        if (limit < 0 || limit > maxPage) { // uint32 above 2^31 arrives negative
            throw ApiException.invalid("pagingInfo.limit must be at most " + maxPage);
        }
        if (limit == 0) {
            limit = Limits.DEFAULT_PAGE_SIZE;
        }
        boolean ascending = switch (paging.getDirection()) {
            case SORT_DIRECTION_ASCENDING -> true;
            case SORT_DIRECTION_DESCENDING, SORT_DIRECTION_UNSPECIFIED -> false;
            default -> throw ApiException.invalid("pagingInfo.direction is not a known direction");
        };
        Long start = r.getStartTimeNs() == 0 ? null : r.getStartTimeNs();
        Long end = r.getEndTimeNs() == 0 || r.getEndTimeNs() < 0 ? null : r.getEndTimeNs();
        boolean empty = start != null && start < 0;

        Long cursorTime = null;
        byte[] cursorDigest = null;
        if (paging.hasCursor()) {
            if (!paging.getCursor().hasIndex()) {
                throw ApiException.invalid("pagingInfo.cursor must hold an index cursor");
            }
            IndexCursor index = paging.getCursor().getIndex();
            if (index.getDigest().size() > 64) {
                throw ApiException.invalid("pagingInfo.cursor.index.digest is too long");
            }
            cursorTime = index.getSenderTimeNs();
            cursorDigest = index.getDigest().toByteArray();
            if (cursorTime < 0) { // beyond 2^63: after every stored envelope
                if (ascending) {
                    empty = true;
                } else {
                    cursorTime = null;
                    cursorDigest = null;
                }
            }
        }
        return new EnvelopeQuery(
                List.copyOf(r.getContentTopicsList()),
                start,
                end,
                ascending,
                empty ? 0 : limit,
                cursorTime,
                cursorDigest);
    }
}
