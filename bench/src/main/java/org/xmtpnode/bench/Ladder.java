package org.xmtpnode.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import one.profiler.AsyncProfilerLoader;
import org.xmtpnode.devnet.Devnet;
import org.xmtpnode.devnet.Ports;
import org.xmtpnode.runtime.kafka.KafkaClients;

/**
 * {@code bin/bench --ladder}: each hop's CPU per request beside a floor built from the same frameworks with
 * nothing of this project (the {@code bench-floors} jar), in one run on one machine. CPU is each process's own
 * user and system time from {@code /proc} over the measured window, divided by the requests answered in it;
 * PostgreSQL's is the sum over its processes. Every floor runs with the JVM options of the network's services, and
 * is measured twice: at its most (closed loop), and paced at the rate our hop reached, since a process's CPU per
 * request falls as its rate rises; the ratio is ours over the floor at our rate.
 *
 * <table>
 *   <tr><th>hop</th><th>floor</th><th>ours</th></tr>
 *   <tr><td>HTTP</td><td>a WebFlux handler that reads the body and answers {@code {}}</td><td>–</td></tr>
 *   <tr><td>gateway</td><td>Spring Cloud Gateway, one plain route to that handler (for the query, answering as
 *       many bytes as our page)</td>
 *       <td>the gateway as users run it (auth, rate limits on with buckets the load fits in, load balancer,
 *       retry, metrics, CORS, body caps), publish and query</td></tr>
 *   <tr><td>relay</td><td>WebFlux + KafkaProducer with {@code acks=all}</td><td>relay-service's publish</td></tr>
 *   <tr><td>store</td><td>plain JDBC: one insert of a 1 KiB envelope; a page of 100</td>
 *       <td>topic-service's store of a publish, and its query (each with PostgreSQL)</td></tr>
 * </table>
 */
final class Ladder {

    /** CPU seconds of one process, or of every process with a name, from {@code /proc}. */
    record Cpu(String name, long pid) {

        static final double TICK = 100.0; // USER_HZ, 100 on Linux

        static Cpu of(String name, long pid) {
            return new Cpu(name, pid);
        }

        /**
         * Every process whose command name is {@code comm} (PostgreSQL's postmasters and their backends), with what
         * the backends that ended have used (a postmaster's reaped children's time), so that a connection closed
         * during the window still counts.
         */
        static Cpu named(String comm) {
            return new Cpu(comm, -1);
        }

        double seconds() {
            if (pid > 0) {
                return ticks(Path.of("/proc", Long.toString(pid), "stat")) / TICK;
            }
            long total = 0;
            try (Stream<Path> all = Files.list(Path.of("/proc"))) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    if (p.getFileName().toString().chars().allMatch(Character::isDigit) && comm(p).equals(name)) {
                        // a process's own time and that of its children that ended (a backend, once its postmaster
                        // reaped it): a live process is never in its parent's children's time, so nothing counts twice
                        long[] f = fields(p.resolve("stat"));
                        total += f[11] + f[12] + f[13] + f[14];
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return total / TICK;
        }

        private static String comm(Path proc) {
            try {
                return Files.readString(proc.resolve("comm")).strip();
            } catch (IOException e) {
                return ""; // gone meanwhile
            }
        }

        /** utime + stime (fields 14 and 15 of {@code stat}). */
        private static long ticks(Path stat) {
            long[] f = fields(stat);
            return f[11] + f[12];
        }

        /**
         * The numeric fields of {@code /proc/<pid>/stat} from the state on: [11] to [14] are utime, stime, cutime and
         * cstime; zeros if the process is gone.
         */
        private static long[] fields(Path stat) {
            long[] out = new long[15];
            try {
                String s = Files.readString(stat);
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                for (int i = 1; i < out.length; i++) {
                    out[i] = Long.parseLong(f[i]);
                }
            } catch (IOException e) {
                // gone meanwhile
            }
            return out;
        }
    }

