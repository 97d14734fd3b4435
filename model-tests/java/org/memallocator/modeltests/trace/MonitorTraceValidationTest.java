package org.memallocator.modeltests.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.memallocator.MonitorAction;
import org.memallocator.modeltests.support.Implementations;

/**
 * Monitor-level trace validation of the implementation under test ({@code Implementations.create()})
 * against {@code spec/MemAllocatorMonitor.tla}: random concurrent workloads ({@link Workload}, with
 * every other woken waiter held for up to {@value #HOLD_MICROS} µs through the wait-loop hook)
 * record the contract steps and the condition's steps with its wait queue
 * ({@link org.memallocator.MonitorTrace}), and each trace must be a behaviour of the monitor spec:
 * <ul>
 * <li>every trace through the executable checker ({@link MonitorTraceChecker});</li>
 * <li>one (six in {@code long}) by TLC through {@code spec/MemAllocatorMonitorTrace.tla} ({@link MonitorTlcTraceChecker}),
 *     and the executable checker must agree.</li>
 * </ul>
 * So a release with waiters that signals nobody, a decommit that wakes one waiter instead of all,
 * a signal that is not the head's, a woken waiter that waits again with a buffer free are each
 * rejected at the event where the Java's wait queue or condition call departs from the spec. The
 * model test also requires that the runs contained the situations such bugs need (two releases
 * before the first woken waiter runs, a decommit with a buffer free and a waiter, a woken waiter
 * that waits again) and every condition step.
 *
 * <p>Budget from {@code memallocator.budget}: {@code long} runs fifteen times as many traces, and
 * {@code kill} (the kill matrix) half of them. The executable checker runs
 * first: it decides in seconds. The seed of each workload is printed;
 * {@code -Dmemallocator.trace.seed=N} fixes the first one (the choices replay, the interleaving
 * does not).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitorTraceValidationTest {

    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", "."));
    private static final String BUDGET = System.getProperty("memallocator.budget", "ci");
    private static final boolean LONG = "long".equals(BUDGET);
    private static final boolean KILL = "kill".equals(BUDGET);
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final long HOLD_MICROS = 400;

    private final long firstSeed = Long.getLong("memallocator.trace.seed", System.nanoTime());

    @Test
    @Order(1)
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void monitorTracesOfRandomWorkloadsAreBehavioursOfTheMonitorSpec() throws Exception {
        int traces = LONG ? 300 : KILL ? 10 : 20;
        SplittableRandom seeds = new SplittableRandom(firstSeed);
        Map<String, Integer> situations = new TreeMap<>();
        Map<String, Integer> steps = new TreeMap<>();
        long events = 0;
        long start = System.nanoTime();
        for (int i = 0; i < traces; i++) {
            long seed = i == 0 ? firstSeed : seeds.nextLong();
            Workload.Run run = run(seed, 400);
            MonitorTraceChecker checker = MonitorTraceChecker.forTrace(run.threads(), run.monitorTrace());
            TraceVerdict v = checker.check(run.monitorTrace());
            if (!v.accepted()) {
                fail("[" + Implementations.name() + "] monitor trace " + (i + 1) + " (seed " + seed + ", "
                        + run.monitorTrace().size() + " events) rejected\n" + v.describe(run.monitorTrace()));
            }
            checker.situations().forEach((k, n) -> situations.merge(k, n, Integer::sum));
            run.monitorTrace().forEach(e -> steps.merge(e.action(), 1, Integer::sum));
            events += run.monitorTrace().size();
        }
        System.out.printf("MonitorTraceValidationTest [%s]: monitor model accepted %d traces, %d events in %.1f s;"
                        + " first seed %d; situations %s; steps %s%n", Implementations.name(), traces, events,
                (System.nanoTime() - start) / 1e9, firstSeed, situations, steps);
        Set<String> missingSituations = new TreeSet<>(List.of(MonitorTraceChecker.SECOND_SIGNAL,
                MonitorTraceChecker.SIGNAL_ALL_WITH_A_BUFFER_FREE, MonitorTraceChecker.WAITS_AGAIN));
        missingSituations.removeAll(situations.keySet());
        assertEquals(Set.of(), missingSituations, "situations no workload produced: the test could not see their bugs");
        Set<String> missingSteps = new TreeSet<>();
        for (MonitorAction a : MonitorAction.values()) {
            if (!steps.containsKey(a.name())) {
                missingSteps.add(a.name());
            }
        }
        assertEquals(Set.of(), missingSteps, "condition steps no workload reported");
    }

    @Test
    @Order(2)
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void monitorTracesAreBehavioursOfTheMonitorSpecByTlc() throws Exception {
        int traces = LONG ? 6 : 1;
        SplittableRandom seeds = new SplittableRandom(firstSeed ^ 0x9E3779B97F4A7C15L);
        MonitorTlcTraceChecker tlc = new MonitorTlcTraceChecker(REPO.resolve("spec"),
                REPO.resolve("target/monitor-trace-validation"), Duration.ofMinutes(4));
        long start = System.nanoTime();
        StringBuilder lengths = new StringBuilder();
        for (int i = 0; i < traces; i++) {
            long seed = seeds.nextLong();
            Workload.Run run = run(seed, LONG ? 300 : 120);
            TraceVerdict model = MonitorTraceChecker.forTrace(run.threads(), run.monitorTrace()).check(run.monitorTrace());
            long t0 = System.nanoTime();
            TraceVerdict byTlc = tlc.check("monitor-trace", run.threads(), run.monitorTrace());
            lengths.append(String.format("%s%d events (%.1f s)", i == 0 ? "" : ", ", run.monitorTrace().size(),
                    (System.nanoTime() - t0) / 1e9));
            String both = "\n" + byTlc.describe(run.monitorTrace()) + "\n" + model.describe(run.monitorTrace());
            if (!byTlc.accepted() || !model.accepted()) {
                fail("[" + Implementations.name() + "] monitor trace " + (i + 1) + " (seed " + seed + ", "
                        + run.monitorTrace().size() + " events) rejected" + both);
            }
        }
        System.out.printf("MonitorTraceValidationTest [%s]: TLC accepted %d monitor traces: %s; %.1f s in all%n",
                Implementations.name(), traces, lengths, (System.nanoTime() - start) / 1e9);
    }

    /** A workload with woken waiters held; a run that hung or threw fails the test, with its partial verdict. */
    private static Workload.Run run(long seed, int ops) throws InterruptedException {
        Workload.Run run = new Workload(Implementations.create(),
                new Workload.Settings(seed, 3, ops, 3, PATIENCE, HOLD_MICROS * 1000)).run();
        if (run.problem() != null) {
            TraceVerdict partial = MonitorTraceChecker.forTrace(run.threads(), run.monitorTrace())
                    .check(run.monitorTrace());
            fail("[" + Implementations.name() + "] workload with seed " + seed + ": " + run.problem()
                    + "\nthe " + run.monitorTrace().size() + " steps recorded until then: "
                    + partial.describe(run.monitorTrace()));
        }
        assertTrue(run.monitorTrace().size() > 0, "no steps recorded: is the SpecTrace installed?");
        return run;
    }
}
