package org.memallocator.bench;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The DirectShow producer/renderer pattern: the benchmark threads (producers, JMH {@code -t}) get
 * a buffer, optionally fill it, and hand it through a queue to one "downstream" thread, which
 * releases it. So every release happens on another thread than its get, and producers block
 * whenever the downstream side holds all buffers. An invocation is one get plus the hand-off;
 * the hand-off queue is the same {@link ArrayBlockingQueue} for every pool.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CrossThreadBenchmark {

    private static final Object STOP = new Object();

    @Param({"memallocator", "abq-take-put", "abq-poll-offer", "lock-condition", "commons-pool2",
            "stormpot"})
    public String impl;

    @Param({"4"})
    public int poolSize;

    @Param({"0"})
    public int holdTokens;

    private BufferPool pool;
    private BlockingQueue<Object> toDownstream;
    private Thread downstream;

    /** Per-thread: the byte each producer writes when it fills a buffer. */
    @State(Scope.Thread)
    public static class Writer {
        byte next;
    }

    @Setup(Level.Trial)
    public void setUp() {
        pool = PoolKind.of(impl).create(poolSize, GetReleaseBenchmark.BUFFER_BYTES);
        // At most poolSize buffers are ever out, so put() never blocks; one more slot for STOP.
        toDownstream = new ArrayBlockingQueue<>(poolSize + 1);
        BufferPool p = pool;
        BlockingQueue<Object> q = toDownstream;
        downstream = new Thread(() -> {
            try {
                for (Object b; (b = q.take()) != STOP; ) {
                    p.release(b);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "downstream");
        downstream.setDaemon(true);
        downstream.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        toDownstream.put(STOP);
        downstream.join(TimeUnit.SECONDS.toMillis(30));
        pool.close();
    }

    @Benchmark
    public Object getAndHandOff(Writer writer) throws InterruptedException {
        Object buffer = pool.get();
        if (holdTokens > 0) {
            pool.touch(buffer, writer.next++);
            Blackhole.consumeCPU(holdTokens);
        }
        toDownstream.put(buffer);
        return buffer;
    }
}
