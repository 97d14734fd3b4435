package org.memallocator.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.memallocator.model.MemAllocatorModel;

class StateGraphTest {

    /** A dot graph from "fingerprint label" pairs (the first is initial) and "from action to" triples. */
    static DotGraph dot(String[][] states, String... edges) {
        Map<Long, String> labels = new LinkedHashMap<>();
        for (String[] s : states) {
            labels.put(Long.parseLong(s[0]), s[1]);
        }
        List<DotGraph.Edge> list = new ArrayList<>();
        for (String e : edges) {
            String[] p = e.split(" ");
            list.add(new DotGraph.Edge(Long.parseLong(p[0]), Long.parseLong(p[2]), p[1], list.size() + 1));
        }
        return new DotGraph("test.dot", labels, List.of(Long.parseLong(states[0][0])), list);
    }

    private static final String[][] STATES = {
        {"10", "/\\ x = 0 /\\ y = {}"},
        {"20", "/\\ y = {1} /\\ x = 1"},
        {"30", "/\\ x = 2\n/\\ y = 1..2"},
    };

    @Test
    void numbersStatesBreadthFirstWithCanonicalLabels() {
        StateGraph g = StateGraph.fromDot(dot(STATES, "10 B 30", "10 A 20", "20 A 30", "30 Z 30", "30 Z 30"));
        assertEquals(List.of("/\\ x = 0\n/\\ y = {}", "/\\ x = 1\n/\\ y = {1}", "/\\ x = 2\n/\\ y = {1, 2}"),
                g.states(), "state 0 initial; out-edges sorted by action: A to 20 before B to 30");
        assertEquals(List.of(new StateGraph.Edge(0, 0, "A", 1), new StateGraph.Edge(1, 0, "B", 2)), g.out(0));
        assertEquals(5, g.edges().size(), "duplicates and self-loops kept");
        assertEquals(List.of(g.edges().get(1)), g.pathTo(2));
        assertEquals(4, g.withoutDuplicates().edges().size());
        assertEquals("Init -> B", StateGraph.actions(g.pathTo(2)));
    }

    @Test
    void rejectsGraphsItCannotNumber() {
        String[][] twins = {{"10", "/\\ x = 0"}, {"20", "/\\ x =\n 0"}};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StateGraph.fromDot(dot(twins, "10 A 20")))
                .getMessage().contains("states 10 and 20 have the same canonical rendering"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StateGraph.fromDot(dot(STATES, "10 A 20")))
                .getMessage().contains("state not reachable from the initial state"));
        String[][] bad = {{"10", "/\\ x = "}};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StateGraph.fromDot(dot(bad)))
                .getMessage().startsWith("test.dot: the label of state 10: expected a value"));
    }

    @Test
    void theSameGraphHasNoDifference() {
        StateGraph a = StateGraph.fromDot(dot(STATES, "10 A 20", "20 A 30", "30 Z 30", "30 Z 30"));
        StateGraph b = StateGraph.fromDot(dot(STATES, "30 Z 30", "20 A 30", "30 Z 30", "10 A 20"));
        assertEquals(Optional.empty(), StateGraph.difference(a, b));
    }

    @Test
    void reportsTheShallowestMissingState() {
        StateGraph expected = StateGraph.fromDot(dot(STATES, "10 A 20", "20 A 30"));
        String[][] two = {STATES[0], STATES[1]};
        StateGraph actual = StateGraph.fromDot(dot(two, "10 A 20"));
        String d = StateGraph.difference(expected, actual).orElseThrow();
        assertTrue(d.startsWith("a state of test.dot is not in test.dot, at depth 2\n"
                + "  shortest path in test.dot: Init -> A -> A\n    /\\ x = 2\n    /\\ y = {1, 2}\n"
                + "  reached from:\n    /\\ x = 1"), d);
    }

    @Test
    void reportsEdgesThatDifferInNumber() {
        StateGraph twoZ = StateGraph.fromDot(dot(STATES, "10 A 20", "20 A 30", "30 Z 30", "30 Z 30"));
        StateGraph oneZ = StateGraph.fromDot(dot(STATES, "10 A 20", "20 A 30", "30 Z 30"));
        StateGraph noZ = StateGraph.fromDot(dot(STATES, "10 A 20", "20 A 30"));
        String at = "the edges leaving a state differ, at depth 2\n  shortest path: Init -> A -> A\n"
                + "    /\\ x = 2\n    /\\ y = {1, 2}\n";
        String z = " x Z ->\n    /\\ x = 2\n    /\\ y = {1, 2}";
        assertEquals(at + "  test.dot: 2 x, test.dot: 1" + z, StateGraph.difference(twoZ, oneZ).orElseThrow());
        assertEquals(at + "  test.dot: 0 x, test.dot: 1" + z, StateGraph.difference(noZ, oneZ).orElseThrow(),
                "an edge only the actual graph has");
    }

    @Test
    void reportsDifferentInitialStates() {
        String[][] two = {STATES[0], STATES[1]};
        String[][] other = {STATES[1], STATES[0]};
        StateGraph expected = StateGraph.fromDot(dot(two, "10 A 20"));
        StateGraph actual = StateGraph.fromDot(dot(other, "20 A 10"));
        assertEquals("the initial states differ:\ntest.dot:\n/\\ x = 0\n/\\ y = {}\ntest.dot:\n/\\ x = 1\n/\\ y = {1}",
                StateGraph.difference(expected, actual).orElseThrow());
    }

    /** A state only the actual graph has, shallower than one only the expected graph has, comes first. */
    @Test
    void reportsTheShallowerOfAMissingAndAnExtraState() {
        String[][] deep = {STATES[0], STATES[1], STATES[2], {"40", "/\\ x = 3 /\\ y = {}"}};
        String[][] shallow = {STATES[0], STATES[1], STATES[2], {"50", "/\\ x = 4 /\\ y = {}"}};
        StateGraph expected = StateGraph.fromDot(dot(deep, "10 A 20", "20 A 30", "30 A 40"));
        StateGraph actual = StateGraph.fromDot(dot(shallow, "10 A 20", "20 A 30", "10 B 50"));
        String d = StateGraph.difference(expected, actual).orElseThrow();
        assertTrue(d.startsWith("a state of test.dot is not in test.dot, at depth 1\n"
                + "  shortest path in test.dot: Init -> B\n    /\\ x = 4"), d);
        String reverse = StateGraph.difference(actual, expected).orElseThrow();
        assertTrue(reverse.startsWith("a state of test.dot is not in test.dot, at depth 1\n"
                + "  shortest path in test.dot: Init -> B\n"), reverse);
    }

    @Test
    void exploresTheModelLikeTlc() {
        // TLC 2.18 on these constants: 1182 distinct states, 29684 edges in the -dump dot file
        StateGraph g = StateGraph.explore(new MemAllocatorModel(List.of("t1", "t2"), 1, 2));
        assertEquals(1182, g.states().size());
        assertEquals(29684, g.edges().size());
        assertEquals(new MemAllocatorModel(List.of("t1", "t2"), 1, 2).init().render(), g.states().get(0));
        assertTrue(g.edges().stream().anyMatch(e -> e.action().equals(StateGraph.TERMINATING) && e.from() == e.to()));
    }
}