    /** What the processes have used since the window opened: the one CPU measure of the ladder and the suite. */
    static final class CpuWindow {

        private final List<Cpu> processes;
        private final double[] before;
        private final long openedNs = System.nanoTime();

        private CpuWindow(List<Cpu> processes) {
            this.processes = processes;
            this.before = processes.stream().mapToDouble(Cpu::seconds).toArray();
        }

        static CpuWindow open(List<Cpu> processes) {
            return new CpuWindow(processes);
        }

        boolean empty() {
            return processes.isEmpty();
        }

        /** Wall-clock seconds since the opening. */
        double wallSeconds() {
            return (System.nanoTime() - openedNs) / 1e9;
        }

        /** Each process's CPU seconds since the opening, by name, in the order given. */
        Map<String, Double> seconds() {
            Map<String, Double> used = new LinkedHashMap<>();
            for (int i = 0; i < processes.size(); i++) {
                used.put(processes.get(i).name(), processes.get(i).seconds() - before[i]);
            }
            return used;
        }
    }

    /** One measured step: requests answered, the window, and each measured process's CPU over it. */
    record Step(String name, long requests, double seconds, Map<String, Double> cpuSeconds) {

        /** Microseconds of CPU per request of the named processes together. */
        double usPerRequest(String... processes) {
            double cpu = 0;
            for (String p : processes) {
                cpu += cpuSeconds.get(p);
            }
            return cpu * 1e6 / requests;
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("requests", requests);
            m.put("per_second", Bench.round(requests / seconds));
            Map<String, Object> cpu = new LinkedHashMap<>();
            cpuSeconds.forEach((p, s) -> cpu.put(p, Bench.round(s * 1e6 / requests)));
            m.put("cpu_us_per_request", cpu);
            return m;
        }
    }

    /** What a closed-loop load did in a window: how many requests it had answered. */
    @FunctionalInterface
    interface Load {
        long run(Duration duration) throws Exception;
    }

    private final Settings settings;
    private final Duration warm;
    private final Duration measure;
    private final Path root;
    private final Path data;
    private final List<Process> floors = new CopyOnWriteArrayList<>();
    private final LoadDriver driver = new LoadDriver();
    private final Path profiles;
    private final Map<String, List<String>> hottest = new LinkedHashMap<>();
    /** The floors run on the JVM the network's services run on. */
    private String java;

    /**
     * @param profiles where to write async-profiler's CPU profiles (collapsed stacks) of our processes over each
     *     measured window of our hops; null for none
     */
    Ladder(Settings settings, Path root, Path data, boolean quick, Path profiles) {
        this.settings = settings;
        this.root = root;
        this.data = data;
        this.profiles = profiles;
        this.warm = Duration.ofSeconds(quick ? 5 : 30);
        this.measure = Duration.ofSeconds(quick ? 5 : 20);
        // a SIGTERM to the bench skips the run's finally: the floors stop with the JVM (the network has its own)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> floors.forEach(Process::destroy), "ladder-exit"));
    }

