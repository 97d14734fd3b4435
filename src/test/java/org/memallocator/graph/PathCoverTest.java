package org.memallocator.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.memallocator.model.MemAllocatorModel;
import org.memallocator.model.Transition;

class PathCoverTest {

    private static final MemAllocatorModel MODEL = new MemAllocatorModel(List.of("t1"), 2, 2);
    private static final StateGraph GRAPH = StateGraph.explore(MODEL);

    @Test
    void coversEveryStateAndEveryEdgeWithConnectedPathsFromTheInitialState() {
        List<List<StateGraph.Edge>> paths = PathCover.cover(GRAPH);
        assertTrue(PathCover.coverage(GRAPH, paths).complete(), PathCover.coverage(GRAPH, paths).toString());
        for (List<StateGraph.Edge> path : paths) {
            int at = 0;
            for (StateGraph.Edge e : path) {
                assertEquals(at, e.from());
                at = e.to();
            }
        }
        assertEquals(paths, PathCover.cover(GRAPH), "deterministic");
    }

    @Test
    void coversTheRequiredEdgesWithoutTheAvoidedOnes() {
        BitSet required = new BitSet();
        BitSet avoided = new BitSet();
        for (StateGraph.Edge e : GRAPH.edges()) {
            if (e.action().equals("Release")) {
                required.set(e.index());
            }
            if (e.action().equals("WaitInterrupted") || e.action().equals("AddRef") && e.from() % 2 == 0) {
                avoided.set(e.index());
            }
        }
        List<List<StateGraph.Edge>> paths = PathCover.cover(GRAPH, required, avoided, 50);
        BitSet taken = new BitSet();
        paths.forEach(p -> p.forEach(e -> taken.set(e.index())));
        assertFalse(taken.intersects(avoided));
        BitSet missing = (BitSet) required.clone();
        missing.andNot(taken);
        boolean[] reachable = reachableWithout(avoided);
        missing.stream().forEach(i -> assertFalse(reachable[GRAPH.edges().get(i).from()],
                "a Release edge reachable without avoided edges is not covered"));
        assertTrue(missing.cardinality() < required.cardinality() / 2, "most are reachable and covered");
        assertTrue(PathCover.cover(GRAPH, new BitSet(), new BitSet(), 50).isEmpty(), "nothing required");
    }

    private static boolean[] reachableWithout(BitSet avoided) {
        boolean[] seen = new boolean[GRAPH.states().size()];
        java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>(List.of(0));
        seen[0] = true;
        while (!queue.isEmpty()) {
            for (StateGraph.Edge e : GRAPH.out(queue.remove())) {
                if (!avoided.get(e.index()) && !seen[e.to()]) {
                    seen[e.to()] = true;
                    queue.add(e.to());
                }
            }
        }
        return seen;
    }

    @Test
    void coverageCountsWhatPathsVisit() {
        List<StateGraph.Edge> first = GRAPH.pathTo(5);
        PathCover.Coverage c = PathCover.coverage(GRAPH, List.of(first));
        assertEquals(first.size() + 1, c.statesCovered());
        assertEquals(first.size(), c.edgesCovered());
        assertFalse(c.complete());
        assertEquals(1, PathCover.coverage(GRAPH, List.of(List.of())).statesCovered());
        assertEquals("states 1/4 (25.0%), transitions 3/8 (37.5%)", new PathCover.Coverage(1, 4, 3, 8).toString());
        assertEquals("states 1/1 (100.0%), transitions 0/0 (0.0%)", new PathCover.Coverage(1, 1, 0, 0).toString());
    }

