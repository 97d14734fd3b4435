package org.memallocator.modeltests.bugs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.memallocator.MemAllocator;
import org.memallocator.MonitorMemAllocator;
import org.memallocator.modeltests.support.Implementations;

/**
 * The kill matrix: every wired checker of {@link Checkers} against the clean
 * {@link org.memallocator.MonitorMemAllocator} and every seeded bug of {@link SeededBugs}. Prints the matrix
 * (variant x checker: pass / CAUGHT / HUNG / missed, with the first line of each failure) and
 * writes it to {@code target/kill-matrix.txt}. Fails unless the clean implementation passes every
 * checker and every variant is caught by at least one (two is the aim; the matrix says which
 * variants have only one).
 *
 * <p>Each checker runs through the JUnit Platform Launcher inside
 * {@link Implementations#with}, with the system property {@code memallocator.budget=kill}
 * (checkers that read it shrink their budgets; the clean row runs at the same budget, so it is a
 * fair control). Fail fast: a checker's test methods run one at a time and the first failure
 * ends that cell, and a variant's row stops once two checkers have caught it (the remaining cells
 * print as "(skipped)"; {@code -Dmemallocator.killmatrix.full=true} runs them all). The clean
 * row, the control, runs last and only the checkers some variant row ran: a catch counts only
 * where the same checker, at the same budget, passes the clean implementation. A cell
 * that takes longer than {@code memallocator.killmatrix.timeout} seconds (default 90; three
 * times that in the clean row) is stopped with a thread dump. It counts as a catch ("HUNG") only
 * with positive evidence in that dump: a thread blocked inside the implementation under test
 * (a frame of its class in {@code getBuffer}), as a lost wake-up leaves it. Without that
 * evidence it is "timed out", no catch: a slow checker is not a caught bug. Each dump is kept in
 * {@code target/kill-matrix/}.
 *
 * <p>For development: {@code -Dmemallocator.killmatrix.variants=A,B} and
 * {@code -Dmemallocator.killmatrix.checkers=x,y} restrict the matrix (the clean row always runs).
 */
public class KillMatrixTest {

    private static final String CLEAN = "MonitorMemAllocator";
    private static final long TIMEOUT_SECONDS = Long.getLong("memallocator.killmatrix.timeout", 90);
    /** Run every cell; by default a variant's row stops once two checkers have caught it. */
    private static final boolean FULL = Boolean.getBoolean("memallocator.killmatrix.full");

    enum Verdict { PASS, CAUGHT, HUNG, TIMED_OUT, BYPASS, ABSENT, SKIPPED }

    /** One cell: what the checker said about one implementation. */
    record Cell(Verdict verdict, String detail, double seconds, int created) {
        boolean caught() {
            return verdict == Verdict.CAUGHT || verdict == Verdict.HUNG;
        }

        String shortText() {
            return switch (verdict) {
                case PASS -> "missed";
                case CAUGHT -> "CAUGHT";
                case HUNG -> "HUNG (dump)";
                case TIMED_OUT -> "timed out";
                case BYPASS -> "bypasses Implementations";
                case ABSENT -> "no tests";
                case SKIPPED -> "(skipped)";
            };
        }
    }

