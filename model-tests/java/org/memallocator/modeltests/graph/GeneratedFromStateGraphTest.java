package org.memallocator.modeltests.graph;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * Tests of {@link org.memallocator.MonitorMemAllocator} generated from TLC's state graph of
 * {@code spec/MemAllocatorGen.cfg}: paths from the initial state that together cover every state
 * and every transition ({@link PathCover}), one dynamic test per path, each replayed with real
 * threads by {@link PathRunner}.
 *
 * <p>Transitions are TLC's edges without duplicates: one per (state, action, next state). TLC
 * writes an edge line per parameterisation of an action, and the spec cannot tell apart those
 * that lead to the same state (a misaligned SetProperties of any count and layout); each distinct
 * transition runs with the parameters {@link PathCover#resolve} gives its first line.
 *
 * <p>Rounds: a path can stop early where the implementation cannot follow it
 * ({@link PathRunner.Unrealisable}: an interrupt after the wake-up, or the lock's FIFO order of
 * woken waiters); it is reported as aborted. That step's edge is then avoided, and the next round
 * covers the edges left unexecuted by other paths, until every edge has run or was found
 * unrealisable. The last test checks that every state ran, and every transition ran or was
 * found unrealisable, and lists the unrealisable ones by reason.
 */
class GeneratedFromStateGraphTest {

    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", "."));
    private static final Path SPEC = REPO.resolve("spec/MemAllocator.tla");
    private static final Path CONFIG = REPO.resolve("spec/MemAllocatorGen.cfg");

    /** Paths this long keep the work an unrealisable step throws away small. */
    private static final int MAX_STEPS = 200;

    /** The first timeout of the getBuffer calls that must time out; multiplied by 4 on each retry. */
    private static final Duration FIRST_TIMED_WAIT = Duration.ofMillis(10);
    private static final Duration LAST_TIMED_WAIT = Duration.ofMillis(640);

    @TestFactory
    Stream<DynamicTest> pathsThroughTheStateGraph() throws Exception {
        assumeTrue(Runtime.version().feature() < 20, "the drivers hold waiters with Thread.suspend, which works on"
                + " JDK 17 to 19 only (this project targets 17); see Driver");
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
        private final BitSet unrealisable = new BitSet();
        private final BitSet failed = new BitSet();
        private final Map<String, Integer> reasons = new TreeMap<>();
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
            PathCover.TestPath path = upToUnrealisable(planned.remove());
            List<PathCover.Step> s = path.steps();
            String name = "round " + round + ", path " + path.number() + ", " + s.size() + " steps"
                    + (s.isEmpty() ? "" : ", ends " + s.get(s.size() - 1).label());
            return DynamicTest.dynamicTest(name, () -> run(path));
        }

        /**
         * The path up to its first step already found unrealisable in this round (the rest goes
         * to the next round), so that one such step does not stop many paths.
         */
        private PathCover.TestPath upToUnrealisable(PathCover.TestPath path) {
            List<PathCover.Step> steps = path.steps();
            for (int i = 0; i < steps.size(); i++) {
                if (unrealisable.get(steps.get(i).edge().index())) {
                    return new PathCover.TestPath(path.number(), path.initial(), steps.subList(0, i));
                }
            }
            return path;
        }

        /** The next round: paths for the edges not yet executed, unrealisable or failed, avoiding those. */
        private void plan() {
            BitSet settled = new BitSet();
            settled.or(executed);
            settled.or(unrealisable);
            settled.or(failed);
            if (settled.cardinality() == lastSettled) {
                return; // the last round made no progress: what is left cannot be reached
            }
            lastSettled = settled.cardinality();
            BitSet required = new BitSet();
            required.set(0, graph.edges().size());
            required.andNot(settled);
            BitSet avoided = new BitSet();
            avoided.or(unrealisable);
            avoided.or(failed);
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
         * early, and records the edges it executed, and the edge where it stopped.
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
                } catch (PathRunner.Unrealisable e) {
                    runner.executed().forEach(executed::set);
                    PathCover.Step at = path.steps().get(runner.executed().size());
                    unrealisable.set(at.edge().index());
                    reasons.merge(at.edge().action() + ": " + e.reason, 1, Integer::sum);
                    throw new TestAbortedException(e.getMessage());
                } catch (AssertionError | RuntimeException e) {
                    runner.executed().forEach(executed::set);
                    failed.set(path.steps().get(runner.executed().size()).edge().index());
                    throw e;
                }
            }
        }

        /** Every state executed; every transition executed or found unrealisable; none failed. */
        void checkCoverage() {
            BitSet states = new BitSet();
            states.set(0);
            executed.stream().forEach(i -> states.set(graph.edges().get(i).to()));
            int edges = graph.edges().size();
            System.out.printf("  %d rounds, %d paths, %d steps, %.1f s%n  executed: states %d/%d, transitions %d/%d"
                            + " (%.1f%%); unrealisable %d, failed %d%n",
                    round, paths, steps, (System.nanoTime() - start) / 1e9, states.cardinality(),
                    graph.states().size(), executed.cardinality(), edges, 100.0 * executed.cardinality() / edges,
                    unrealisable.cardinality(), failed.cardinality());
            reasons.forEach((reason, n) -> System.out.printf("    %4d x %s%n", n, reason));
            BitSet settled = new BitSet();
            settled.or(executed);
            settled.or(unrealisable);
            assertTrue(failed.isEmpty(), failed.cardinality() + " transitions failed (see the failed paths)");
            assertTrue(states.cardinality() == graph.states().size() && settled.cardinality() == edges,
                    "not covered: " + (graph.states().size() - states.cardinality()) + " states, "
                            + (edges - settled.cardinality()) + " transitions");
        }
    }
}
