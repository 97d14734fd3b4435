package org.memallocator.bench.checker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.memallocator.MonitorMemAllocator;
import org.memallocator.oracle.History;
import org.memallocator.oracle.HistoryChecker;
import org.memallocator.oracle.Verdict;
import org.memallocator.oracle.Workload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The history checker on recorded histories of MonitorMemAllocator: {@code events} events
 * (1k, 10k, 100k) of a {@code threads}-thread workload (2, 4) with blocking, AM_GBF_NOWAIT and timed
 * GetBuffer calls, AddRef/Release, Commit/Decommit cycles and interrupts ({@link Workload}).
 *
 * <p>Each history is recorded once (a little longer than asked, cut to exactly {@code events} lines:
 * the calls open at the cut are pending, as at the end of any recording) into
 * {@code target/bench/checker-histories/}, so that both benchmarks and later runs check the same
 * history (delete the directory for new ones); the setup checks it once to make sure it is
 * linearizable. {@link #check} measures the check of the
 * parsed history; {@link #parseAndCheck} adds the parsing, which is what {@code check-history}
 * does after reading the file. Run by {@link CheckerBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CheckerBenchmark {

    @Param({"1000", "10000", "100000"})
    public int events;

    @Param({"2", "4"})
    public int threads;

    private String text;
    private History history;

    @Setup(Level.Trial)
    public void record() throws IOException {
        Path file = Path.of("target", "bench", "checker-histories", "history-" + events + "-" + threads + ".jsonl");
        if (Files.isRegularFile(file)) {
            text = Files.readString(file);
        } else {
            Workload.Recording r = Workload.run(MonitorMemAllocator::new,
                    new Workload.Settings(threads, events / 2 + events / 10 + 100, 20_241_122L + events + threads));
            StringBuilder cut = new StringBuilder();
            r.history().lines().limit(events).forEach(l -> cut.append(l).append('\n'));
            text = cut.toString();
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        }
        history = History.parse(text);
        if (history.events() != events) {
            throw new IllegalStateException("recorded " + history.events() + " events, not " + events);
        }
        Verdict v = HistoryChecker.check(history);
        if (!v.linearizable()) {
            throw new IllegalStateException("a recorded history was rejected:\n" + v);
        }
        System.out.println(file + ": " + v.summary());
    }

    @Benchmark
    public Verdict check() {
        return HistoryChecker.check(history);
    }

    @Benchmark
    public Verdict parseAndCheck() {
        return HistoryChecker.check(History.parse(text));
    }
}
