package org.memallocator.modeltests.graph;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.memallocator.graph.DotGraph;
import org.memallocator.graph.PathCover;
import org.memallocator.graph.StateGraph;
import org.memallocator.model.MemAllocatorModel;
import org.memallocator.model.Transition;
import org.memallocator.tlc.TlcConfig;
import org.memallocator.tlc.TlcLauncher;
import org.memallocator.tlc.TlcResult;
import org.opentest4j.TestAbortedException;

/**
 * Tests of the implementation under test ({@code Implementations}; normally
 * {@link org.memallocator.MonitorMemAllocator}) generated from TLC's state graph of
 * {@code spec/MemAllocatorGen.cfg}: paths from the initial state that together cover every state
 * and every transition ({@link PathCover}), one dynamic test per path, each replayed with real
 * threads by {@link PathRunner}.
 *
 * <p>Transitions are TLC's edges without duplicates: one per (state, action, next state). TLC
 * writes an edge line per parameterisation of an action, and the spec cannot tell apart those
 * that lead to the same state (a misaligned SetProperties of any count and layout); each distinct
 * transition runs with the parameters {@link PathCover#resolve} gives its first line.
 *
 * <p>Every step of a path is realised ({@link PathRunner} leaves the implementation no other
 * choice than the path's), so nothing is skipped: a path that cannot be followed fails. Rounds:
 * the edges a failed path left unexecuted are covered by the paths of the next round, avoiding
 * the failed edges, until every edge has run or a round makes no progress. The last test prints
 * the coverage and fails unless every state and every transition was executed and no path
 * failed (and lists those that were not executed).
 */
class GeneratedFromStateGraphTest {

    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", "."));
    private static final Path SPEC = REPO.resolve("spec/MemAllocator.tla");
    private static final Path CONFIG = REPO.resolve("spec/MemAllocatorGen.cfg");

    /** Paths this long keep the work a failed step throws away small. */
    private static final int MAX_STEPS = 200;

    /** The first timeout of the getBuffer calls that must time out; multiplied by 4 on each retry. */
    private static final Duration FIRST_TIMED_WAIT = Duration.ofMillis(10);
    private static final Duration LAST_TIMED_WAIT = Duration.ofMillis(640);

    @TestFactory
    Stream<DynamicTest> pathsThroughTheStateGraph() throws Exception {
        Path dot = REPO.resolve("target/graph/MemAllocatorGen.dot");
        Files.createDirectories(dot.getParent());
        TlcResult tlc = new TlcLauncher(REPO.resolve("target/tlc"), Duration.ofMinutes(5))
                .check(SPEC, CONFIG, 2, "-dump", "dot,actionlabels", dot.toString());
        assertTrue(tlc.succeeded(), "TLC on " + CONFIG + ": " + tlc.summary() + "\n" + tlc.errorTrace());
        DotGraph file = DotGraph.read(dot);
        StateGraph graph = StateGraph.fromDot(file).withoutDuplicates();
        MemAllocatorModel model = MemAllocatorModel.fromConstants(TlcConfig.read(CONFIG).constants());
        System.out.printf("%s: TLC %s%n  %d states, %d transitions (%d TLC edges with duplicates)%n",
                CONFIG.getFileName(), tlc.summary(), graph.states().size(), graph.edges().size(), file.edges().size());
        Rounds rounds = new Rounds(graph, model);
        Stream<DynamicTest> paths = StreamSupport.stream(Spliterators.spliteratorUnknownSize(rounds, 0), false);
        return Stream.concat(paths, Stream.of(DynamicTest.dynamicTest("coverage", rounds::checkCoverage)));
    }

    /**
     * The dynamic tests, round after round: each round is planned when the previous one has run
     * (JUnit runs dynamic tests as it takes them from the stream).
     */
    private static final class Rounds implements Iterator<DynamicTest> {
        private final StateGraph graph;
        private final MemAllocatorModel model;
        private final Transition[] byEdge;
        private final BitSet executed = new BitSet();
        private final BitSet failed = new BitSet();
        private final ArrayDeque<PathCover.TestPath> planned = new ArrayDeque<>();
        private int round;
        private int paths;
        private int steps;
        private int lastSettled = -1;
        private final long start = System.nanoTime();

        Rounds(StateGraph graph, MemAllocatorModel model) {
            this.graph = graph;
            this.model = model;
            this.byEdge = PathCover.resolve(graph, model);
        }

