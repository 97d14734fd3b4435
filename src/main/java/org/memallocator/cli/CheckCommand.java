package org.memallocator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.memallocator.tlc.TlcConfig;
import org.memallocator.tlc.TlcLauncher;
import org.memallocator.tlc.TlcOutcome;
import org.memallocator.tlc.TlcResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code memallocator check}: model-check the spec with TLC and summarise the result. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Model-check spec/MemAllocator.tla (or another spec) with TLC in a forked JVM.")
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

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        Path cfg = config != null ? config : defaultConfig(spec);
        requireReadable(spec, "spec");
        requireReadable(cfg, "config");
        if (workers < 0) {
            throw new Main.UsageError("--workers must be 0 (one per core) or more, not " + workers);
        }
        int n = workers == 0 ? Runtime.getRuntime().availableProcessors() : workers;
        TlcConfig parsed = readConfig(cfg);
        out.printf("Model-checking %s with %s (%d worker%s)...%n", spec, cfg, n, n == 1 ? "" : "s");
        out.flush();
        TlcResult result = new TlcLauncher(Path.of("target", "tlc"), Duration.ofSeconds(timeoutSeconds))
                .check(spec, cfg, n);
        return report(result, cfg, parsed, out);
    }

    private int report(TlcResult result, Path cfgFile, TlcConfig cfg, PrintWriter out) {
        switch (result.outcome()) {
            case PARSE_ERROR, CONFIG_ERROR, ASSUMPTION_VIOLATED, ASSERT_FAILED -> {
                Path what = result.outcome() == TlcOutcome.CONFIG_ERROR ? cfgFile : spec;
                throw new Main.UsageError(what + ": " + firstLine(result) + " (TLC exit " + result.exitCode() + ")");
            }
            default -> { }
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

    private static void requireReadable(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new Main.UsageError(what + " file not found: " + file);
        }
        if (!Files.isReadable(file)) {
            throw new Main.UsageError(what + " file not readable: " + file);
        }
    }

    private static TlcConfig readConfig(Path cfg) {
        try {
            return TlcConfig.read(cfg);
        } catch (IOException e) {
            throw new Main.UsageError("cannot read config " + cfg + ": " + e.getMessage());
        }
    }
}
