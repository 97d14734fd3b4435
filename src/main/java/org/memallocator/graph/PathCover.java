package org.memallocator.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.memallocator.model.MemAllocatorModel;
import org.memallocator.model.State;
import org.memallocator.model.Transition;

/**
 * Test paths through a state graph that together take every edge, and so reach every state.
 *
 * <p>The algorithm is Mocket's edge-coverage-first walk with restarts, made aware of
 * irreversible steps: while some edge is not covered, take the state nearest the initial state
 * that has an uncovered out-edge, reach it by a shortest path, then keep taking uncovered edges,
 * with short detours over covered ones, until none is left within reach (see {@code Walker}).
 * Each walk is one path. Edges are a multiset: each duplicate is covered by a step of its own,
 * which {@link #testPaths} gives a different parameterisation.
 */
public final class PathCover {

    private PathCover() {
    }

    /**
     * One step of a test path.
     *
     * @param edge       the graph edge it covers
     * @param transition the model transition with its parameters, or {@code null} for the
     *                   stuttering {@value StateGraph#TERMINATING}
     * @param from       the state before
     * @param to         the state after
     */
    public record Step(StateGraph.Edge edge, Transition transition, State from, State to) {

        /** {@code "SetProperties(t1, 2, \"valid\", TRUE)"}, or {@code "Terminating"}. */
        public String label() {
            return transition == null ? edge.action() : transition.label();
        }
    }

    /**
     * A path from the initial state.
     *
     * @param number its position in the cover, from 1
     * @param steps  its steps, each starting where the previous one ended
     */
    public record TestPath(int number, State initial, List<Step> steps) {
        public TestPath {
            steps = List.copyOf(steps);
        }
    }

    /** How much of a graph a set of paths covers. */
    public record Coverage(int statesCovered, int states, int edgesCovered, int edges) {

        public boolean complete() {
            return statesCovered == states && edgesCovered == edges;
        }

        @Override
        public String toString() {
            return String.format("states %d/%d (%.1f%%), transitions %d/%d (%.1f%%)", statesCovered, states,
                    100.0 * statesCovered / states, edgesCovered, edges, 100.0 * edgesCovered / Math.max(edges, 1));
        }
    }

    /** The default bound on detours: a path of about 1000 steps runs in well under a second. */
    public static final int DEFAULT_MAX_STEPS = 1000;

    /** The longest detour out of a component; beyond it a restart costs less than the search. */
    private static final int MAX_DETOUR = 8;

    /** {@link #cover(StateGraph, BitSet, BitSet, int) Paths covering every edge}, of the default length. */
    public static List<List<StateGraph.Edge>> cover(StateGraph g) {
        BitSet all = new BitSet();
        all.set(0, g.edges().size());
        List<List<StateGraph.Edge>> paths = cover(g, all, new BitSet(), DEFAULT_MAX_STEPS);
        return paths.isEmpty() ? List.of(List.of()) : paths; // no edges: the empty path visits state 0
    }

    /**
     * Paths from the initial state (state 0) that together take every {@code required} edge they
     * can reach without taking an {@code avoided} one; the result depends only on the arguments.
     * Required edges reachable only through avoided ones are left out: {@link #coverage} shows them.
     *
     * @param maxSteps once a path is this long it takes no more detours and ends at the next
     *                 state without uncovered out-edges
     */
    public static List<List<StateGraph.Edge>> cover(StateGraph g, BitSet required, BitSet avoided, int maxSteps) {
        return new Walker(g, required, avoided).cover(maxSteps);
    }