        @Override
        public boolean hasNext() {
            if (!failed.isEmpty() && "kill".equals(System.getProperty("memallocator.budget"))) {
                return false; // in the kill matrix, the first failed path is the verdict
            }
            if (planned.isEmpty()) {
                plan();
            }
            return !planned.isEmpty();
        }

        @Override
        public DynamicTest next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            PathCover.TestPath path = planned.remove();
            List<PathCover.Step> s = path.steps();
            String name = "round " + round + ", path " + path.number() + ", " + s.size() + " steps"
                    + (s.isEmpty() ? "" : ", ends " + s.get(s.size() - 1).label());
            return DynamicTest.dynamicTest(name, () -> run(path));
        }

        /** The next round: paths for the edges not yet executed or failed, avoiding the failed ones. */
        private void plan() {
            BitSet settled = new BitSet();
            settled.or(executed);
            settled.or(failed);
            if (settled.cardinality() == lastSettled) {
                return; // the last round made no progress: what is left cannot be reached
            }
            lastSettled = settled.cardinality();
            BitSet required = new BitSet();
            required.set(0, graph.edges().size());
            required.andNot(settled);
            BitSet avoided = new BitSet();
            avoided.or(failed);
            avoided.andNot(required);
            if (required.isEmpty()) {
                return;
            }
            long t0 = System.nanoTime();
            List<List<StateGraph.Edge>> cover = PathCover.cover(graph, required, avoided, MAX_STEPS);
            List<PathCover.TestPath> next = PathCover.testPaths(cover, byEdge, model.init(), paths + 1);
            round++;
            int n = next.stream().mapToInt(p -> p.steps().size()).sum();
            System.out.printf("  round %d: %d edges to cover, %d paths, %d steps, planned in %d ms%n", round,
                    required.cardinality(), next.size(), n, (System.nanoTime() - t0) / 1_000_000);
            paths += next.size();
            steps += n;
            planned.addAll(next);
        }

        /**
         * Runs one path, retrying with a longer timed wait if a timed getBuffer timed out too
         * early, and records the edges it executed, and the edge where it failed.
         */
        private void run(PathCover.TestPath path) throws InterruptedException {
            for (Duration wait = FIRST_TIMED_WAIT; ; wait = wait.multipliedBy(4)) {
                PathRunner runner = new PathRunner(model, path, wait);
                try {
                    runner.run().forEach(executed::set);
                    return;
                } catch (PathRunner.EarlyTimeout e) {
                    if (wait.compareTo(LAST_TIMED_WAIT) >= 0) {
                        throw new AssertionError("path " + path.number() + ": " + e.getMessage() + ", even with "
                                + wait, e);
                    }
                } catch (AssertionError | RuntimeException e) {
                    runner.executed().forEach(executed::set);
                    failed.set(path.steps().get(runner.executed().size()).edge().index());
                    throw e;
                }
            }
        }

        /** Every state and every transition executed; none failed. */
        void checkCoverage() {
            BitSet states = new BitSet();
            states.set(0);
            executed.stream().forEach(i -> states.set(graph.edges().get(i).to()));
            int edges = graph.edges().size();
            System.out.printf("  %d rounds, %d paths, %d steps, %.1f s%n  executed: states %d/%d, transitions %d/%d"
                            + " (%.1f%%); failed %d%n",
                    round, paths, steps, (System.nanoTime() - start) / 1e9, states.cardinality(),
                    graph.states().size(), executed.cardinality(), edges, 100.0 * executed.cardinality() / edges,
                    failed.cardinality());
            BitSet notRun = new BitSet();
            notRun.set(0, edges);
            notRun.andNot(executed);
            notRun.stream().limit(40).forEach(i -> {
                StateGraph.Edge e = graph.edges().get(i);
                System.out.printf("    not executed: %s from %s%n", e.action(),
                        graph.states().get(e.from()).replaceAll("\\s*\\R\\s*", " "));
            });
            assertTrue(failed.isEmpty(), failed.cardinality() + " transitions failed (see the failed paths)");
            assertTrue(states.cardinality() == graph.states().size() && executed.cardinality() == edges,
                    "not executed: " + (graph.states().size() - states.cardinality()) + " states, "
                            + (edges - executed.cardinality()) + " transitions (listed above)");
        }
    }
}
