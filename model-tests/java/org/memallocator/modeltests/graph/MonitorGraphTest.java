package org.memallocator.modeltests.graph;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.memallocator.graph.DotGraph;
import org.memallocator.graph.PathCover;
import org.memallocator.graph.StateGraph;
import org.memallocator.tlc.TlcLauncher;
import org.memallocator.tlc.TlcResult;

/**
 * Tests of the implementation under test ({@code Implementations}; normally
 * {@link org.memallocator.MonitorMemAllocator}) generated from TLC's state graphs of the monitor
 * model, {@code spec/MemAllocatorMonitorGen.tla} (MemAllocatorMonitor's closed world): two
 * threads and two buffers, reference counts up to 2 ({@code MemAllocatorMonitorGen.cfg}); three
 * threads and one buffer ({@code MemAllocatorMonitorGenThreeThreads.cfg}: two waiters and a
 * third thread that decommits); in the {@code long} budget and the kill matrix also three threads
 * and two buffers ({@code MemAllocatorMonitorGenLong.cfg}). For each graph: paths from the
 * initial state that together cover every state and every transition ({@link PathCover}), one
 * dynamic test per path, each replayed with real threads by {@link MonitorPathRunner}, which
 * compares the monitor-level state (the condition's wait queue, the woken waiters, the waiter
 * count, the free list) with the implementation's after every step. The contract's graph
 * ({@link GeneratedFromStateGraphTest}) cannot see which waiter has been signalled; this graph
 * can, so "two waiters, two releases, then both wake" and "decommit, commit, then the woken
 * waiters run" are among its paths, and a lost wake-up fails the step after the signal that was
 * lost.
 *
 * <p><b>What the model leaves out, and why.</b>
 * <ul>
 * <li>Interrupts, timeouts and spurious wake-ups (the closed world). AQS never wakes a waiter
 *     spuriously (its condition wait loops until signalled), so the spec's WakesByItself of an
 *     untimed waiter has no Java counterpart; a timed waiter's deadline is a clock value the spec
 *     leaves free and the runner could only approximate with sleeps. Interrupts and timeouts are
 *     covered by the contract's graph, the hold vectors and the jqwik chains, all driven through
 *     the same {@link org.memallocator.oracle.SpecDriver}.</li>
 * <li>Quit: an idle thread that stops calling is no step of the Java.</li>
 * <li>SetProperties refusals and unusable layouts: they change only the properties and the
 *     caller's result, which the contract's graph covers in full; here every SetProperties is
 *     accepted with a valid layout and 1 or 2 buffers.</li>
 * </ul>
 * Everything else of {@code MemAllocatorMonitor}'s Next is in: barging getBuffers, signal and
 * signalAll, waiting again, pending decommits, Close with waiters, Terminating.
 *
 * <p>No step is "unrealisable": the last test prints the coverage and fails unless every state
 * and every transition was executed and no path failed.
 */
class MonitorGraphTest {

    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", "."));
    private static final Path SPEC = REPO.resolve("spec/MemAllocatorMonitorGen.tla");

    /**
     * Two threads and two buffers (two waiters, LIFO, barging); three threads and one buffer (two
     * waiters beside a thread that decommits, commits or closes). The long budget and the kill
     * matrix add three threads and two buffers (a decommit left pending by a sample out, beside
     * a free buffer and two waiters).
     */
    private static List<String> configs() {
        List<String> configs = new ArrayList<>(List.of("MemAllocatorMonitorGen.cfg",
                "MemAllocatorMonitorGenThreeThreads.cfg"));
        String budget = System.getProperty("memallocator.budget", "");
        if (budget.equals("long") || budget.equals("kill")) {
            configs.add("MemAllocatorMonitorGenLong.cfg");
        }
        return configs;
    }

    /** Whether a path of any graph failed: in the kill matrix, the first failure is the verdict. */
    private final AtomicBoolean anyFailed = new AtomicBoolean();

