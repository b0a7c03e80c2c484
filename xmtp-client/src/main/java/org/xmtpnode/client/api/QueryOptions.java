package org.xmtpnode.client.api;

import java.time.Instant;
import org.xmtpnode.proto.api.SortDirection;

/**
 * What to read from a topic: at most {@code limit} envelopes (0 = all), in {@code direction}, sent at
 * or after {@code start} and at or before {@code end} (null = unbounded), fetched {@code pageSize} at
 * a time.
 */
public record QueryOptions(int limit, SortDirection direction, Instant start, Instant end, int pageSize) {

    public static final int DEFAULT_PAGE_SIZE = 100;

    public QueryOptions {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative");
        }
        if (direction != SortDirection.SORT_DIRECTION_ASCENDING
                && direction != SortDirection.SORT_DIRECTION_DESCENDING) {
            throw new IllegalArgumentException("direction must be ascending or descending");
        }
        if (pageSize < 1 || pageSize > 500) {
            throw new IllegalArgumentException("pageSize must be 1 to 500");
        }
        if (start != null && end != null && end.isBefore(start)) {
            throw new IllegalArgumentException("end is before start");
        }
    }

    /** Everything, oldest first. */
    public static QueryOptions all() {
        return new QueryOptions(0, SortDirection.SORT_DIRECTION_ASCENDING, null, null, DEFAULT_PAGE_SIZE);
    }

    /** The newest {@code n}, newest first. */
    public static QueryOptions latest(int n) {
        return all().withLimit(n).withDirection(SortDirection.SORT_DIRECTION_DESCENDING);
    }

    public QueryOptions withLimit(int n) {
        return new QueryOptions(n, direction, start, end, pageSize);
    }

    public QueryOptions withDirection(SortDirection d) {
        return new QueryOptions(limit, d, start, end, pageSize);
    }

    public QueryOptions between(Instant from, Instant to) {
        return new QueryOptions(limit, direction, from, to, pageSize);
    }

    public QueryOptions withPageSize(int n) {
        return new QueryOptions(limit, direction, start, end, n);
    }

    static long toNs(Instant t) {
        return t == null ? 0 : Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }
}
