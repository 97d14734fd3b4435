package org.memallocator.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.memallocator.AllocatorProperties;
import org.memallocator.MediaSample;
import org.memallocator.MonitorMemAllocator;

/**
 * Paired, interleaved get+release timing for a shared, noisy machine. JMH measures one pool
 * after another, so load from other processes that comes and goes lands on some pools and not
 * on others. Here the pools take turns: each round runs every pool for one short window (in a
 * random order), all in one JVM with warm code, and the report uses the ratio of our window to
 * each peer's window in the same round, so slow changes in background load cancel out. Each pool
 * runs through its own monomorphic loop (no adapter interface), so the loops compare the pools
 * and not virtual dispatch. Covers the two goals that are close calls: ours against
 * ArrayBlockingQueue and the bare ReentrantLock + Condition pool.
 */
final class PairedHarness {

    private static final List<PoolKind> KINDS = List.of(PoolKind.MEMALLOCATOR, PoolKind.ABQ_TAKE_PUT,
            PoolKind.ABQ_POLL_OFFER, PoolKind.LOCK_CONDITION);

    private PairedHarness() {
    }

    /** {threads, poolSize}. */
    static List<int[]> configs() {
        return List.of(new int[] {1, 8}, new int[] {2, 8}, new int[] {2, 1}, new int[] {4, 1});
    }

    static void run(Settings settings) throws IOException, InterruptedException {
        Files.createDirectories(settings.out());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", Environment.capture(settings.command("paired")));
        int rounds = settings.pairedRounds();
        int windowMillis = settings.pairedWindowMillis();
        out.put("rounds", rounds);
        out.put("windowMillis", windowMillis);
        out.put("loadBefore", JmhSuite.loadAverage());
        List<Map<String, Object>> results = new ArrayList<>();
        out.put("results", results);
        for (int[] c : configs()) {
            Map<String, Object> r = measure(c[0], c[1], rounds, windowMillis);
            results.add(r);
            System.out.println("paired " + c[0] + " thread(s), pool " + c[1] + ": " + r.get("medianNanos")
                    + " ratios " + r.get("ratios"));
        }
        out.put("loadAfter", JmhSuite.loadAverage());
        JmhSuite.json().writeValue(settings.out().resolve("paired.json").toFile(), out);
    }

