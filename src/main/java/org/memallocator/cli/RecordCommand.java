package org.memallocator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
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
                + "Commit/Decommit, SetProperties, interrupts) on an allocator and record it as a history.",
                "Exit 0 (with --check: 0 linearizable, 1 not); 2 on bad arguments."})
public final class RecordCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "4",
            description = "Worker threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--ops", paramLabel = "M", defaultValue = "10000",
            description = "Calls in all, shared among the threads (default: ${DEFAULT-VALUE}).")
    int ops;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seeds the workers' choices (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the history.")
    Path out;

    @Option(names = "--check", description = "Also check the recorded history.")
    boolean check;

    @Mixin
    ImplementationOption implementation;

    @Override
    public Integer call() {
        PrintWriter w = command.commandLine().getOut();
        if (threads < 1 || ops < 1) {
            throw new Main.UsageError("--threads and --ops must be at least 1 (" + threads + ", " + ops + ")");
        }
        Workload.Recording r = Workload.run(implementation.factory(), new Workload.Settings(threads, ops, seed));
        try {
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            Files.writeString(out, r.history(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Main.UsageError("cannot write " + out + ": " + e.getMessage());
        }
        w.printf("Recorded %d events (%d threads, %d calls, seed %d) on %s to %s%s%n", r.events(), threads, ops, seed,
                implementation.name(), out, r.finished() ? "" : " (the workload hung: unfinished calls are pending)");
        if (!check) {
            return 0;
        }
        Verdict v = HistoryChecker.check(r.parse());
        w.println(v);
        return v.linearizable() ? 0 : Main.EXIT_VIOLATION;
    }
}
