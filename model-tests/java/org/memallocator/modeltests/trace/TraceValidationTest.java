package org.memallocator.modeltests.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.memallocator.SpecAction;
import org.memallocator.modeltests.support.Implementations;

/**
 * Trace validation of the implementation under test ({@code Implementations.create()}): random
 * concurrent workloads ({@link Workload}: three worker threads and a controller; blocking, NOWAIT
 * and timed gets, AddRef/Release from any thread, decommit/commit cycles, interrupts, close at the
 * end) record the implementation's spec steps in lock order, refused calls included, and each
 * trace must be a behaviour of {@code spec/MemAllocator.tla}:
 * <ul>
 * <li>many traces are replayed through the executable model ({@link ModelTraceChecker});</li>
 * <li>a few are validated by TLC through {@code spec/MemAllocatorTrace.tla}
 *     ({@link TlcTraceChecker}), and the model must give the same verdict.</li>
 * </ul>
 * The first trace rejected fails the test with the position and the event no spec step matches.
 *
 * <p>Budget from {@code memallocator.budget}: {@code ci} (default) or {@code long}. The seed of
 * each workload is printed; {@code -Dmemallocator.trace.seed=N} fixes the first one (the choices
 * replay, the interleaving does not).
 */
class TraceValidationTest {

    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", "."));
    private static final boolean LONG = "long".equals(System.getProperty("memallocator.budget", "ci"));
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final long firstSeed = Long.getLong("memallocator.trace.seed", System.nanoTime());

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void tracesOfRandomWorkloadsAreBehavioursOfTheSpecByTheModel() throws Exception {
        int traces = LONG ? 400 : 40;
        int ops = LONG ? 3000 : 1000;
        SplittableRandom seeds = new SplittableRandom(firstSeed);
        Map<String, Integer> actions = new TreeMap<>();
        long events = 0;
        int longest = 0;
        long start = System.nanoTime();
        for (int i = 0; i < traces; i++) {
            long seed = i == 0 ? firstSeed : seeds.nextLong();
            Workload.Run run = run(seed, 3, ops, 3);
            TraceVerdict v = ModelTraceChecker.forTrace(run.threads(), run.trace()).check(run.trace());
            if (!v.accepted()) {
                fail("[" + Implementations.name() + "] trace " + (i + 1) + " (seed " + seed + ", "
                        + run.trace().size() + " events) rejected\n" + v.describe(run.trace()));
            }
            events += run.trace().size();
            longest = Math.max(longest, run.trace().size());
            run.trace().forEach(e -> actions.merge(e.action(), 1, Integer::sum));
        }
        System.out.printf("TraceValidationTest [%s]: model accepted %d traces, %d events (longest %d) in %.1f s;"
                        + " first seed %d; steps: %s%n", Implementations.name(), traces, events, longest,
                (System.nanoTime() - start) / 1e9, firstSeed, actions);
        Set<SpecAction> missing = EnumSet.allOf(SpecAction.class);
        actions.keySet().forEach(a -> missing.remove(SpecAction.valueOf(a)));
        assertEquals(Set.of(), missing, "spec actions no workload took: the workload does not cover them");
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void tracesOfRandomWorkloadsAreBehavioursOfTheSpecByTlc() throws Exception {
        int traces = LONG ? 8 : 3;
        int ops = LONG ? 800 : 150;
        SplittableRandom seeds = new SplittableRandom(firstSeed ^ 0x5DEECE66DL);
        TlcTraceChecker tlc = new TlcTraceChecker(REPO.resolve("spec"), REPO.resolve("target/trace-validation"),
                Duration.ofMinutes(5));
        long start = System.nanoTime();
        StringBuilder lengths = new StringBuilder();
        for (int i = 0; i < traces; i++) {
            long seed = seeds.nextLong();
            Workload.Run run = run(seed, 3, ops, 3);
            TraceVerdict model = ModelTraceChecker.forTrace(run.threads(), run.trace()).check(run.trace());
            long t0 = System.nanoTime();
            TraceVerdict byTlc = tlc.check("trace", run.threads(), run.trace());
            lengths.append(String.format("%s%d events (%.1f s)", i == 0 ? "" : ", ", run.trace().size(),
                    (System.nanoTime() - t0) / 1e9));
            String both = "\n" + byTlc.describe(run.trace()) + "\n" + model.describe(run.trace());
            if (!byTlc.accepted() || !model.accepted()) {
                fail("[" + Implementations.name() + "] trace " + (i + 1) + " (seed " + seed + ", "
                        + run.trace().size() + " events) rejected" + both);
            }
        }
        System.out.printf("TraceValidationTest [%s]: TLC accepted %d traces: %s; %.1f s in all%n",
                Implementations.name(), traces, lengths, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Runs a workload on a new allocator. A run that hung or in which the implementation threw
     * fails the test; the message also says whether the steps recorded up to then were already
     * outside the spec.
     */
    private static Workload.Run run(long seed, int workers, int ops, int maxBuffers) throws InterruptedException {
        Workload.Run run = new Workload(Implementations.create(),
                new Workload.Settings(seed, workers, ops, maxBuffers, PATIENCE)).run();
        if (run.problem() != null) {
            TraceVerdict partial = ModelTraceChecker.forTrace(run.threads(), run.trace()).check(run.trace());
            fail("[" + Implementations.name() + "] workload with seed " + seed + ": " + run.problem()
                    + "\nthe " + run.trace().size() + " steps recorded until then: " + partial.describe(run.trace()));
        }
        assertTrue(run.trace().size() > 0, "no steps recorded: is the SpecTrace installed?");
        return run;
    }
}