    @Test
    void componentsSeparateIrreversibleSteps() {
        String[][] states = {{"1", "x = 1"}, {"2", "x = 2"}, {"3", "x = 3"}, {"4", "x = 4"}};
        StateGraph g = StateGraph.fromDot(StateGraphTest.dot(states, "1 A 2", "2 B 3", "3 C 2", "3 D 4"));
        int[] c = PathCover.components(g, new BitSet());
        assertEquals(c[1], c[2], "2 and 3 reach each other");
        assertEquals(3, new HashSet<>(List.of(c[0], c[1], c[3])).size());
        BitSet noC = new BitSet();
        noC.set(g.out(2).stream().filter(e -> e.action().equals("C")).findFirst().orElseThrow().index());
        int[] split = PathCover.components(g, noC);
        assertNotEquals(split[1], split[2]);
    }

    @Test
    void cuttingKeepsEveryEdgeAndStartsEachPieceWithAShortestPath() {
        List<List<StateGraph.Edge>> paths = PathCover.cover(GRAPH);
        int longest = paths.stream().mapToInt(List::size).max().orElseThrow();
        int bound = 12;
        assertTrue(longest > bound, "the cover has a path to cut: " + longest);
        List<List<StateGraph.Edge>> pieces = PathCover.cut(GRAPH, paths, bound);
        Set<StateGraph.Edge> before = new HashSet<>();
        paths.forEach(before::addAll);
        Set<StateGraph.Edge> after = new HashSet<>();
        pieces.forEach(after::addAll);
        assertEquals(before, after, "the same edges, so the same states");
        assertTrue(pieces.size() > paths.size());
        for (List<StateGraph.Edge> piece : pieces) {
            assertTrue(piece.size() <= bound, piece.size() + " edges");
            int at = 0;
            for (StateGraph.Edge e : piece) {
                assertEquals(at, e.from(), "a connected path from the initial state");
                at = e.to();
            }
        }
        assertEquals(paths, PathCover.cut(GRAPH, paths, longest), "nothing to cut");
        assertEquals(List.of(List.of()), PathCover.cut(GRAPH, List.of(List.of()), 5), "the empty path stays");
        assertEquals(List.of(List.of("A", "B", "C"), List.of("A", "D", "E")),
                cutWalk(3, "1 A 2", "2 B 3", "3 C 2", "2 D 4", "4 E 2"),
                "each piece after the first starts with a shortest path to where the last one stopped");
        assertEquals(List.of(List.of("A", "B"), List.of("A", "B", "C")), cutWalk(2, "1 A 2", "2 B 3", "3 C 4"),
                "a piece takes at least one edge, even after a shortest path as long as the bound");
    }

    /** The actions of the cover of a chain graph's single path, cut to {@code maxLength}. */
    private static List<List<String>> cutWalk(int maxLength, String... edges) {
        StateGraph g = graph(edges);
        return PathCover.cut(g, PathCover.cover(g), maxLength).stream()
                .map(p -> p.stream().map(StateGraph.Edge::action).toList()).toList();
    }

    // ------------------------------------------------------------ the walker's rules, on small graphs

    /**
     * The actions of each path of the default cover of the graph of {@code edges} ("1 A 2": from
     * state 1 by A to state 2; state i is "x = i", and the first edge's source is initial).
     */
    private static List<List<String>> walk(String... edges) {
        return walk(PathCover.DEFAULT_MAX_STEPS, edges);
    }

    /** The graph of {@code edges} ("1 A 2": from state 1 by A to state 2; state i is "x = i"). */
    private static StateGraph graph(String... edges) {
        String[][] states = java.util.Arrays.stream(edges)
                .flatMap(e -> java.util.stream.Stream.of(e.split(" ")[0], e.split(" ")[2]))
                .distinct()
                .map(id -> new String[] {id, "x = " + id})
                .toArray(String[][]::new);
        return StateGraph.fromDot(StateGraphTest.dot(states, edges));
    }

    private static List<List<String>> walk(int maxSteps, String... edges) {
        StateGraph g = graph(edges);
        BitSet all = new BitSet();
        all.set(0, g.edges().size());
        List<List<StateGraph.Edge>> paths = PathCover.cover(g, all, new BitSet(), maxSteps);
        assertTrue(PathCover.coverage(g, paths).complete(), PathCover.coverage(g, paths).toString());
        return paths.stream().map(p -> p.stream().map(StateGraph.Edge::action).toList()).toList();
    }

