package org.memallocator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.memallocator.MemAllocator;
import org.memallocator.oracle.HistoryChecker;
import org.memallocator.oracle.Verdict;
import org.memallocator.oracle.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code memallocator record}: record a random concurrent workload on the Java implementation. */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = {"Run a random concurrent workload (blocking, AM_GBF_NOWAIT and timed GetBuffer, AddRef/Release, "
                + "Commit/Decommit, SetProperties, interrupts) on an allocator and record it as a history, written "
                + "to --out as it happens. When the workers are done (or after --timeout), the recorder waits "
                + "until no event has happened for --settle-ms and ends the history with the end-of-recording "
                + "marker; only then are hanging workers interrupted, so their calls stay pending.",
                "Exit 0 (with --check: 0 linearizable, 1 not, 3 undecided); 2 on bad arguments, an unwritable "
                        + "--out (found before the workload runs) or out of memory."})
public final class RecordCommand implements Callable<Integer> {

    /** The most worker threads. */
    static final int MAX_THREADS = 10_000;
    /** The longest --timeout, in seconds: a day. */
    static final long MAX_TIMEOUT_SECONDS = 86_400;
    /** The longest --settle-ms: ten minutes. */
    static final long MAX_SETTLE_MS = 600_000;

    @Spec
    CommandSpec command;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "4",
            description = "Worker threads, 1 to " + MAX_THREADS + " (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--ops", paramLabel = "M", defaultValue = "10000",
            description = "Calls in all, shared among the threads (default: ${DEFAULT-VALUE}).")
    int ops;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seeds the workers' choices (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for the workers before settling and interrupting them, 1 to "
                    + MAX_TIMEOUT_SECONDS + " (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--settle-ms", paramLabel = "MS", defaultValue = "300",
            description = "How long no event must happen before the end-of-recording marker, 0 to " + MAX_SETTLE_MS
                    + " (default: ${DEFAULT-VALUE}).")
    long settleMs;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the history.")
    Path out;

    @Option(names = "--check", description = "Also check the recorded history.")
    boolean check;

    @Mixin
    ImplementationOption implementation;

    @Override
    public Integer call() {
        PrintWriter w = command.commandLine().getOut();
        if (threads < 1 || threads > MAX_THREADS || ops < 1) {
            throw new Main.UsageError("--threads must be from 1 to " + MAX_THREADS + " and --ops at least 1 (" + threads
                    + ", " + ops + ")");
        }
        if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
            throw new Main.UsageError("--timeout must be from 1 to " + MAX_TIMEOUT_SECONDS + " seconds, not "
                    + timeoutSeconds);
        }
        if (settleMs < 0 || settleMs > MAX_SETTLE_MS) {
            throw new Main.UsageError("--settle-ms must be from 0 to " + MAX_SETTLE_MS + ", not " + settleMs);
        }
        Workload.Settings settings = new Workload.Settings(threads, ops, seed, Duration.ofSeconds(timeoutSeconds),
                Duration.ofMillis(settleMs));
        Supplier<? extends MemAllocator> factory = implementation.factory();
        Workload.Recording r;
        try (Writer file = open(out)) {
            r = Workload.run(factory, settings, file);
        } catch (IOException e) {
            throw new Main.UsageError("cannot write " + out + ": " + e.getMessage());
        }
        w.printf("Recorded %d events (%d threads, %d calls, seed %d) on %s to %s%s%s%n", r.events(), threads, ops, seed,
                implementation.name(), out, r.finished() ? "" : " (the workload hung: unfinished calls are pending)",
                r.settleMs() < 0 ? "; events never stopped for " + settleMs + " ms: no end-of-recording marker"
                        : "; ended after " + r.settleMs() + " ms without an event");
        if (!check) {
            return 0;
        }
        Verdict v = CheckHistoryCommand.check(out, HistoryChecker.AUTO_BUDGET, HistoryChecker.DEFAULT_TIME_BUDGET);
        w.println(v);
        return CheckHistoryCommand.exitCode(v);
    }

    /** Opens {@code file} for writing (its directories made), before any work, so a bad path fails at once. */
    private static Writer open(Path file) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new Main.UsageError("cannot write " + file + ": " + e);
        }
    }
}
