package org.memallocator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.memallocator.oracle.VectorRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code memallocator run-vectors DIR}: run the conformance vectors against a Java allocator. */
@Command(name = "run-vectors", mixinStandardHelpOptions = true,
        description = {"Run the conformance vectors of DIR (written by 'memallocator vectors') against "
                + "MonitorMemAllocator, or --implementation.",
                "Exit 0: all passed; 1: some failed; 2: DIR is missing or not a vector set."})
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

    @Mixin
    ImplementationOption implementation;

    @Override
    public Integer call() {
        PrintWriter w = command.commandLine().getOut();
        if (!Files.isRegularFile(dir.resolve("index.json"))) {
            throw new Main.UsageError("not a vector set (no index.json): " + dir);
        }
        VectorRunner.Summary s = run(dir, implementation, Duration.ofMillis(settleMs));
        w.println("Ran " + s + " on " + implementation.name());
        print(w, s);
        return s.allPassed() ? 0 : Main.EXIT_VIOLATION;
    }

    static VectorRunner.Summary run(Path dir, ImplementationOption implementation, Duration settle) {
        try {
            return new VectorRunner(implementation.factory(), settle).runAll(dir);
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
