package org.memallocator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.memallocator.oracle.VectorRunner;
import org.memallocator.oracle.VectorSetCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code memallocator run-vectors DIR}: run the conformance vectors against a Java allocator. */
@Command(name = "run-vectors", mixinStandardHelpOptions = true,
        description = {"Run the conformance vectors of DIR (written by 'memallocator vectors') against "
                + "MonitorMemAllocator, or --implementation. The whole set is checked before any vector runs.",
                "After a failure, the failing vectors are listed shortest first, each with its failing step and"
                        + " that step's spec actions.",
                "Exit 0: all passed; 1: some failed; 2: DIR is missing or not a valid vector set (a tampered"
                        + " index, a malformed step), bad options, or every vector skipped."})
public final class RunVectorsCommand implements Callable<Integer> {

    /** Failures printed in full; the rest are counted. */
    static final int SHOWN = 10;

    @Spec
    CommandSpec command;

    @Parameters(paramLabel = "DIR", description = "The vector set.")
    Path dir;

    @Option(names = "--settle-ms", paramLabel = "MS", defaultValue = "250",
            description = "How long to wait, at most, to see a call that should block blocked (default: ${DEFAULT-VALUE}).")
    long settleMs;

    @Option(names = "--patience-ms", paramLabel = "MS", defaultValue = "10000",
            description = "How long a call that should return may take; a blocked call that should have returned"
                    + " fails the vector after this (default: ${DEFAULT-VALUE}).")
    long patienceMs;

    @Option(names = "--only", paramLabel = "GLOB",
            description = "Run only the vectors whose names match GLOB (for example 'hold-*').")
    String only;

    @Option(names = "--fail-fast", description = "Stop at the first failing vector.")
    boolean failFast;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Run the set N times in a row, stopping after the first run with a failure"
                    + " (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Mixin
    ImplementationOption implementation;

    /** The largest --patience-ms and --settle-ms: one hour. */
    static final long MAX_MS = 3_600_000L;

    @Override
    public Integer call() {
        PrintWriter w = command.commandLine().getOut();
        if (settleMs < 0 || settleMs > MAX_MS) {
            throw new Main.UsageError("--settle-ms must be from 0 to " + MAX_MS);
        }
        if (patienceMs < 1 || patienceMs > MAX_MS) {
            throw new Main.UsageError("--patience-ms must be from 1 to " + MAX_MS);
        }
        if (repeat < 1 || repeat > 1_000_000) {
            throw new Main.UsageError("--repeat must be from 1 to 1000000");
        }
        if (!Files.isRegularFile(dir.resolve("index.json"))) {
            throw new Main.UsageError("not a vector set (no index.json): " + dir);
        }
        for (int i = 1; i <= repeat; i++) {
            VectorRunner.Summary s = run(dir, implementation, Duration.ofMillis(settleMs),
                    Duration.ofMillis(patienceMs), only, failFast);
            w.println("Ran " + s + " on " + implementation.name() + (repeat > 1 ? " (run " + i + " of " + repeat + ")" : ""));
            print(w, s);
            if (!s.allPassed()) {
                return Main.EXIT_VIOLATION;
            }
        }
        return 0;
    }

    static VectorRunner.Summary run(Path dir, ImplementationOption implementation, Duration settle) {
        return run(dir, implementation, settle, VectorRunner.PATIENCE, null, false);
    }

    static VectorRunner.Summary run(Path dir, ImplementationOption implementation, Duration settle,
                                    Duration patience, String only, boolean failFast) {
        try {
            return new VectorRunner(implementation.factory(), settle).patience(patience).runAll(dir, only, failFast);
        } catch (VectorSetCheck.BadVectorSet e) {
            throw new Main.UsageError(e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new Main.UsageError("cannot read the vectors of " + dir + ": " + e.getMessage());
        }
    }

    static void print(PrintWriter w, VectorRunner.Summary s) {
        for (VectorRunner.Result r : s.failures().subList(0, Math.min(SHOWN, s.failures().size()))) {
            w.println("  FAILED " + r.vector() + ": " + r.message());
        }
        if (s.failures().size() > SHOWN) {
            w.println("  ... and " + (s.failures().size() - SHOWN) + " more");
        }
    }
}