    private static Map<String, Object> measure(int threads, int poolSize, int rounds, int windowMillis)
            throws InterruptedException {
        Runner runner = new Runner(threads, poolSize);
        try {
            // warm-up: every pool's loop gets compiled before anything is recorded
            for (int w = 0; w < 5; w++) {
                for (int k = 0; k < KINDS.size(); k++) {
                    runner.window(k, windowMillis);
                }
            }
            double[][] nanos = new double[KINDS.size()][rounds];
            List<Integer> order = new ArrayList<>();
            for (int k = 0; k < KINDS.size(); k++) {
                order.add(k);
            }
            Random random = new Random(42);
            for (int round = 0; round < rounds; round++) {
                Collections.shuffle(order, random);
                for (int k : order) {
                    nanos[k][round] = runner.window(k, windowMillis);
                }
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("threads", threads);
            r.put("poolSize", poolSize);
            Map<String, Double> medians = new LinkedHashMap<>();
            for (int k = 0; k < KINDS.size(); k++) {
                medians.put(KINDS.get(k).id, round1(median(nanos[k])));
            }
            r.put("medianNanos", medians);
            Map<String, Map<String, Double>> ratios = new LinkedHashMap<>();
            for (int k = 1; k < KINDS.size(); k++) {
                double[] q = new double[rounds];
                int faster = 0;
                for (int i = 0; i < rounds; i++) {
                    q[i] = nanos[0][i] / nanos[k][i];
                    faster += q[i] < 1 ? 1 : 0;
                }
                double[] sorted = q.clone();
                Arrays.sort(sorted);
                // distribution-free 95 % interval of the median: order statistics n/2 ± 1.96·√n/2
                int half = (int) Math.ceil(1.96 * Math.sqrt(rounds) / 2);
                int lo = Math.max(0, rounds / 2 - half);
                int hi = Math.min(rounds - 1, (rounds - 1) / 2 + half);
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("median", round3(median(q)));
                m.put("low95", round3(sorted[lo]));
                m.put("high95", round3(sorted[hi]));
                m.put("oursFasterShare", round3((double) faster / rounds));
                ratios.put(KINDS.get(k).id, m);
            }
            r.put("ratios", ratios);
            List<List<Double>> raw = new ArrayList<>();
            for (double[] row : nanos) {
                List<Double> l = new ArrayList<>();
                for (double v : row) {
                    l.add(round1(v));
                }
                raw.add(l);
            }
            r.put("nanosPerRound", raw);
            return r;
        } finally {
            runner.close();
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** Worker threads that run one pool's loop for one window at a time. */
    private static final class Runner {
        private final int threads;
        private final MonitorMemAllocator allocator = new MonitorMemAllocator();
        private final ArrayBlockingQueue<ByteBuffer> abqTake;
        private final ArrayBlockingQueue<ByteBuffer> abqPoll;
        private final LockConditionPool lockCondition;
        private final Thread[] workers;
        private final CyclicBarrier start;
        private final CyclicBarrier end;
        private final long[] ops;
        private volatile int kind;
        private volatile boolean stop;
        private volatile boolean quit;

        Runner(int threads, int poolSize) {
            this.threads = threads;
            allocator.setProperties(new AllocatorProperties(poolSize, GetReleaseBenchmark.BUFFER_BYTES, 1, 0));
            allocator.commit();
            abqTake = filled(poolSize);
            abqPoll = filled(poolSize);
            lockCondition = new LockConditionPool(poolSize, GetReleaseBenchmark.BUFFER_BYTES);
            start = new CyclicBarrier(threads + 1);
            end = new CyclicBarrier(threads + 1);
            ops = new long[threads * 16];
            workers = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                int me = i;
                workers[i] = new Thread(() -> work(me), "paired-" + i);
                workers[i].setDaemon(true);
                workers[i].start();
            }
        }

        private static ArrayBlockingQueue<ByteBuffer> filled(int n) {
            ArrayBlockingQueue<ByteBuffer> q = new ArrayBlockingQueue<>(n);
            for (int i = 0; i < n; i++) {
                q.add(ByteBuffer.allocateDirect(GetReleaseBenchmark.BUFFER_BYTES));
            }
            return q;
        }

        /** Runs pool {@code k} on all threads for about {@code millis}; ns per op per thread. */
        double window(int k, int millis) throws InterruptedException {
            kind = k;
            stop = false;
            long t0;
            try {
                start.await();
                t0 = System.nanoTime();
                TimeUnit.MILLISECONDS.sleep(millis);
                stop = true;
                end.await();
            } catch (java.util.concurrent.BrokenBarrierException e) {
                throw new IllegalStateException(e);
            }
            long elapsed = System.nanoTime() - t0;
            long total = 0;
            for (int i = 0; i < threads; i++) {
                total += ops[i * 16];
            }
            return (double) elapsed * threads / total;
        }

        private void work(int me) {
            try {
                while (true) {
                    start.await();
                    if (quit) {
                        return;
                    }
                    long n = switch (kind) {
                        case 0 -> loopOurs();
                        case 1 -> loopAbqTake();
                        case 2 -> loopAbqPoll();
                        default -> loopLockCondition();
                    };
                    ops[me * 16] = n;
                    end.await();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private long loopOurs() throws InterruptedException {
            MonitorMemAllocator a = allocator;
            long n = 0;
            while (!stop) {
                MediaSample s = a.getBuffer(0);
                s.release();
                n++;
            }
            return n;
        }

        private long loopAbqTake() throws InterruptedException {
            ArrayBlockingQueue<ByteBuffer> q = abqTake;
            long n = 0;
            while (!stop) {
                ByteBuffer b = q.take();
                q.put(b);
                n++;
            }
            return n;
        }

        private long loopAbqPoll() throws InterruptedException {
            ArrayBlockingQueue<ByteBuffer> q = abqPoll;
            long n = 0;
            while (!stop) {
                ByteBuffer b = q.poll();
                if (b == null) {
                    b = q.take();
                }
                q.offer(b);
                n++;
            }
            return n;
        }

        private long loopLockCondition() throws InterruptedException {
            LockConditionPool p = lockCondition;
            long n = 0;
            while (!stop) {
                Object b = p.get();
                p.release(b);
                n++;
            }
            return n;
        }

        void close() throws InterruptedException {
            quit = true;
            try {
                start.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // workers gone already
            }
            for (Thread w : workers) {
                w.join(5000);
            }
            allocator.close();
        }
    }
}