    Map<String, Object> run(List<String[]> table) throws Exception {
        System.out.println("bench: ladder: starting the local network in " + data);
        Devnet.Options options = Devnet.Options.benchmark(root, data)
                .withArgs(
                        Devnet.Service.GATEWAY,
                        // limits on, as users run them, with buckets the load fits in
                        "--xmtp.gateway.rate-limits.publish.per-minute=1000000000",
                        "--xmtp.gateway.rate-limits.publish.burst=1000000000",
                        "--xmtp.gateway.rate-limits.read.per-minute=1000000000",
                        "--xmtp.gateway.rate-limits.read.burst=1000000000");
        Map<String, Object> json = new LinkedHashMap<>();
        try (Devnet devnet = Devnet.start(options)) {
            java = devnet.serviceJava();
            Path jar = floorsJar();
            List<String> jvm = options.jvmOptions();
            int echoPort = Ports.free();
            int scgPort = Ports.free();
            int kafkaPort = Ports.free();
            KafkaClients.ensureTopic(
                    devnet.kafkaBootstrapServers(), new KafkaClients.TopicSpec("ladder-floor", 6, (short) 1, Map.of()));
            Process echo = floor(jar, jvm, "echo", "--server.port=" + echoPort);
            Process scg = floor(jar, jvm, "scg", "--server.port=" + scgPort, "--floor.to=http://127.0.0.1:" + echoPort);
            Process kafka = floor(
                    jar,
                    jvm,
                    "kafka",
                    "--server.port=" + kafkaPort,
                    "--floor.kafka=" + devnet.kafkaBootstrapServers(),
                    "--floor.topic=ladder-floor");
            awaitAnswer("http://127.0.0.1:" + echoPort);
            awaitAnswer("http://127.0.0.1:" + scgPort);
            awaitAnswer("http://127.0.0.1:" + kafkaPort);

            Cpu gateway = Cpu.of("gateway", devnet.pids(Devnet.Service.GATEWAY).get(0));
            Cpu relay = Cpu.of("relay", devnet.pids(Devnet.Service.RELAY).get(0));
            Cpu topic = Cpu.of("topic", devnet.pids(Devnet.Service.TOPIC).get(0));
            Cpu postgres = Cpu.named("postgres");

            Step echoStep = step("echo", post("http://127.0.0.1:" + echoPort), Cpu.of("echo", echo.pid()));
            Step scgStep = step(
                    "scg → echo",
                    post("http://127.0.0.1:" + scgPort),
                    Cpu.of("scg", scg.pid()),
                    Cpu.of("echo", echo.pid()));
            Step kafkaStep = step(
                    "WebFlux + KafkaProducer", post("http://127.0.0.1:" + kafkaPort), Cpu.of("kafka", kafka.pid()));
            Api api = new Api(devnet.apiUrl(), settings.w1Wallets());
            W1Publish w1 = new W1Publish(settings, api, driver);
            // the network's JIT takes minutes on 2 cores: the suite's warm-up, until the publish rate stops rising
            System.out.println("bench: ladder: warming the network up (at most "
                    + settings.warmup().toSeconds() + " s)");
            json.put("warmup_publish_rates", new Warmup(settings, api, driver, w1).run());
            Step publish = profiled(
                    "publish through the gateway",
                    d -> w1.publish(d, settings.w1Clients()).count(),
                    gateway,
                    relay,
                    topic,
                    postgres);
            Step query = profiled("query through the gateway", d -> query(api, d), gateway, topic, postgres);
            // a process's CPU per request falls as its rate rises (more work per wake-up and per system call):
            // each HTTP floor again at the rate our hop reached, so that the ratio compares like with like
            double publishRate = publish.requests() / publish.seconds();
            double queryRate = query.requests() / query.seconds();
            Step scgPaced = step(
                    String.format(Locale.ROOT, "scg → echo at %.0f/s", publishRate),
                    post("http://127.0.0.1:" + scgPort, publishRate),
                    Cpu.of("scg", scg.pid()),
                    Cpu.of("echo", echo.pid()));
            Step kafkaPaced = step(
                    String.format(Locale.ROOT, "WebFlux + KafkaProducer at %.0f/s", publishRate),
                    post("http://127.0.0.1:" + kafkaPort, publishRate),
                    Cpu.of("kafka", kafka.pid()));
            // the proxy's floor for the query: the same route, carrying an answer of our page's size
            int pageBytes = api.answer("/message/v1/query", queryBody(api, 0)).length;
            Step scgPage = step(
                    String.format(Locale.ROOT, "scg → echo, %d B answers at %.0f/s", pageBytes, queryRate),
                    page("http://127.0.0.1:" + scgPort, pageBytes, queryRate),
                    Cpu.of("scg", scg.pid()),
                    Cpu.of("echo", echo.pid()));
            Step insertFloor = jdbc(jar, jvm, devnet, "insert", 0, postgres);
            Step queryFloor = jdbc(jar, jvm, devnet, "query", 0, postgres);
            Step insertPaced = jdbc(jar, jvm, devnet, "insert", publishRate, postgres);
            Step queryPaced = jdbc(jar, jvm, devnet, "query", queryRate, postgres);

            List<Step> steps = List.of(
                    echoStep,
                    scgStep,
                    kafkaStep,
                    publish,
                    query,
                    scgPaced,
                    kafkaPaced,
                    scgPage,
                    insertFloor,
                    queryFloor,
                    insertPaced,
                    queryPaced);
            steps.forEach(s -> json.put(s.name(), s.json()));
            if (!hottest.isEmpty()) {
                json.put("hottest_frames", hottest);
            }
            row(table, "HTTP handler", "bare WebFlux handler", echoStep, null, new String[] {"echo"}, null, null, null);
            row(
                    table,
                    "gateway, publish",
                    "Spring Cloud Gateway, one route",
                    scgStep,
                    scgPaced,
                    new String[] {"scg"},
                    "our gateway",
                    publish,
                    new String[] {"gateway"});
            row(
                    table,
                    "gateway, query",
                    "Spring Cloud Gateway, one route, answers of a page's size",
                    null,
                    scgPage,
                    new String[] {"scg"},
                    "our gateway",
                    query,
                    new String[] {"gateway"});
            row(
                    table,
                    "relay, publish",
                    "WebFlux + KafkaProducer (acks=all)",
                    kafkaStep,
                    kafkaPaced,
                    new String[] {"kafka"},
                    "relay-service",
                    publish,
                    new String[] {"relay"});
            row(
                    table,
                    "store, one envelope",
                    "JDBC insert + PostgreSQL",
                    insertFloor,
                    insertPaced,
                    new String[] {"jdbc", "postgres"},
                    "topic-service + PostgreSQL",
                    publish,
                    new String[] {"topic", "postgres"});
            row(
                    table,
                    "store, page of 100",
                    "JDBC query + PostgreSQL",
                    queryFloor,
                    queryPaced,
                    new String[] {"jdbc", "postgres"},
                    "topic-service + PostgreSQL",
                    query,
                    new String[] {"topic", "postgres"});
        } finally {
            floors.forEach(Process::destroy);
            for (Process p : floors) {
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        return json;
    }

    /** The hottest frames of each profile taken, by self time: what to read first. */
    Map<String, List<String>> hottest() {
        return hottest;
    }

    /** A step of our hops: measured as {@link #step}, and with {@code --profile} each JVM profiled over the window. */
    private Step profiled(String name, Load load, Cpu... processes) throws Exception {
        if (profiles == null) {
            return step(name, load, processes);
        }
        Files.createDirectories(profiles);
        // extracts the profiler's library and its launcher once, before the threads that run it
        AsyncProfilerLoader.getAsyncProfilerPath();
        AsyncProfilerLoader.executeProfiler("--version");
        Load withProfiles = d -> {
            List<Thread> running = new ArrayList<>();
            for (Cpu p : processes) {
                if (p.pid() > 0) {
                    Path out = profiles.resolve(slug(name) + "." + p.name() + ".collapsed");
                    Thread t = new Thread(() -> profile(p.pid(), d, out), "profile-" + p.name());
                    t.start();
                    running.add(t);
                }
            }
            long n = load.run(d);
            for (Thread t : running) {
                t.join();
            }
            return n;
        };
        // the warm-up runs unprofiled: step() calls the load twice, and only the second call is the window
        boolean[] warmed = {false};
        Step s = step(name, d -> warmed[0] ? withProfiles.run(d) : warm(load, d, warmed), processes);
        try (Stream<Path> files = Files.list(profiles)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().startsWith(slug(name) + ".")) {
                    hottest.put(f.getFileName().toString(), Profiles.hottest(f, 12));
                }
            }
        }
        return s;
    }