    @Test
    public void everySeededBugIsCaughtAndTheCleanImplementationPasses() throws Exception {
        List<Checkers.Checker> checkers = selectedCheckers();
        List<SeededBug> bugs = selectedBugs();
        Map<String, Supplier<MemAllocator>> rows = new LinkedHashMap<>();
        rows.put(CLEAN, Implementations.clean());
        for (SeededBug bug : bugs) {
            rows.put(bug.name(), VariantCompiler.factory(bug)); // all compile before anything runs
        }

        long t0 = System.nanoTime();
        Map<String, Map<String, Cell>> matrix = new LinkedHashMap<>();
        matrix.put(CLEAN, null); // printed first, run last: it needs only the checkers a variant used
        Set<String> used = new java.util.HashSet<>();
        List<Map.Entry<String, Supplier<MemAllocator>>> order = new ArrayList<>(rows.entrySet());
        order.add(order.remove(0));
        for (Map.Entry<String, Supplier<MemAllocator>> row : order) {
            Map<String, Cell> cells = new LinkedHashMap<>();
            int caught = 0;
            for (Checkers.Checker checker : checkers) {
                if (!FULL && !row.getKey().equals(CLEAN) && caught >= 2) {
                    cells.put(checker.name(), new Cell(Verdict.SKIPPED, "already caught twice", 0, 0));
                    continue;
                }
                if (!FULL && row.getKey().equals(CLEAN) && !bugs.isEmpty() && !used.contains(checker.name())) {
                    cells.put(checker.name(), new Cell(Verdict.SKIPPED,
                            "no variant needed it (its own test runs the clean implementation)", 0, 0));
                    continue;
                }
                used.add(checker.name());
                Cell cell = run(checker, row.getKey(), row.getValue());
                caught += cell.caught() ? 1 : 0;
                cells.put(checker.name(), cell);
                System.out.printf("kill matrix: %-40s x %-26s %-14s %5.1f s  %s%n", row.getKey(),
                        checker.name(), cell.shortText(), cell.seconds(), cell.detail());
            }
            matrix.put(row.getKey(), cells);
        }
        double total = (System.nanoTime() - t0) / 1e9;

        String report = render(checkers, matrix, total);
        System.out.println(report);
        Path out = VariantCompiler.repo().resolve("target/kill-matrix.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);

        List<String> problems = new ArrayList<>();
        matrix.get(CLEAN).forEach((checker, cell) -> {
            if (cell.verdict() != Verdict.PASS && cell.verdict() != Verdict.SKIPPED) {
                problems.add("the clean implementation does not pass " + checker + ": "
                        + cell.shortText() + " " + cell.detail());
            }
        });
        matrix.forEach((variant, cells) -> cells.forEach((checker, cell) -> {
            if (cell.verdict() == Verdict.BYPASS || cell.verdict() == Verdict.ABSENT) {
                problems.add(checker + " on " + variant + ": " + cell.shortText());
            }
        }));
        for (SeededBug bug : bugs) {
            if (matrix.get(bug.name()).values().stream().noneMatch(Cell::caught)) {
                problems.add("seeded bug " + bug.name() + " is caught by no checker: " + bug.description());
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems) + "\n" + report);
    }

    // ------------------------------------------------------------------ running one cell

    /**
     * The clean row gets three times the per-cell timeout: a cell of the clean row that gives no
     * verdict fails the matrix (a slow checker there is no excuse), so it gets room for a loaded
     * machine (the state-graph cell once took 86 s on a cold JIT, against 16-25 s warm).
     */
    private static long timeoutSeconds(String implementation) {
        return CLEAN.equals(implementation) ? 3 * TIMEOUT_SECONDS : TIMEOUT_SECONDS;
    }

    static Cell run(Checkers.Checker checker, String implementation,
                            Supplier<MemAllocator> factory) throws Exception {
        AtomicInteger created = new AtomicInteger();
        Supplier<MemAllocator> supplied = checker.countsAllocators() ? new Counting(factory, created) : factory;
        String budget = System.getProperty("memallocator.budget");
        System.setProperty("memallocator.budget", "kill");
        long t0 = System.nanoTime();
        try {
            AtomicReference<Cell> result = new AtomicReference<>();
            AtomicReference<Throwable> crashed = new AtomicReference<>();
            Implementations.with(implementation, supplied, () -> {
                Thread worker = new Thread(() -> {
                    try {
                        result.set(execute(checker, created, t0));
                    } catch (Throwable t) {
                        crashed.set(t);
                    }
                }, "kill-matrix " + checker.name() + " x " + implementation);
                worker.setDaemon(true);
                worker.start();
                long timeout = timeoutSeconds(implementation);
                worker.join(timeout * 1000);
                if (worker.isAlive()) {
                    result.set(hung(checker, implementation, timeout, seconds(t0), created.get()));
                    worker.interrupt();
                    worker.join(5_000);
                }
                return null;
            });
            if (crashed.get() != null) {
                throw new IllegalStateException("the launcher failed on " + checker.name(), crashed.get());
            }
            return result.get();
        } finally {
            if (budget == null) {
                System.clearProperty("memallocator.budget");
            } else {
                System.setProperty("memallocator.budget", budget);
            }
        }
    }

    /**
     * A cell with no verdict after {@code timeout} s: HUNG if a thread is seen blocked in the
     * implementation's {@code getBuffer} (positive evidence of a lost wake-up or a deadlock),
     * else TIMED_OUT. The thread dump goes to {@code target/kill-matrix/}.
     */
    private static Cell hung(Checkers.Checker checker, String implementation, long timeout, double seconds,
                             int created) throws IOException {
        String implementationClass = CLEAN.equals(implementation) ? MonitorMemAllocator.class.getName()
                : KillMatrixTest.class.getPackageName() + "." + VariantCompiler.variantClassName(implementation);
        StringBuilder dump = new StringBuilder();
        String blocked = null;
        for (java.lang.management.ThreadInfo t
                : java.lang.management.ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            dump.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState()).append('\n');
            boolean inGetBuffer = false;
            for (StackTraceElement frame : t.getStackTrace()) {
                dump.append("\tat ").append(frame).append('\n');
                inGetBuffer |= (frame.getClassName().equals(implementationClass)
                        || frame.getClassName().startsWith(implementationClass + "$"))
                        && frame.getMethodName().equals("getBuffer");
            }
            if (inGetBuffer && blocked == null && t.getThreadState() != Thread.State.RUNNABLE) {
                blocked = t.getThreadName();
            }
        }
        Path file = VariantCompiler.repo().resolve("target/kill-matrix/hang-" + implementation + "-"
                + checker.name() + ".txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, dump, StandardCharsets.UTF_8);
        return blocked != null
                ? new Cell(Verdict.HUNG, "no verdict within " + timeout + " s; thread " + blocked
                        + " blocked in getBuffer (" + file.getFileName() + ")", seconds, created)
                : new Cell(Verdict.TIMED_OUT, "no verdict within " + timeout + " s and no thread blocked in "
                        + "the implementation (" + file.getFileName() + ")", seconds, created);
    }

    /** Counts the allocators a checker obtains (not used for Lincheck checkers, see {@link Checkers}). */
    private static final class Counting implements Supplier<MemAllocator> {
        private final Supplier<MemAllocator> factory;
        private final AtomicInteger created;

        Counting(Supplier<MemAllocator> factory, AtomicInteger created) {
            this.factory = factory;
            this.created = created;
        }

        @Override
        public MemAllocator get() {
            created.incrementAndGet();
            return factory.get();
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static LauncherDiscoveryRequestBuilder configure(LauncherDiscoveryRequestBuilder request) {
        // Failures of broken variants must not become the seeds jqwik replays first in normal runs.
        Path database = VariantCompiler.repo().resolve("target/kill-matrix/jqwik-database");
        try {
            Files.createDirectories(database.getParent());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return request.configurationParameter("jqwik.database", database.toString());
    }

    /** Runs the checker's test methods one at a time, stopping at the first failure. */
    private static Cell execute(Checkers.Checker checker, AtomicInteger created, long t0) {
        Launcher launcher = LauncherFactory.create();
        TestPlan plan = launcher.discover(configure(checker.request()).build());
        List<TestIdentifier> units = new ArrayList<>();
        for (TestIdentifier engine : plan.getRoots()) {
            for (TestIdentifier testClass : plan.getChildren(engine)) {
                units.addAll(plan.getChildren(testClass));
            }
        }
        if (units.isEmpty()) {
            return new Cell(Verdict.ABSENT, "no test discovered", seconds(t0), created.get());
        }
        int ran = 0;
        for (TestIdentifier unit : units) {
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            FirstFailure listener = new FirstFailure();
            LauncherDiscoveryRequest one = configure(LauncherDiscoveryRequestBuilder.request()
                    .selectors(DiscoverySelectors.selectUniqueId(unit.getUniqueId()))).build();
            launcher.execute(one, listener);
            ran += listener.finishedTests.get();
            if (listener.failure.get() != null) {
                return new Cell(Verdict.CAUGHT, name(unit) + ": " + listener.failure.get(), seconds(t0),
                        created.get());
            }
        }
        if (checker.countsAllocators() && created.get() == 0) {
            return new Cell(Verdict.BYPASS, ran + " tests passed without ever calling Implementations.create()",
                    seconds(t0), 0);
        }
        return new Cell(Verdict.PASS, ran + " tests passed", seconds(t0), created.get());
    }

    private static String name(TestIdentifier unit) {
        return unit.getSource().filter(MethodSource.class::isInstance)
                .map(s -> ((MethodSource) s).getMethodName())
                .orElse(unit.getDisplayName());
    }

    /** Records the first failed test (or container) and counts finished tests. */
    private static final class FirstFailure implements TestExecutionListener {
        final AtomicReference<String> failure = new AtomicReference<>();
        final AtomicInteger finishedTests = new AtomicInteger();

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.isTest()) {
                finishedTests.incrementAndGet();
            }
            if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                failure.compareAndSet(null, firstLine(result.getThrowable().orElse(null)));
            }
        }
    }

    /** The first informative line of a failure: Lincheck's "= ... =" header, or the message. */
    static String firstLine(Throwable t) {
        if (t == null) {
            return "failed";
        }
        String message = String.valueOf(t.getMessage());
        List<String> lines = Arrays.stream(message.split("\\R"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .limit(2)
                .toList();
        String line = lines.isEmpty() ? "" : lines.get(0);
        if (line.startsWith("= ") && lines.size() > 1 && !lines.get(1).startsWith("|")) {
            line += " " + lines.get(1); // Lincheck's header, then the assertion that failed
        }
        String text = t.getClass().getSimpleName() + (line.isEmpty() ? "" : ": " + line);
        return text.length() > 160 ? text.substring(0, 157) + "..." : text;
    }

    // ------------------------------------------------------------------ selection and report

    private static List<Checkers.Checker> selectedCheckers() {
        Set<String> only = csv("memallocator.killmatrix.checkers");
        return Checkers.ALL.stream()
                .filter(c -> only.isEmpty() ? c.wired() : only.contains(c.name()))
                .toList();
    }

    private static List<SeededBug> selectedBugs() {
        Set<String> only = csv("memallocator.killmatrix.variants");
        boolean longBudget = "long".equals(System.getProperty("memallocator.budget"));
        return Stream.concat(SeededBugs.ALL.stream(),
                        longBudget || !only.isEmpty() ? SeededBugs.MONITOR_LOST_WAKEUPS.stream() : Stream.empty())
                .filter(b -> only.isEmpty() || only.contains(b.name())).toList();
    }

    private static Set<String> csv(String property) {
        String value = System.getProperty(property, "").strip();
        return value.isEmpty() ? Set.of()
                : Arrays.stream(value.split(",")).map(String::strip).collect(Collectors.toSet());
    }

    private static String render(List<Checkers.Checker> checkers, Map<String, Map<String, Cell>> matrix,
                                 double total) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Kill matrix (budget kill, %d s per-cell timeout, %d s in the clean row%s):"
                        + " %d implementations x %d checkers in %.0f s%n%n", TIMEOUT_SECONDS,
                timeoutSeconds(CLEAN), FULL ? ", full" : ", rows stop after two catches",
                matrix.size(), checkers.size(), total));
        int first = Math.max(22, matrix.keySet().stream().mapToInt(String::length).max().orElse(0) + 8);
        List<Integer> widths = new ArrayList<>();
        sb.append(String.format("%-" + first + "s", "implementation"));
        for (Checkers.Checker c : checkers) {
            int w = Math.max(c.name().length(), 14) + 2;
            widths.add(w);
            sb.append(String.format("| %-" + w + "s", c.name()));
        }
        sb.append(String.format("| caught by%n"));
        sb.append("-".repeat(first + widths.stream().mapToInt(w -> w + 2).sum() + 11)).append('\n');
        matrix.forEach((variant, cells) -> {
            sb.append(String.format("%-" + first + "s", variant + (variant.equals(CLEAN) ? " (clean)" : "")));
            int i = 0;
            long caught = 0;
            for (Checkers.Checker c : checkers) {
                Cell cell = cells.get(c.name());
                String text = variant.equals(CLEAN) && cell.verdict() == Verdict.PASS ? "pass"
                        : variant.equals(CLEAN) && cell.caught() ? "FAILS" : cell.shortText();
                caught += cell.caught() ? 1 : 0;
                sb.append(String.format("| %-" + widths.get(i++) + "s", text));
            }
            sb.append(String.format("| %s%n", variant.equals(CLEAN) ? "-" : caught == 1 ? "1 (aim: 2)" : caught));
        });
        sb.append(String.format("%nFirst line of each failure (and the time each cell took):%n"));
        matrix.forEach((variant, cells) -> cells.forEach((checker, cell) -> sb.append(String.format(
                Locale.ROOT, "  %-40s x %-26s %6.1f s  %s: %s%n", variant, checker, cell.seconds(),
                cell.shortText(), cell.detail()))));
        List<Checkers.Checker> pending = Checkers.ALL.stream().filter(c -> !checkers.contains(c)).toList();
        if (!pending.isEmpty()) {
            sb.append(String.format("%nCheckers not in this matrix (see Checkers.ALL):%n"));
            pending.forEach(c -> sb.append(String.format("  %-26s %s%n", c.name(), c.note())));
        }
        sb.append(String.format("%nSeeded bugs (SeededBugs.ALL):%n"));
        SeededBugs.ALL.forEach(b -> sb.append(String.format("  %-40s %s%n", b.name(), b.description())));
        return sb.toString();
    }
}
