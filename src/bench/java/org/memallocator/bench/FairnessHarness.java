package org.memallocator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Fairness in the pool-smaller-than-threads regime: N threads loop get, (hold), release on one
 * pool of 1 buffer for a number of fixed intervals; a sampler reads each thread's count of
 * successful gets at every interval boundary. Reported per pool and thread count: each thread's
 * share of all gets, Jain's fairness index (1 = equal shares, 1/N = one thread got everything),
 * the thread-intervals in which a thread got nothing (starvation), and the longest single
 * {@code get}. Runs in this JVM, pool after pool, after one warm-up interval each; its
 * throughput is not comparable with JMH's.
 */
final class FairnessHarness {

    /** Longs between two threads' counters, so that they sit on different cache lines. */
    private static final int STRIDE = 16;

    private FairnessHarness() {
    }

    static void run(Settings settings) throws IOException, InterruptedException {
        Path dir = settings.out();
        Files.createDirectories(dir);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("settings", settings.describe());
        out.put("environment", Environment.capture(settings.command("fairness")));
        List<Map<String, Object>> results = new ArrayList<>();
        out.put("results", results);
        for (int hold : new int[] {0, JmhSuite.HOLD_TOKENS}) {
            for (int threads : new int[] {2, 4}) {
                for (PoolKind kind : PoolKind.values()) {
                    Map<String, Object> r = measure(kind, threads, 1, hold,
                            settings.fairnessIntervals(), settings.fairnessMillis());
                    System.out.printf("fairness %-15s threads %d hold %3d: shares %s, starved %s, "
                                    + "Jain min %.3f, max wait %.3f ms%n", kind.id, threads, hold,
                            r.get("sharesPercent"), r.get("starvedThreadIntervals"),
                            r.get("jainMin"), (Long) r.get("maxWaitNanos") / 1e6);
                    results.add(r);
                }
            }
        }
        JmhSuite.json().writeValue(dir.resolve("fairness.json").toFile(), out);
    }

    static Map<String, Object> measure(PoolKind kind, int threads, int poolSize, int hold,
                                       int intervals, int intervalMillis) throws InterruptedException {
        BufferPool pool = kind.create(poolSize, GetReleaseBenchmark.BUFFER_BYTES);
        AtomicLongArray counts = new AtomicLongArray(threads * STRIDE);
        long[] maxWait = new long[threads];
        boolean[] failed = new boolean[threads];
        Flags flags = new Flags();
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int me = i;
            workers[i] = new Thread(() -> {
                long n = 0;
                long worst = 0;
                byte v = 0;
                try {
                    while (!flags.stop) {
                        long t0 = System.nanoTime();
                        Object b = pool.get();
                        long waited = System.nanoTime() - t0;
                        if (flags.measuring && waited > worst) {
                            worst = waited;
                        }
                        counts.lazySet(me * STRIDE, ++n);
                        if (hold > 0) {
                            pool.touch(b, v++);
                            Blackhole.consumeCPU(hold);
                        }
                        pool.release(b);
                    }
                } catch (InterruptedException | RuntimeException e) {
                    failed[me] = true;
                }
                maxWait[me] = worst;
            }, "fairness-" + i);
            workers[i].start();
        }
        // one warm-up interval, then the measured ones
        TimeUnit.MILLISECONDS.sleep(intervalMillis);
        long[][] perInterval = new long[intervals][threads];
        long[] last = snapshot(counts, threads);
        flags.measuring = true;
        long deadline = System.nanoTime();
        long measureStart = deadline;
        for (int k = 0; k < intervals; k++) {
            deadline += TimeUnit.MILLISECONDS.toNanos(intervalMillis);
            sleepUntil(deadline);
            long[] now = snapshot(counts, threads);
            for (int i = 0; i < threads; i++) {
                perInterval[k][i] = now[i] - last[i];
            }
            last = now;
        }
        double seconds = (System.nanoTime() - measureStart) / 1e9;
        flags.stop = true;
        boolean hung = false;
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(30));
            if (w.isAlive()) {
                hung = true;
                w.interrupt();
                w.join(TimeUnit.SECONDS.toMillis(5));
            }
        }
        pool.close();
        return summarize(kind, threads, poolSize, hold, intervalMillis, perInterval, maxWait,
                failed, hung, seconds);
    }

    private static Map<String, Object> summarize(PoolKind kind, int threads, int poolSize, int hold,
                                                 int intervalMillis, long[][] perInterval,
                                                 long[] maxWait, boolean[] failed, boolean hung,
                                                 double seconds) {
        long[] perThread = new long[threads];
        long total = 0;
        int starved = 0;
        double jainMin = 1.0;
        for (long[] interval : perInterval) {
            double sum = 0;
            double sumSq = 0;
            for (int i = 0; i < threads; i++) {
                perThread[i] += interval[i];
                total += interval[i];
                sum += interval[i];
                sumSq += (double) interval[i] * interval[i];
                if (interval[i] == 0) {
                    starved++;
                }
            }
            double jain = sumSq == 0 ? 0 : sum * sum / (threads * sumSq);
            jainMin = Math.min(jainMin, jain);
        }
        List<Double> shares = new ArrayList<>();
        for (long c : perThread) {
            shares.add(total == 0 ? 0.0 : Math.round(1000.0 * c / total) / 10.0);
        }
        List<List<Long>> intervals = new ArrayList<>();
        for (long[] interval : perInterval) {
            List<Long> row = new ArrayList<>();
            for (long c : interval) {
                row.add(c);
            }
            intervals.add(row);
        }
        long worst = 0;
        boolean anyFailed = false;
        for (int i = 0; i < threads; i++) {
            worst = Math.max(worst, maxWait[i]);
            anyFailed |= failed[i];
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("impl", kind.id);
        r.put("threads", threads);
        r.put("poolSize", poolSize);
        r.put("holdTokens", hold);
        r.put("intervals", perInterval.length);
        r.put("intervalMillis", intervalMillis);
        r.put("getsPerSecond", Math.round(total / seconds));
        r.put("sharesPercent", shares);
        r.put("getsPerInterval", intervals);
        r.put("jainMin", Math.round(jainMin * 1000) / 1000.0);
        r.put("starvedThreadIntervals", starved);
        r.put("threadIntervals", threads * perInterval.length);
        r.put("maxWaitNanos", worst);
        r.put("failed", anyFailed);
        r.put("hung", hung);
        return r;
    }

    private static long[] snapshot(AtomicLongArray counts, int threads) {
        long[] s = new long[threads];
        for (int i = 0; i < threads; i++) {
            s[i] = counts.get(i * STRIDE);
        }
        return s;
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** The control flags the workers poll. */
    private static final class Flags {
        volatile boolean stop;
        volatile boolean measuring;
    }
}
