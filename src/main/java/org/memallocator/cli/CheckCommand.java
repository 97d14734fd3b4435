package org.memallocator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.memallocator.MemAllocator;
import org.memallocator.oracle.HistoryChecker;
import org.memallocator.oracle.VectorGenerator;
import org.memallocator.oracle.VectorRunner;
import org.memallocator.oracle.Verdict;
import org.memallocator.oracle.Workload;
import org.memallocator.tlc.TlcConfig;
import org.memallocator.tlc.TlcLauncher;
import org.memallocator.tlc.TlcOutcome;
import org.memallocator.tlc.TlcResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code memallocator check}, the main job: model-check the spec with TLC, run the conformance
 * vectors (generated afresh from the generation model, in a temporary directory) against the Java
 * implementation, and record and check one concurrent history of it; then one short summary of the
 * three. Exit 1 if any of them fails, 3 if none failed but the history's check was undecided.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Model-check spec/MemAllocator.tla (or another spec) with TLC in a forked JVM; run the "
                + "conformance vectors, generated from --gen-config, against the Java implementation; record a "
                + "random concurrent history of it and check that it is linearizable.",
                "Exit 0: all three passed; 1: any failed; 2: bad arguments or input files (every file is checked, "
                        + "and a malformed config refused, before TLC runs), or TLC's --timeout hit; 3: none failed, "
                        + "but the history's check ran out of its budget (undecided)."})
