package org.memallocator.bench;

/**
 * The benchmark suite of issue #7, phase by phase: JMH ({@link JmhSuite}), the paired interleaved
 * timing ({@link PairedHarness}), the fairness harness
 * ({@link FairnessHarness}), the TLC state-space table ({@link TlcStateSpace}), the history checker's cost
 * ({@link HistoryBench}), then the report
 * ({@link Report}: {@code docs/benchmarks.md} and the plots). Run through
 * {@code mvn -Pbench verify -DskipTests}; see {@link Settings} for the knobs.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromSystemProperties();
        System.out.println("memallocator bench: " + settings.command() + " phases " + settings.phases()
                + " " + settings.describe());
        if (settings.runs("jmh")) {
            JmhSuite.run(settings);
        }
        if (settings.runs("paired")) {
            PairedHarness.run(settings);
        }
        if (settings.runs("fairness")) {
            FairnessHarness.run(settings);
        }
        if (settings.runs("tlc")) {
            TlcStateSpace.run(settings);
        }
        if (settings.runs("history")) {
            HistoryBench.run(settings);
        }
        if (settings.runs("report")) {
            java.util.List<String> missing = Report.write(settings);
            if (!missing.isEmpty()) {
                System.out.println("memallocator bench: FAILED: no JMH result for memallocator in " + missing);
                System.exit(1);
            }
        }
        System.out.println("memallocator bench: done");
    }
}