    @Test
    void aSelfLoopIsTakenFirst() {
        assertEquals(List.of(List.of("S", "A", "B")), walk("1 A 2", "2 B 1", "1 S 1"));
    }

    /** C leaves {1, 2} for ever: the walk first finishes X and Y, though C sorts before them. */
    @Test
    void aComponentIsFinishedBeforeAnIrreversibleStepLeavesIt() {
        assertEquals(List.of(List.of("X", "Y", "C", "L")), walk("1 X 2", "2 Y 1", "1 C 3", "3 L 3"));
    }

    /** From 1, C leads to a state with nothing left to cover, D to one with R left: D goes first. */
    @Test
    void anEdgeToAStateWithUncoveredEdgesIsPreferred() {
        assertEquals(List.of(List.of("A", "Q", "D", "R", "C")),
                walk("1 A 2", "2 Q 1", "1 C 2", "1 D 3", "3 R 1"));
    }

    /** Stuck at 1 with D (3 to 2) uncovered, the walk detours over covered A and B instead of ending. */
    @Test
    void aDetourOverCoveredEdgesReachesWhatIsLeft() {
        assertEquals(List.of(List.of("A", "B", "C", "A", "B", "D")), walk("1 A 2", "2 B 3", "3 C 1", "3 D 2"));
        assertEquals(List.of(List.of("A", "B", "C"), List.of("A", "B", "D")),
                walk(0, "1 A 2", "2 B 3", "3 C 1", "3 D 2"), "no detours once maxSteps is reached");
    }

    /** After the component {1, 2, 3} is done, the walk detours back to 2 to leave by E. */
    @Test
    void aDetourReachesAnEdgeLeavingTheComponent() {
        assertEquals(List.of(List.of("A", "B", "C", "A", "E")), walk("1 A 2", "2 B 3", "3 C 1", "2 E 4"));
    }

    @Test
    void resolvesEachEdgeToADistinctModelTransition() {
        Transition[] byEdge = PathCover.resolve(GRAPH, MODEL);
        Set<String> seen = new HashSet<>();
        for (StateGraph.Edge e : GRAPH.edges()) {
            Transition t = byEdge[e.index()];
            if (e.action().equals(StateGraph.TERMINATING)) {
                assertNull(t);
                continue;
            }
            assertEquals(e.action(), t.action().name());
            assertEquals(GRAPH.states().get(e.to()), t.target().render());
            assertTrue(seen.add(e.from() + " " + t.label() + " -> " + e.to()), "duplicates get different parameters: " + t.label());
        }
        StateGraph other = StateGraph.explore(new MemAllocatorModel(List.of("t1"), 1, 1));
        assertThrows(IllegalStateException.class, () -> PathCover.resolve(other, MODEL));
    }

    @Test
    void testPathsChainTheModelsStates() {
        List<PathCover.TestPath> paths = PathCover.testPaths(GRAPH.withoutDuplicates(), MODEL);
        assertEquals(PathCover.cover(GRAPH.withoutDuplicates()).size(), paths.size(), "one test path per path");
        assertTrue(paths.size() > 1, paths.size() + " paths");
        for (int i = 0; i < paths.size(); i++) {
            assertEquals(i + 1, paths.get(i).number(), "numbered from 1");
        }
        for (PathCover.TestPath p : paths) {
            var at = p.initial();
            for (PathCover.Step s : p.steps()) {
                assertEquals(s.transition() == null ? s.edge().action() : s.transition().label(), s.label());
                assertEquals(at, s.from());
                assertEquals(GRAPH.states().get(s.edge().to()), s.to().render());
                at = s.to();
            }
        }
    }
}