    @TestFactory
    Stream<DynamicContainer> pathsThroughTheMonitorStateGraph() {
        return configs().stream().map(c -> DynamicContainer.dynamicContainer(c, paths(REPO.resolve("spec/" + c))));
    }

    /** TLC's graph of {@code config}, its cover, one test per path, then the coverage test. */
    private Stream<DynamicTest> paths(Path config) {
        if (anyFailed.get() && "kill".equals(System.getProperty("memallocator.budget"))) {
            return Stream.empty(); // in the kill matrix, the first failed path is the verdict
        }
        StateGraph graph;
        List<List<StateGraph.Edge>> cover;
        MonitorState[] states;
        try {
            String name = config.getFileName().toString().replace(".cfg", "");
            Path dot = REPO.resolve("target/graph/" + name + ".dot");
            Files.createDirectories(dot.getParent());
            TlcResult tlc = new TlcLauncher(REPO.resolve("target/tlc"), Duration.ofMinutes(5))
                    .check(SPEC, config, 2, "-dump", "dot,actionlabels", dot.toString());
            assertTrue(tlc.succeeded(), "TLC on " + config + ": " + tlc.summary() + "\n" + tlc.errorTrace());
            DotGraph file = DotGraph.read(dot);
            graph = StateGraph.fromDot(file).withoutDuplicates();
            states = graph.states().stream().map(MonitorState::parse).toArray(MonitorState[]::new);
            cover = PathCover.cover(graph);
            System.out.printf("%s: TLC %s%n  %d states, %d transitions (%d TLC edges with duplicates); %d paths, %d steps%n",
                    config.getFileName(), tlc.summary(), graph.states().size(), graph.edges().size(),
                    file.edges().size(), cover.size(), cover.stream().mapToInt(List::size).sum());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Coverage coverage = new Coverage(graph, anyFailed);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < cover.size(); i++) {
            List<StateGraph.Edge> path = cover.get(i);
            int number = i + 1;
            MonitorState[] s = states;
            StateGraph g = graph;
            tests.add(DynamicTest.dynamicTest("path " + number + ", " + path.size() + " steps",
                    () -> coverage.run(new MonitorPathRunner(g, s, path, number))));
        }
        tests.add(DynamicTest.dynamicTest("coverage", coverage::check));
        return tests.stream();
    }

    /** The edges executed, and the paths failed, over all paths. */
    private static final class Coverage {
        private final StateGraph graph;
        private final AtomicBoolean anyFailed;
        private final BitSet executed = new BitSet();
        private int failed;
        private final long start = System.nanoTime();
        private int paths;

        Coverage(StateGraph graph, AtomicBoolean anyFailed) {
            this.graph = graph;
            this.anyFailed = anyFailed;
        }

        void run(MonitorPathRunner runner) {
            if (anyFailed.get() && "kill".equals(System.getProperty("memallocator.budget"))) {
                return; // in the kill matrix, the first failed path is the verdict
            }
            paths++;
            try {
                runner.run().forEach(executed::set);
            } catch (AssertionError | RuntimeException e) {
                runner.executed().forEach(executed::set);
                failed++;
                anyFailed.set(true);
                throw e;
            }
        }

        void check() {
            BitSet states = new BitSet();
            states.set(0);
            executed.stream().forEach(i -> states.set(graph.edges().get(i).to()));
            int edges = graph.edges().size();
            System.out.printf("  %d paths run in %.1f s; executed: states %d/%d, transitions %d/%d; failed paths %d%n",
                    paths, (System.nanoTime() - start) / 1e9, states.cardinality(), graph.states().size(),
                    executed.cardinality(), edges, failed);
            assertTrue(failed == 0, failed + " paths failed (see above)");
            assertTrue(states.cardinality() == graph.states().size() && executed.cardinality() == edges,
                    "not executed: " + (graph.states().size() - states.cardinality()) + " states, "
                            + (edges - executed.cardinality()) + " transitions");
        }
    }
}