    /**
     * {@code paths} cut so that none is longer than {@code maxLength} edges, covering the same
     * edges: a path too long keeps its first {@code maxLength} edges; each further piece is a
     * shortest path from the initial state to where the previous piece stopped (its
     * {@link StateGraph#pathTo breadth-first tree path}), then the next stretch of the path, as
     * much of it as fits. A piece always takes at least one edge of the stretch, so a state deeper
     * than {@code maxLength - 1} would give a piece longer than the bound.
     */
    public static List<List<StateGraph.Edge>> cut(StateGraph g, List<List<StateGraph.Edge>> paths, int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength " + maxLength);
        }
        List<List<StateGraph.Edge>> pieces = new ArrayList<>();
        for (List<StateGraph.Edge> path : paths) {
            List<StateGraph.Edge> piece = new ArrayList<>();
            int done = 0;
            do {
                int end = done + Math.min(path.size() - done, Math.max(1, maxLength - piece.size()));
                piece.addAll(path.subList(done, end));
                pieces.add(piece);
                done = end;
                if (done < path.size()) {
                    piece = new ArrayList<>(g.pathTo(path.get(done).from()));
                }
            } while (done < path.size());
        }
        return pieces;
    }

    /**
     * The edge-coverage-first walk over the usable (not avoided) edges. Irreversible steps (Close,
     * or a first call that leaves the all-{@code "NONE"} results for ever) split the graph into
     * strongly connected components; a walk finishes the uncovered edges inside its current
     * component, reaching them by detours over covered edges if need be, before it takes an edge
     * that leaves the component, since it can never come back. A walk that runs out of uncovered
     * edges looks up to {@link #MAX_DETOUR} steps ahead for more, else the path ends and the next
     * one goes by a shortest path to the nearest state with uncovered out-edges.
     */
    private static final class Walker {
        private final StateGraph g;
        private final BitSet avoided;
        private final int[] component;
        private final boolean[] covered;
        private final int[] uncoveredOut;
        private final int[] uncoveredInsideOut;
        private final int[] uncoveredInside;
        private final List<Integer> order = new ArrayList<>();
        private final StateGraph.Edge[] parent;
        private final int[] visitedBy;
        private final int[] reachedBy;
        private final int[] queue;
        private final int[][] usableOut;
        private final int[][] insideOut;
        private int search;

        Walker(StateGraph g, BitSet required, BitSet avoided) {
            this.g = g;
            this.avoided = avoided;
            this.component = components(g, avoided);
            this.covered = new boolean[g.edges().size()];
            this.uncoveredOut = new int[g.states().size()];
            this.uncoveredInsideOut = new int[g.states().size()];
            this.uncoveredInside = new int[g.states().size()];
            this.parent = new StateGraph.Edge[g.states().size()];
            this.visitedBy = new int[g.states().size()];
            this.reachedBy = new int[g.states().size()];
            this.queue = new int[g.states().size()];
            this.usableOut = new int[g.states().size()][];
            this.insideOut = new int[g.states().size()][];
            for (int s = 0; s < g.states().size(); s++) {
                usableOut[s] = g.out(s).stream().filter(e -> !avoided.get(e.index()))
                        .mapToInt(StateGraph.Edge::index).toArray();
                insideOut[s] = g.out(s).stream().filter(this::inside).mapToInt(StateGraph.Edge::index).toArray();
            }
            for (StateGraph.Edge e : g.edges()) {
                if (!required.get(e.index()) || avoided.get(e.index())) {
                    covered[e.index()] = true; // nothing to do for it
                    continue;
                }
                uncoveredOut[e.from()]++;
                if (inside(e)) {
                    uncoveredInsideOut[e.from()]++;
                    uncoveredInside[component[e.from()]]++;
                }
            }
            breadthFirst();
        }

        /** The states reachable over usable edges, nearest first, and a shortest path to each. */
        private void breadthFirst() {
            boolean[] seen = new boolean[g.states().size()];
            seen[0] = true;
            order.add(0);
            for (int i = 0; i < order.size(); i++) {
                for (StateGraph.Edge e : g.out(order.get(i))) {
                    if (!avoided.get(e.index()) && !seen[e.to()]) {
                        seen[e.to()] = true;
                        parent[e.to()] = e;
                        order.add(e.to());
                    }
                }
            }
        }

        private List<StateGraph.Edge> pathTo(int s) {
            List<StateGraph.Edge> path = new ArrayList<>();
            for (int at = s; at != 0; at = parent[at].from()) {
                path.add(parent[at]);
            }
            Collections.reverse(path);
            return path;
        }

        List<List<StateGraph.Edge>> cover(int maxSteps) {
            List<List<StateGraph.Edge>> paths = new ArrayList<>();
            // A state's count of uncovered out-edges only falls, so one pass in order finds each
            // next start nearest the initial state.
            for (int start : order) {
                while (uncoveredOut[start] > 0) {
                    List<StateGraph.Edge> path = new ArrayList<>();
                    int at = take(path, pathTo(start), 0);
                    for (List<StateGraph.Edge> leg = next(at, path.size() < maxSteps); leg != null;
                         leg = next(at, path.size() < maxSteps)) {
                        at = take(path, leg, at);
                    }
                    paths.add(path);
                }
            }
            return paths;
        }

        /** Appends {@code leg} to {@code path}, covering its edges; returns where it ends. */
        private int take(List<StateGraph.Edge> path, List<StateGraph.Edge> leg, int at) {
            for (StateGraph.Edge e : leg) {
                if (!covered[e.index()]) {
                    covered[e.index()] = true;
                    uncoveredOut[e.from()]--;
                    if (inside(e)) {
                        uncoveredInsideOut[e.from()]--;
                        uncoveredInside[component[e.from()]]--;
                    }
                }
                path.add(e);
                at = e.to();
            }
            return at;
        }

        /**
         * What to take next from {@code s}: an uncovered edge inside the component (a self-loop
         * first, then one to a state with uncovered out-edges); else, while the component has
         * uncovered edges, a detour to them; else an uncovered edge leaving the component; else a
         * short detour to any uncovered edge. Detours only if {@code detours}; null to stop.
         */
        private List<StateGraph.Edge> next(int s, boolean detours) {
            StateGraph.Edge inside = null;
            StateGraph.Edge leaving = null;
            for (StateGraph.Edge e : g.out(s)) {
                if (covered[e.index()]) {
                    continue;
                }
                if (e.to() == s) {
                    return List.of(e);
                }
                if (inside(e)) {
                    if (inside == null || uncoveredOut[inside.to()] == 0 && uncoveredOut[e.to()] > 0) {
                        inside = e;
                    }
                } else if (leaving == null || uncoveredOut[leaving.to()] == 0 && uncoveredOut[e.to()] > 0) {
                    leaving = e;
                }
            }
            if (inside != null) {
                return List.of(inside);
            }
            if (uncoveredInside[component[s]] > 0 && detours) {
                List<StateGraph.Edge> detour = detour(s, true, MAX_DETOUR);
                if (detour != null) {
                    return detour;
                }
            }
            if (leaving != null) {
                return List.of(leaving);
            }
            return detours ? detour(s, false, MAX_DETOUR) : null;
        }

        /**
         * A shortest path over usable edges from {@code s} to a state with uncovered out-edges
         * (with uncovered edges inside its component, if {@code withinComponent}, which also keeps
         * the search inside {@code s}'s component), of at most {@code radius} steps; or null.
         */
        private List<StateGraph.Edge> detour(int s, boolean withinComponent, int radius) {
            search++; // marks this search's visits in visitedBy without clearing the array
            int head = 0;
            int tail = 0;
            queue[tail++] = s;
            visitedBy[s] = search;
            for (int depth = 0; depth < radius && head < tail; depth++) {
                for (int levelEnd = tail; head < levelEnd; head++) {
                    int from = queue[head];
                    int[] edges = withinComponent ? insideOut[from] : usableOut[from];
                    for (int i : edges) {
                        int t = g.edges().get(i).to();
                        if (visitedBy[t] == search) {
                            continue;
                        }
                        visitedBy[t] = search;
                        reachedBy[t] = i;
                        if (withinComponent ? uncoveredInsideOut[t] > 0 : uncoveredOut[t] > 0) {
                            List<StateGraph.Edge> path = new ArrayList<>();
                            for (int at = t; at != s; at = g.edges().get(reachedBy[at]).from()) {
                                path.add(g.edges().get(reachedBy[at]));
                            }
                            Collections.reverse(path);
                            return path;
                        }
                        queue[tail++] = t;
                    }
                }
            }
            return null;
        }

        /** Whether {@code e} stays in its component (an avoided edge never does). */
        private boolean inside(StateGraph.Edge e) {
            return !avoided.get(e.index()) && component[e.from()] == component[e.to()];
        }
    }

    /**
     * The strongly connected components of {@code g}: {@code component[s]} is a number shared by
     * exactly the states that can reach each other without {@code avoided} edges (Kosaraju's
     * algorithm, iterative).
     */
    static int[] components(StateGraph g, BitSet avoided) {
        int n = g.states().size();
        List<List<Integer>> reverse = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            reverse.add(new ArrayList<>());
        }
        for (StateGraph.Edge e : g.edges()) {
            if (!avoided.get(e.index())) {
                reverse.get(e.to()).add(e.from());
            }
        }
        // 1. the states in order of finishing a depth-first search
        List<Integer> finished = new ArrayList<>();
        boolean[] visited = new boolean[n];
        int[] nextOut = new int[n];
        ArrayDeque<Integer> stack = new ArrayDeque<>();
        for (int root = 0; root < n; root++) {
            if (visited[root]) {
                continue;
            }
            visited[root] = true;
            stack.push(root);
            while (!stack.isEmpty()) {
                int s = stack.peek();
                List<StateGraph.Edge> out = g.out(s);
                if (nextOut[s] < out.size()) {
                    StateGraph.Edge e = out.get(nextOut[s]++);
                    int t = e.to();
                    if (!avoided.get(e.index()) && !visited[t]) {
                        visited[t] = true;
                        stack.push(t);
                    }
                } else {
                    finished.add(stack.pop());
                }
            }
        }
        // 2. in reverse finishing order, each search of the reversed graph is one component
        int[] component = new int[n];
        java.util.Arrays.fill(component, -1);
        int count = 0;
        for (int i = n - 1; i >= 0; i--) {
            int root = finished.get(i);
            if (component[root] >= 0) {
                continue;
            }
            component[root] = count;
            stack.push(root);
            while (!stack.isEmpty()) {
                for (int t : reverse.get(stack.pop())) {
                    if (component[t] < 0) {
                        component[t] = count;
                        stack.push(t);
                    }
                }
            }
            count++;
        }
        return component;
    }

    /** The states and edges {@code paths} visit, out of all of {@code g}'s. */
    public static Coverage coverage(StateGraph g, List<List<StateGraph.Edge>> paths) {
        boolean[] state = new boolean[g.states().size()];
        boolean[] edge = new boolean[g.edges().size()];
        state[0] = !paths.isEmpty();
        for (List<StateGraph.Edge> path : paths) {
            for (StateGraph.Edge e : path) {
                edge[e.index()] = true;
                state[e.to()] = true;
            }
        }
        return new Coverage(count(state), state.length, count(edge), edge.length);
    }

    private static int count(boolean[] flags) {
        int n = 0;
        for (boolean f : flags) {
            n += f ? 1 : 0;
        }
        return n;
    }

    // ------------------------------------------------------------ parameters

    /**
     * Each edge of {@code g} as the model transition it stands for ({@code null} for
     * {@value StateGraph#TERMINATING}), indexed by edge index. TLC's labels carry no parameters;
     * they are recovered from the model: the model transitions from the edge's source state with
     * the edge's action and target. The k-th duplicate of an edge gets the k-th such transition, so
     * the duplicates stand for all of them.
     *
     * @throws IllegalStateException if the graph and the model disagree about a state's out-edges
     *                               (StateGraphComparisonTest shows they do not)
     */
    public static Transition[] resolve(StateGraph g, MemAllocatorModel model) {
        Map<String, State> states = StateGraph.reachableStates(model);
        Map<State, String> rendering = new HashMap<>();
        states.forEach((r, s) -> rendering.put(s, r));
        if (!g.states().get(0).equals(model.init().render())) {
            throw new IllegalStateException("the initial states differ:\n" + g.states().get(0) + "\n" + model.init());
        }
        Transition[] byEdge = new Transition[g.edges().size()];
        for (int s = 0; s < g.states().size(); s++) {
            State state = states.get(g.states().get(s));
            if (state == null) {
                throw new IllegalStateException("not a reachable state of " + model + ":\n" + g.states().get(s));
            }
            Map<String, ArrayDeque<Transition>> options = new HashMap<>();
            Set<String> used = new HashSet<>();
            for (Transition t : model.successors(state)) {
                options.computeIfAbsent(t.action().name() + "\n" + rendering.get(t.target()),
                        k -> new ArrayDeque<>()).add(t);
            }
            for (StateGraph.Edge e : g.out(s)) {
                if (e.action().equals(StateGraph.TERMINATING) && e.to() == s && model.terminating(state)) {
                    continue;
                }
                ArrayDeque<Transition> matching = options.get(e.action() + "\n" + g.states().get(e.to()));
                if (matching == null || matching.isEmpty()) {
                    throw new IllegalStateException("the model has no (further) " + e.action() + " step from\n"
                            + g.states().get(s) + "\nto\n" + g.states().get(e.to()));
                }
                byEdge[e.index()] = matching.remove();
                used.add(e.action() + "\n" + g.states().get(e.to()));
            }
            for (ArrayDeque<Transition> left : options.values()) {
                if (!left.isEmpty() && !used.contains(left.peek().action().name() + "\n" + rendering.get(left.peek().target()))) {
                    throw new IllegalStateException("the graph lacks the model's step " + left.peek().label()
                            + " from\n" + g.states().get(s));
                }
            }
        }
        return byEdge;
    }

    /** {@link #cover(StateGraph) Paths covering every edge}, each step resolved ({@link #resolve}). */
    public static List<TestPath> testPaths(StateGraph g, MemAllocatorModel model) {
        return testPaths(cover(g), resolve(g, model), model.init(), 1);
    }

    /**
     * Paths of edges as test paths, numbered from {@code firstNumber}.
     *
     * @param byEdge each edge's transition, from {@link #resolve}
     */
    public static List<TestPath> testPaths(List<List<StateGraph.Edge>> paths, Transition[] byEdge, State initial,
                                           int firstNumber) {
        List<TestPath> testPaths = new ArrayList<>();
        for (List<StateGraph.Edge> path : paths) {
            List<Step> steps = new ArrayList<>();
            State at = initial;
            for (StateGraph.Edge e : path) {
                Transition t = byEdge[e.index()];
                State to = t == null ? at : t.target();
                steps.add(new Step(e, t, at, to));
                at = to;
            }
            testPaths.add(new TestPath(firstNumber + testPaths.size(), initial, steps));
        }
        return testPaths;
    }
}
