package org.memallocator.modeltests.lincheck;

import java.util.Locale;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.memallocator.modeltests.support.Implementations;

/**
 * How much exploring the Lincheck tests do, from the system property {@code memallocator.budget}:
 * {@code ci} (the default: the whole Lincheck suite in well under 3 minutes on 2 cores),
 * {@code long} ({@code mvn -Plong verify}), or {@code kill} (set by the kill matrix around each
 * checker run: just enough to catch the seeded bugs, no minimisation of failing scenarios).
 *
 * <p>Lincheck's defaults (100 iterations x 10,000 invocations) take minutes per test on 2 cores;
 * these numbers were measured, see the timings printed by each test.
 */
enum Budget {
    KILL(3, 100, 4, 200, 100),
    CI(30, 400, 30, 600, 1_000),
    LONG(100, 3_000, 100, 10_000, 10_000);

    /** Model checking: scenarios, and interleavings explored per scenario. */
    final int mcIterations;
    final int mcInvocations;
    /** Stress: scenarios, and runs per scenario. */
    final int stressIterations;
    final int stressInvocations;
    /** {@code runConcurrentTest}: interleavings explored per blocking scenario. */
    final int concurrentInvocations;

    Budget(int mcIterations, int mcInvocations, int stressIterations, int stressInvocations,
           int concurrentInvocations) {
        this.mcIterations = mcIterations;
        this.mcInvocations = mcInvocations;
        this.stressIterations = stressIterations;
        this.stressInvocations = stressInvocations;
        this.concurrentInvocations = concurrentInvocations;
    }

    /** Minimising a failing scenario reruns it many times: worth it except in the kill matrix. */
    boolean minimize() {
        return this != KILL;
    }

    /** Model checking at this budget; the caller sets the scenario shape and the sequential model. */
    ModelCheckingOptions modelChecking() {
        return new ModelCheckingOptions()
                .iterations(mcIterations)
                .invocationsPerIteration(mcInvocations)
                .minimizeFailedScenario(minimize());
    }

    /** Stress at this budget; the caller sets the scenario shape and the sequential model. */
    StressOptions stress() {
        return new StressOptions()
                .iterations(stressIterations)
                .invocationsPerIteration(stressInvocations)
                .minimizeFailedScenario(minimize());
    }

    /** Runs Lincheck's {@code options} on {@code testClass} and prints how long {@code what} took. */
    static void check(String what, Options<?, ?> options, Class<?> testClass) {
        long t0 = System.nanoTime();
        options.check(testClass);
        report(what, t0);
    }

    /** Prints how long {@code what}, started at {@code t0} ({@link System#nanoTime()}), took. */
    static void report(String what, long t0) {
        System.out.printf("Lincheck %s (%s, budget %s): %.1f s%n", what, Implementations.name(),
                current().name().toLowerCase(Locale.ROOT), (System.nanoTime() - t0) / 1e9);
    }

    static Budget current() {
        String name = System.getProperty("memallocator.budget", "ci");
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "long" -> LONG;
            case "kill" -> KILL;
            default -> CI;
        };
    }
}