    private static String slug(String name) {
        return name.replaceAll("[^a-z]+", "-");
    }

    private static long warm(Load load, Duration d, boolean[] warmed) throws Exception {
        long n = load.run(d);
        warmed[0] = true;
        return n;
    }

    /** async-profiler in CPU mode (itimer: no perf events needed) on one JVM for {@code d}, as collapsed stacks. */
    private static void profile(long pid, Duration d, Path out) {
        try {
            AsyncProfilerLoader.executeProfiler(
                    "-e",
                    "itimer",
                    "-d",
                    Long.toString(d.toSeconds()),
                    "-o",
                    "collapsed",
                    "-f",
                    out.toString(),
                    Long.toString(pid));
        } catch (IOException e) {
            System.out.println("bench: ladder: no profile of " + pid + ": " + e);
        }
    }

    /**
     * A row of the table: the floor's CPU per request at its most (closed loop) and at our hop's rate (paced), where
     * measured; the ratio is ours over the floor at our rate where there is one, else over the floor at its most.
     */
    private static void row(
            List<String[]> table,
            String hop,
            String floorName,
            Step floorAtMost,
            Step floorAtOurRate,
            String[] floorProcesses,
            String oursName,
            Step ours,
            String[] oursProcesses) {
        String atMost = floorAtMost == null ? "–" : us(floorAtMost.usPerRequest(floorProcesses));
        String atOurRate = floorAtOurRate == null ? "–" : us(floorAtOurRate.usPerRequest(floorProcesses));
        String floorRate = floorAtMost == null ? "–" : rate(floorAtMost);
        if (ours == null) {
            table.add(new String[] {hop, floorName, atMost, atOurRate, "–", "–", "–", floorRate + " / –"});
            return;
        }
        double o = ours.usPerRequest(oursProcesses);
        double f = (floorAtOurRate == null ? floorAtMost : floorAtOurRate).usPerRequest(floorProcesses);
        table.add(new String[] {
            hop,
            floorName,
            atMost,
            atOurRate,
            oursName,
            us(o),
            String.format(Locale.ROOT, "%.1f×", o / f),
            floorRate + " / " + rate(ours)
        });
    }