public final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Option(names = "--spec", paramLabel = "FILE", defaultValue = "spec/MemAllocator.tla",
            description = "The TLA+ module to check (default: ${DEFAULT-VALUE}).")
    Path spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The TLC configuration (default: the .cfg beside the spec, same name).")
    Path config;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "0",
            description = "TLC worker threads (default: one per core).")
    int workers;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "1800",
            description = "Kill TLC after this many seconds (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--gen-spec", paramLabel = "FILE", defaultValue = "spec/MemAllocator.tla",
            description = "The spec the vectors are generated from (default: ${DEFAULT-VALUE}).")
    Path genSpec;

    @Option(names = "--gen-config", paramLabel = "FILE", defaultValue = "spec/MemAllocatorGen.cfg",
            description = "The generation model of the vectors (default: ${DEFAULT-VALUE}).")
    Path genConfig;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "4",
            description = "Threads of the recorded history (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--ops", paramLabel = "M", defaultValue = "2000",
            description = "Calls of the recorded history (default: ${DEFAULT-VALUE}).")
    int ops;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the recorded history's workload (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--history-budget", paramLabel = "N",
            description = "Give up on the history (undecided) when its check holds more than N configurations at "
                    + "once (default: as many as a quarter of the heap holds).")
    Long historyBudget;

    @Mixin
    ImplementationOption implementation;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = command.commandLine().getOut();
        Path cfg = config != null ? config : defaultConfig(spec);
        InputFile.requireRegularFile(spec, "spec");
        InputFile.requireTlcConfig(cfg, "config");
        InputFile.requireRegularFile(genSpec, "generation spec");
        InputFile.requireTlcConfig(genConfig, "generation config");
        if (workers < 0) {
            throw new Main.UsageError("--workers must be 0 (one per core) or more, not " + workers);
        }
        if (threads < 1 || ops < 1) {
            throw new Main.UsageError("--threads and --ops must be at least 1 (" + threads + ", " + ops + ")");
        }
        if (historyBudget != null && historyBudget < 1) {
            throw new Main.UsageError("--history-budget must be at least 1, not " + historyBudget);
        }
        Supplier<MemAllocator> factory = implementation.factory();
        int n = workers == 0 ? Runtime.getRuntime().availableProcessors() : workers;
        TlcConfig parsed = readConfig(cfg);
        out.printf("Model-checking %s with %s (%d worker%s)...%n", spec, cfg, n, n == 1 ? "" : "s");
        out.flush();
        TlcResult result = new TlcLauncher(Path.of("target", "tlc"), Duration.ofSeconds(timeoutSeconds))
                .check(spec, cfg, n);
        boolean model = report(result, cfg, parsed, out) == 0;
        out.println();
        boolean vectors = vectors(out, n, factory);
        int history = history(out, factory);
        out.println("Summary:     model " + (model ? "OK" : "FAILED") + ", vectors " + (vectors ? "OK" : "FAILED")
                + ", history " + (history == Main.EXIT_OK ? "OK" : history == Main.EXIT_UNDECIDED ? "UNDECIDED"
                : "FAILED"));
        return !model || !vectors || history == Main.EXIT_VIOLATION ? Main.EXIT_VIOLATION : history;
    }

    /** Generates the vectors into a temporary directory and runs them; prints one summary line. */
    private boolean vectors(PrintWriter out, int n, Supplier<MemAllocator> factory) throws IOException {
        out.printf("Generating the vectors from %s and running them on %s...%n", genConfig, implementation.name());
        out.flush();
        VectorGenerator.VectorSet set;
        try {
            set = VectorsCommand.generate(genSpec, genConfig, n, Duration.ofSeconds(timeoutSeconds));
        } catch (VectorGenerator.TlcFailure e) {
            out.println("Vectors:     none: " + e.getMessage());
            out.println(e.result().errorTrace());
            return false;
        }
        Path dir = Files.createTempDirectory("memallocator-vectors");
        VectorRunner.Summary s;
        try {
            set.write(dir);
            s = new VectorRunner(factory).runAll(dir);
        } finally {
            VectorsCommand.deleteTree(dir);
        }
        out.println("Vectors:     " + s);
        out.println("             " + VectorsCommand.coverage(set));
        RunVectorsCommand.print(out, s);
        return s.allPassed() && s.passed() > 0;
    }

    /**
     * Records one concurrent history and checks it; prints one summary line (and the failure, if
     * any). Returns 0 (linearizable, and the workload finished), 1 (not, or the workload hung) or
     * {@value Main#EXIT_UNDECIDED} (the check's budget ran out).
     */
    private int history(PrintWriter out, Supplier<MemAllocator> factory) {
        out.printf("Recording %d calls on %d threads (seed %d) on %s and checking the history...%n", ops, threads,
                seed, implementation.name());
        out.flush();
        Workload.Recording r = Workload.run(factory, new Workload.Settings(threads, ops, seed));
        Verdict v = new HistoryChecker(historyBudget == null ? HistoryChecker.AUTO_BUDGET : historyBudget,
                HistoryChecker.DEFAULT_TIME_BUDGET).verdict(r.parse());
        out.println("History:     " + v.summary() + (r.finished() ? "" : " (the workload hung)"));
        if (!v.linearizable()) {
            out.println(v);
        }
        if (!r.finished() || v.outcome() == Verdict.Outcome.NOT_LINEARIZABLE) {
            return Main.EXIT_VIOLATION;
        }
        return v.outcome() == Verdict.Outcome.UNDECIDED ? Main.EXIT_UNDECIDED : Main.EXIT_OK;
    }

    private int report(TlcResult result, Path cfgFile, TlcConfig cfg, PrintWriter out) {
        VectorsCommand.refuseTimedOut(result, timeoutSeconds);
        switch (result.outcome()) {
            case PARSE_ERROR, CONFIG_ERROR, ASSUMPTION_VIOLATED, ASSERT_FAILED -> {
                Path what = result.outcome() == TlcOutcome.CONFIG_ERROR || VectorsCommand.configRejected(result)
                        ? cfgFile : spec;
                throw new Main.UsageError(what + ": " + firstLine(result) + " (TLC exit " + result.exitCode() + ")");
            }
            default -> {
                if (VectorsCommand.configRejected(result)) {
                    throw new Main.UsageError(cfgFile + ": " + firstLine(result) + " (TLC exit " + result.exitCode() + ")");
                }
            }
        }
        out.println("Result:      " + (result.succeeded() ? "no error found" : result.outcome()
                + (result.violation() == null ? "" : " (" + result.violation() + ")")));
        out.printf("States:      %d distinct, %d generated%n", result.distinctStates(), result.generatedStates());
        out.println("Depth:       " + result.depth());
        out.printf("Time:        %.1f s%n", result.elapsed().toMillis() / 1000.0);
        out.println("Spec:        " + (cfg.specification() == null ? "INIT/NEXT" : cfg.specification()));
        out.println("Invariants:  " + (cfg.invariants().isEmpty() ? "none" : String.join(", ", cfg.invariants())));
        out.println("Properties:  " + (cfg.properties().isEmpty() ? "none" : String.join(", ", cfg.properties())));
        if (result.succeeded()) {
            return 0;
        }
        out.println();
        out.println(result.errorTrace().isEmpty() ? result.output() : result.errorTrace());
        return Main.EXIT_VIOLATION;
    }

    private static String firstLine(TlcResult result) {
        String trace = result.errorTrace().isEmpty() ? result.output().strip() : result.errorTrace();
        return trace.lines().map(String::strip).filter(l -> !l.isEmpty()).limit(4)
                .reduce((a, b) -> a + " " + b).orElse("TLC failed");
    }

    private static Path defaultConfig(Path spec) {
        String name = spec.getFileName().toString().replaceFirst("\\.tla$", "") + ".cfg";
        return spec.resolveSibling(name);
    }

    private static TlcConfig readConfig(Path cfg) {
        try {
            return TlcConfig.read(cfg);
        } catch (IOException e) {
            throw InputFile.readError(cfg, e);
        }
    }
}
