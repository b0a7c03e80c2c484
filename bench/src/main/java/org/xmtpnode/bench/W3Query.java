package org.xmtpnode.bench;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** W3, queries: a store loaded through the public API, then closed-loop single and batch queries over its topics. */
final class W3Query extends Workload {

    /** The single queries, the batch queries, and the load that filled the store. */
    record Queries(Result query, Result batch, Result load) {}

    W3Query(Settings settings, Api api, LoadDriver driver) {
        super(settings, api, driver);
    }

    Queries run() throws Exception {
        int topics = settings.w3Topics();
        Result load = loadStore(topics, settings.w3Envelopes());
        System.out.println("bench: W3 queries for " + settings.duration().toSeconds() + " s");
        Result single = driver.closedLoop(settings.w3Clients(), settings.duration(), "queries", client -> {
            String topic = api.topic("w3-" + ThreadLocalRandom.current().nextInt(topics));
            Api.check(
                    api.post(
                            "/message/v1/query",
                            null,
                            "{\"contentTopics\":[\"" + topic
                                    + "\"],\"pagingInfo\":{\"limit\":100,\"direction\":\"SORT_DIRECTION_DESCENDING\"}}"),
                    "query");
            return true;
        });
        System.out.println("bench: W3 batch queries for " + settings.duration().toSeconds() + " s");
        Result batch = driver.closedLoop(settings.w3Clients(), settings.duration(), "batches", client -> {
            StringBuilder b = new StringBuilder("{\"requests\":[");
            for (int i = 0; i < settings.w3BatchSize(); i++) {
                b.append(i == 0 ? "" : ",")
                        .append("{\"contentTopics\":[\"")
                        .append(api.topic("w3-" + ThreadLocalRandom.current().nextInt(topics)))
                        .append("\"],\"pagingInfo\":{\"limit\":")
                        .append(settings.w3BatchLimit())
                        .append(",\"direction\":\"SORT_DIRECTION_DESCENDING\"}}");
            }
            Api.check(api.post("/message/v1/batch-query", null, b.append("]}").toString()), "batch-query");
            return true;
        });
        return new Queries(single, batch, load);
    }

    /** Fills the store through the public API: publishes of 100 envelopes (256 B) over 100 topics each. */
    private Result loadStore(int topics, int envelopes) throws Exception {
        System.out.printf("bench: W3 loading %,d envelopes over %,d topics%n", envelopes, topics);
        AtomicLong next = new AtomicLong();
        int batches = envelopes / 100;
        return driver.closedLoop(
                16,
                null,
                "envelopes",
                client -> {
                    long k = next.getAndIncrement();
                    if (k >= batches) {
                        throw new LoadDriver.Done();
                    }
                    StringBuilder b = new StringBuilder("{\"envelopes\":[");
                    for (int j = 0; j < 100; j++) {
                        long n = k * 100 + j;
                        b.append(j == 0 ? "" : ",")
                                .append(Api.envelope(
                                        api.topic("w3-" + (n % topics)),
                                        driver.baseEpochNs() + n,
                                        Api.message(256, n)));
                    }
                    Api.check(
                            api.post(
                                    "/message/v1/publish",
                                    api.token(k),
                                    b.append("]}").toString()),
                            "publish");
                    return true;
                },
                100);
    }
}