    private static String us(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String rate(Step s) {
        return String.format(Locale.ROOT, "%,.0f/s", s.requests() / s.seconds());
    }

    /** Warms the load up, then measures it with the CPU of the given processes over the window. */
    private Step step(String name, Load load, Cpu... processes) throws Exception {
        System.out.println(
                "bench: ladder: " + name + " (warm-up " + warm.toSeconds() + " s, then " + measure.toSeconds() + " s)");
        load.run(warm);
        CpuWindow cpu = CpuWindow.open(List.of(processes));
        long requests = load.run(measure);
        Step s = new Step(name, requests, cpu.wallSeconds(), cpu.seconds());
        System.out.println("bench: ladder: " + name + ": " + s.json());
        return s;
    }

    /** 32 clients POSTing 1 KiB JSON bodies (a publish's) to {@code url} as fast as they are answered. */
    private Load post(String url) {
        Api api = new Api(url, 1);
        String body = publishBody(api);
        return d -> driver.closedLoop(
                        settings.w1Clients(), d, "requests", c -> api.post("/message/v1/publish", null, body) == 200)
                .count();
    }

    /** The same bodies at {@code rate} per second (open loop, 32 senders): the floor at our hop's rate. */
    private Load post(String url, double rate) {
        Api api = new Api(url, 1);
        return paced(api, "/message/v1/publish", publishBody(api), settings.w1Clients(), rate);
    }

    /** A query's body to {@code url}{@code /page/N} at {@code rate} per second: the echo answers N bytes, a page's size. */
    private Load page(String url, int bytes, double rate) {
        Api api = new Api(url, 1);
        return paced(api, "/page/" + bytes, queryBody(api, 0), settings.w3Clients(), rate);
    }

    private Load paced(Api api, String path, String body, int senders, double rate) {
        return d -> driver.paced("floor", senders, (int) Math.round(rate), d, (sender, i, due) -> {
                    try {
                        return api.post(path, null, body) == 200;
                    } catch (IOException e) {
                        return false;
                    }
                })
                .join();
    }

    private String publishBody(Api api) {
        return "{\"envelopes\":[" + Api.envelope(api.topic("floor"), 1, Api.message(settings.messageBytes(), 1)) + "]}";
    }

    /** Pages of the newest 100 envelopes of the topics the publish step filled, by 16 clients. */
    private long query(Api api, Duration d) throws Exception {
        AtomicLong n = new AtomicLong();
        return driver.closedLoop(
                        settings.w3Clients(),
                        d,
                        "queries",
                        c -> api.post("/message/v1/query", null, queryBody(api, n.incrementAndGet())) == 200)
                .count();
    }

    /** The newest 100 envelopes of one of the topics the publish step filled. */
    private String queryBody(Api api, long n) {
        String topic = api.topic("w1-" + (n % settings.w1Clients()));
        return "{\"contentTopics\":[\"" + topic + "\"],\"pagingInfo\":{\"limit\":100}}";
    }

    /**
     * The JDBC floor: a process of its own that warms up, then says when its measured window starts and ends.
     *
     * @param rate per second, or 0 for a closed loop
     */
    private Step jdbc(Path jar, List<String> jvm, Devnet devnet, String mode, double rate, Cpu postgres)
            throws Exception {
        String name = "JDBC " + mode + (rate > 0 ? String.format(Locale.ROOT, " at %.0f/s", rate) : "");
        System.out.println(
                "bench: ladder: " + name + " (warm-up " + warm.toSeconds() + " s, then " + measure.toSeconds() + " s)");
        Process p = start(
                jar,
                jvm,
                List.of(
                        "jdbc",
                        devnet.jdbcUrl(0),
                        devnet.postgresUser(),
                        mode,
                        "10",
                        Long.toString(warm.toSeconds()),
                        Long.toString(measure.toSeconds()),
                        Double.toString(rate)),
                null);
        Cpu self = Cpu.of("jdbc", p.pid());
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            CpuWindow cpu = null;
            for (String line; (line = out.readLine()) != null; ) {
                if (line.equals("measuring")) {
                    cpu = CpuWindow.open(List.of(self, postgres));
                } else if (line.startsWith("done ") && cpu != null) {
                    Step s = new Step(name, Long.parseLong(line.substring(5)), cpu.wallSeconds(), cpu.seconds());
                    System.out.println("bench: ladder: " + name + ": " + s.json());
                    p.getOutputStream().close(); // read: the floor may close its connections and end
                    p.waitFor(30, TimeUnit.SECONDS);
                    return s;
                } else {
                    System.out.println("bench: ladder: JDBC floor: " + line);
                }
            }
        }
        throw new IllegalStateException("the JDBC floor ended without a result (exit " + p.waitFor() + ")");
    }

    private Process floor(Path jar, List<String> jvm, String... args) throws IOException {
        Process p = start(jar, jvm, List.of(args), data.resolve("floor-" + args[0] + ".log"));
        floors.add(p);
        return p;
    }

    private Process start(Path jar, List<String> jvm, List<String> args, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvm);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (log != null) {
            pb.redirectOutput(log.toFile());
        }
        return pb.start();
    }

    private void awaitAnswer(String url) throws Exception {
        Api api = new Api(url, 1);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            try {
                if (api.post("/message/v1/publish", null, "{}") == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the floor at " + url + " did not answer within 2 minutes (logs in " + data + ")");
            }
            Thread.sleep(500);
        }
    }

    private Path floorsJar() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("bench-floors/target"))) {
            return files.filter(f -> f.getFileName().toString().matches("bench-floors-.*\\.jar"))
                    .max((a, b) ->
                            Long.compare(a.toFile().lastModified(), b.toFile().lastModified()))
                    .orElseThrow(() ->
                            new IllegalStateException("no bench-floors jar: build with mvn -pl bench -am package"));
        }
    }
}
