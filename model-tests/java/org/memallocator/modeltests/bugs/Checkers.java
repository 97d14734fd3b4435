package org.memallocator.modeltests.bugs;

import java.util.List;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;

/**
 * The checkers of the kill matrix, in one place: the model-test classes, each run through the
 * JUnit Platform Launcher with the implementation under test swapped by
 * {@code Implementations.with}. A checker must obtain its allocators from
 * {@code Implementations.create()}; with {@code countsAllocators}, the matrix counts them, and a
 * checker that never calls it is reported as bypassing it (it could not see a seeded bug) and
 * fails the matrix. The Lincheck checkers are not counted: Lincheck restores every object
 * reachable from static fields after each invocation (the counter included), and an allocator
 * that passes through a wrapper Lincheck has not instrumented escapes its model; they are given
 * the variant's own factory, and use {@code Implementations.create()} by construction.
 *
 * <p>{@code wired}: run by the matrix. Not wired: listed as pending (the class does not exist
 * yet, or does not use {@code Implementations} yet); flip the flag to wire it.
 */
public final class Checkers {

    private Checkers() {
    }

    /**
     * One checker: the test classes selected by {@code packageName} and {@code classPattern} (a
     * regular expression on the fully qualified class name).
     */
    public record Checker(String name, String packageName, String classPattern, boolean wired,
                          boolean countsAllocators, String note) {

        LauncherDiscoveryRequestBuilder request() {
            DiscoverySelector selector = DiscoverySelectors.selectPackage(packageName);
            return LauncherDiscoveryRequestBuilder.request()
                    .selectors(selector)
                    .filters(ClassNameFilter.includeClassNamePatterns(classPattern));
        }

        LauncherDiscoveryRequest discovery() {
            return request().build();
        }
    }

    private static final String MT = "org.memallocator.modeltests.";

    /**
     * In running order: cheap, high-yield checkers first (a row stops after two catches). The
     * Lincheck suites come before the state-graph paths: on a seeded bug they decide in seconds,
     * and they catch the races and lost wake-ups the earlier checkers miss.
     */
    public static final List<Checker> ALL = List.of(
            new Checker("jqwik-stateful", MT + "stateful",
                    "\\Q" + MT + "stateful.\\E.*Properties", true, true,
                    "jqwik stateful action chains refining the executable model"),
            new Checker("trace-validation", MT + "trace",
                    "\\Q" + MT + "trace.TraceValidationTest\\E", true, true,
                    "traces of random concurrent workloads checked against the spec"),
            new Checker("monitor-trace", MT + "trace",
                    "\\Q" + MT + "trace.MonitorTraceValidationTest\\E", true, true,
                    "monitor-level traces (condition steps and wait queue) of random workloads with woken "
                            + "waiters held, checked against MemAllocatorMonitor.tla by the executable checker and TLC"),
            new Checker("oracle-history", MT + "oracle",
                    "\\Q" + MT + "oracle.RecordedHistoryTest\\E", true, true,
                    "concurrent workloads recorded as histories and checked by the oracle's HistoryChecker"),
            new Checker("lincheck-blocking", MT + "lincheck",
                    "\\Q" + MT + "lincheck.BlockingGetBufferLincheckTest\\E", true, false,
                    "Lincheck runConcurrentTest scenarios of the blocking getBuffer"),
            new Checker("lincheck-linearizability", MT + "lincheck",
                    "\\Q" + MT + "lincheck.\\E(AllocatorLinearizability|SharedSampleLincheck)Test", true, false,
                    "Lincheck model checking + stress of the non-blocking surface and of one sample "
                            + "shared by several threads, against sequential models"),
            new Checker("state-graph", MT + "graph",
                    "\\Q" + MT + "graph.GeneratedFromStateGraphTest\\E", true, true,
                    "paths covering TLC's state graph, replayed with real threads, state compared after every step"),
            new Checker("monitor-state-graph", MT + "graph",
                    "\\Q" + MT + "graph.MonitorGraphTest\\E", true, true,
                    "paths covering the monitor model's state graph, wait queue and woken waiters compared after every step"),
            new Checker("conformance-vectors", MT + "oracle",
                    "\\Q" + MT + "oracle.ConformanceVectorsTest\\E", true, true,
                    "the conformance vectors of MemAllocatorGen.cfg (hold vectors included), stopping at the first failure"),
            new Checker("soak", MT + "soak",
                    "\\Q" + MT + "soak.SoakTest\\E", false, true,
                    "bounded random soak: 30 s per implementation under any budget but long, and in "
                            + "trials it caught neither DecommitSignalsOne nor SetPropertiesWithSamplesOut"));
}
