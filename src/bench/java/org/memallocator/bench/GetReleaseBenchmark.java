package org.memallocator.bench;

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
 * One get+release pair per invocation, every thread on the same pool.
 *
 * <p>The regime is chosen by {@code poolSize} against the thread count (JMH {@code -t}):
 * larger than the thread count, the pool never runs empty and the pair measures the lock path;
 * smaller, threads block and hand buffers to each other. {@link BenchMain} runs the two regimes
 * as separate JMH runs so that no number mixes them. With {@code holdTokens > 0} the thread
 * writes into the buffer and burns {@link Blackhole#consumeCPU} tokens while holding it.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GetReleaseBenchmark {

    /** Bytes per buffer, the same for every pool. */
    static final int BUFFER_BYTES = 4096;

    @Param({"memallocator", "abq-take-put", "abq-poll-offer", "lock-condition", "commons-pool2",
            "stormpot"})
    public String impl;

    @Param({"8"})
    public int poolSize;

    @Param({"0"})
    public int holdTokens;

    private BufferPool pool;

    /** Per-thread: the byte each thread writes when it touches a buffer. */
    @State(Scope.Thread)
    public static class Writer {
        byte next;
    }

    @Setup(Level.Trial)
    public void setUp() {
        pool = PoolKind.of(impl).create(poolSize, BUFFER_BYTES);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public Object getRelease(Writer writer) throws InterruptedException {
        BufferPool p = pool;
        Object buffer = p.get();
        if (holdTokens > 0) {
            p.touch(buffer, writer.next++);
            Blackhole.consumeCPU(holdTokens);
        }
        p.release(buffer);
        return buffer;
    }
}
