// A first latency probe for the local network. Publishes carry valid auth tokens (one wallet per client),
// so it runs with xmtp-core on the classpath:
//   java -cp "$(cat xmtp-core/target/classpath.txt):xmtp-core/target/classes" bench/probe/Latency.java
// (xmtp-core/target/classpath.txt: mvn -q -pl xmtp-core dependency:build-classpath
// -Dmdep.outputFile=target/classpath.txt)
//   -Dbase=http://127.0.0.1:5555  target; -DseqOnly=true sequential publishes only; -DloadOnly=true the 32-client phase
// only.
// Phases: 3,000 warm-up publishes; 3,000 sequential 1 KiB publishes; publish-to-stream delivery of 4,000
// envelopes paced at 200/s to one subscriber; 20 s of 32 concurrent publishing clients.
import java.io.*;
import java.net.URI;
import java.net.http.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

public class Latency {
    static HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static String base = System.getProperty("base", "http://127.0.0.1:5555");

    static String body(String topic, long ts, String payload) {
        return "{\"envelopes\":[{\"contentTopic\":\"" + topic + "\",\"timestampNs\":\"" + ts + "\",\"message\":\""
                + Base64.getEncoder().encodeToString(payload.getBytes()) + "\"}]}";
    }

    static final String ADMIN = System.getProperty("admin", "http://127.0.0.1:5557");
    /** One wallet per client thread, put on the gateway's allow list so the rate limits do not skew the figures. */
    static final ThreadLocal<String> TOKEN = ThreadLocal.withInitial(() -> {
        var id = org.xmtpnode.core.crypto.Identities.random();
        try {
            http.send(
                    HttpRequest.newBuilder(URI.create(ADMIN + "/actuator/wallets"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"list\":\"allow\",\"wallet\":\""
                                    + id.walletAddress() + "\",\"action\":\"add\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            throw new IllegalStateException("cannot reach the gateway's admin API at " + ADMIN, e);
        }
        return id.token(System.currentTimeMillis() * 1_000_000L);
    });

    static long publish(String topic, long ts, String payload) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + "/message/v1/publish"))
                        .header("Content-Type", "text/plain")
                        .header("Authorization", "Bearer " + TOKEN.get())
                        .POST(HttpRequest.BodyPublishers.ofString(body(topic, ts, payload)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException(r.body());
        return System.nanoTime() - t0;
    }

    static void report(String name, long[] ns) {
        Arrays.sort(ns);
        System.out.printf(
                "%s: n=%d p50=%.2f ms p90=%.2f p99=%.2f p99.9=%.2f max=%.2f%n",
                name,
                ns.length,
                ns[ns.length / 2] / 1e6,
                ns[(int) (ns.length * 0.9)] / 1e6,
                ns[(int) (ns.length * 0.99)] / 1e6,
                ns[(int) (ns.length * 0.999)] / 1e6,
                ns[ns.length - 1] / 1e6);
    }

    public static void main(String[] a) throws Exception {
        String pad = "x".repeat(1000);
        String run = UUID.randomUUID().toString().substring(0, 8);
        if (Boolean.getBoolean("loadOnly")) {
            load(run, pad);
            System.exit(0);
        }
        // warm-up
        for (int i = 0; i < 3000; i++) publish("/xmtp/0/m-warm" + run + (i % 50) + "/proto", i, pad + i);
        // sequential publish latency
        long[] lat = new long[3000];
        for (int i = 0; i < lat.length; i++)
            lat[i] = publish("/xmtp/0/m-seq" + run + (i % 50) + "/proto", i, pad + "s" + i);
        report("publish (sequential, 1 KiB)", lat);
        if (Boolean.getBoolean("seqOnly")) System.exit(0);
        // stream delivery latency: subscriber on one topic, paced 200/s
        String topic = "/xmtp/0/m-stream" + run + "/proto";
        HttpResponse<InputStream> sub = http.send(
                HttpRequest.newBuilder(URI.create(base + "/message/v1/subscribe"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"contentTopics\":[\"" + topic + "\"]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader in = new BufferedReader(new InputStreamReader(sub.body()));
        in.readLine(); // opening heartbeat
        int n = 4000;
        long[] sent = new long[n];
        long[] delivered = new long[n];
        AtomicInteger got = new AtomicInteger();
        Thread reader = new Thread(() -> {
            try {
                String line;
                while (got.get() < n && (line = in.readLine()) != null) {
                    long now = System.nanoTime();
                    int k = line.indexOf("\"timestampNs\":\"");
                    if (k < 0) continue;
                    int seq = Integer.parseInt(line.substring(k + 15, line.indexOf('"', k + 15)));
                    delivered[seq] = now - sent[seq];
                    got.incrementAndGet();
                }
            } catch (IOException e) {
            }
        });
        reader.start();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + i * 5_000_000L; // 200/s
            while (System.nanoTime() < due) Thread.onSpinWait();
            sent[i] = System.nanoTime();
            publish(topic, i, pad + "d" + i);
        }
        reader.join(10000);
        System.out.println("delivered " + got.get() + "/" + n);
        report("publish-to-stream delivery (200/s paced)", delivered);
        load(run, pad);
        System.exit(0);
    }

    static void load(String run, String pad) throws Exception {
        // throughput with 32 concurrent clients for 20 s
        ExecutorService pool = Executors.newFixedThreadPool(32);
        AtomicLong count = new AtomicLong();
        long end = System.nanoTime() + 20_000_000_000L;
        ConcurrentLinkedQueue<Long> tl = new ConcurrentLinkedQueue<>();
        for (int t = 0; t < 32; t++) {
            int tt = t;
            pool.submit(() -> {
                int i = 0;
                while (System.nanoTime() < end) {
                    try {
                        tl.add(publish("/xmtp/0/m-tp" + run + tt + "/proto", i, pad + tt + "-" + i++));
                        count.incrementAndGet();
                    } catch (Exception e) {
                        System.err.println(e);
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.SECONDS);
        System.out.printf("throughput: %.0f publishes/s over 20 s with 32 clients%n", count.get() / 20.0);
        report(
                "publish under 32-client load",
                tl.stream().mapToLong(Long::longValue).toArray());
    }
}
