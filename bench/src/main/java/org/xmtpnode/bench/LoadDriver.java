package org.xmtpnode.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The load driver every workload runs on: one clock of epoch nanoseconds for send and arrival times,
 * the closed-loop driver (clients calling as fast as they are answered), the paced open-loop driver
 * (each send at its intended time, whatever the answers), and latency recording in HdrHistograms of
 * microseconds.
 */
final class LoadDriver {

    static final long HIGHEST_US = TimeUnit.MINUTES.toMicros(2);

    /** One call of a closed-loop client; false when it failed and is not to be timed. */
    @FunctionalInterface
    interface Call {
        boolean run(int client) throws Exception;
    }

    /** Send number {@code i} of a paced run, by thread {@code sender}, due at {@code intendedEpochNs}; true if sent. */
    @FunctionalInterface
    interface Send {
        boolean send(int sender, long i, long intendedEpochNs);
    }

    /** Signals that a load has nothing left to do. */
    static final class Done extends RuntimeException {
        Done() {
            super(null, null, false, false);
        }
    }

    /** Epoch nanoseconds at {@link #baseNano}: one clock for send and receive times. */
    private final long baseEpochNs = System.currentTimeMillis() * 1_000_000L;

    private final long baseNano = System.nanoTime();

    /** The clock's epoch time at its start. */
    long baseEpochNs() {
        return baseEpochNs;
    }

    long nowEpochNs() {
        return baseEpochNs + (System.nanoTime() - baseNano);
    }

    /** Sleeps until an epoch time on {@link #nowEpochNs}'s clock; false if interrupted. */
    boolean sleepUntil(long epochNs) {
        long wait = epochNs - nowEpochNs();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    static Histogram histogram() {
        return new Histogram(HIGHEST_US, 3);
    }

    Result closedLoop(int clients, Duration duration, String unit, Call call) throws Exception {
        return closedLoop(clients, duration, unit, call, 1);
    }

    /**
     * {@code clients} threads calling until the duration ends (or a call throws {@link Done}); CO-corrected.
     * Each timed call counts {@code perCall} operations.
     */
    Result closedLoop(int clients, Duration duration, String unit, Call call, int perCall) throws Exception {
        Histogram[] per = new Histogram[clients];
        long[] counts = new long[clients];
        Thread[] threads = new Thread[clients];
        long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        Exception[] failure = new Exception[1];
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            per[c] = histogram();
            threads[c] = new Thread(
                    () -> {
                        while (System.nanoTime() < end) {
                            long t0 = System.nanoTime();
                            try {
                                if (!call.run(client)) {
                                    continue;
                                }
                            } catch (Done d) {
                                return;
                            } catch (Exception e) {
                                failure[0] = e;
                                return;
                            }
                            per[client].recordValue(Math.min(HIGHEST_US, (System.nanoTime() - t0) / 1000));
                            counts[client]++;
                        }
                    },
                    "load-" + c);
            threads[c].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram all = histogram();
        long total = 0;
        for (int c = 0; c < clients; c++) {
            total += counts[c];
            if (counts[c] > 0) {
                all.add(per[c].copyCorrectedForCoordinatedOmission((long) (seconds * 1e6 / counts[c])));
            }
        }
        return new Result(total * perCall, seconds, all, unit);
    }

    /**
     * Starts {@code rate × duration} sends at {@code rate} per second from 100 ms on, shared round-robin
     * by {@code senders} threads: send {@code i} is due {@code i / rate} s after the start, whatever the
     * earlier ones took. Returns at once.
     */
    Paced paced(String name, int senders, int rate, Duration duration, Send send) {
        long startEpoch = nowEpochNs() + 100_000_000L;
        long total = rate * duration.toSeconds();
        AtomicLong sent = new AtomicLong();
        Thread[] threads = new Thread[senders];
        for (int s = 0; s < senders; s++) {
            int sender = s;
            threads[s] = new Thread(
                    () -> {
                        for (long i = sender; i < total; i += senders) {
                            long intended = startEpoch + i * 1_000_000_000L / rate;
                            if (!sleepUntil(intended)) {
                                return;
                            }
                            if (send.send(sender, i, intended)) {
                                sent.incrementAndGet();
                            }
                        }
                    },
                    name + "-" + s);
            threads[s].start();
        }
        return new Paced(threads, total, sent);
    }

    /** A paced run under way. */
    static final class Paced {
        private final Thread[] threads;
        private final long total;
        private final AtomicLong sent;

        private Paced(Thread[] threads, long total, AtomicLong sent) {
            this.threads = threads;
            this.total = total;
            this.sent = sent;
        }

        /** How many sends the run makes. */
        long total() {
            return total;
        }

        /** Waits for the run's end; returns how many sends went out. */
        long join() throws InterruptedException {
            for (Thread t : threads) {
                t.join();
            }
            return sent.get();
        }
    }

    /** Records arrivals from now on; see {@link Arrivals}. */
    Arrivals arrivals(Duration warmup) {
        return new Arrivals(nowEpochNs() + warmup.toNanos(), warmup);
    }

    /**
     * Latency from each message's intended send time to its arrival, both on the driver's clock; what
     * was due in the warm-up (the first seconds warm the path) is not recorded. Safe across threads.
     */
    static final class Arrivals {
        private final Histogram latency = histogram();
        private final long measureFromEpochNs;
        private final Duration warmup;

        private Arrivals(long measureFromEpochNs, Duration warmup) {
            this.measureFromEpochNs = measureFromEpochNs;
            this.warmup = warmup;
        }

        synchronized void record(long sentAtEpochNs, long arrivedEpochNs) {
            if (sentAtEpochNs >= measureFromEpochNs) {
                latency.recordValue(Math.max(0, Math.min(HIGHEST_US, (arrivedEpochNs - sentAtEpochNs) / 1000)));
            }
        }

        /** The recorded latencies over a run of {@code duration}, its warm-up left out. */
        synchronized Result result(Duration duration, String unit) {
            double seconds = duration.minus(warmup).toNanos() / 1e9;
            return new Result(latency.getTotalCount(), seconds, latency.copy(), unit);
        }
    }
}
