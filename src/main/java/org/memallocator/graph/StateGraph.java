package org.memallocator.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.memallocator.model.MemAllocatorModel;
import org.memallocator.model.State;
import org.memallocator.model.TlaValue;
import org.memallocator.model.TlaValueParser;
import org.memallocator.model.Transition;

/**
 * A state graph over canonical state renderings ({@link State#render()}), built either from TLC's
 * dump ({@link #fromDot}) or by enumerating the executable model ({@link #explore}), so that the
 * two can be compared ({@link #difference}) and covered by test paths ({@link PathCover}).
 *
 * <p>Numbering is deterministic whatever order TLC's workers wrote the file in: state 0 is the
 * initial state, the others follow in breadth-first order, and each state's out-edges are sorted
 * by action name, then by target rendering. Edges are a multiset: duplicates (one action with
 * different parameters between the same two states) and self-loops are kept.
 */
public final class StateGraph {

    /** The stuttering step of the spec, which is not a {@link org.memallocator.SpecAction}. */
    public static final String TERMINATING = "Terminating";

    /**
     * An edge.
     *
     * @param index  its position in {@link #edges()}
     * @param from   the source state's number
     * @param action the action name, as in TLC's edge labels
     * @param to     the target state's number
     */
    public record Edge(int index, int from, String action, int to) {
    }

    private final String source;
    private final List<String> states;
    private final List<Edge> edges;
    private final List<List<Edge>> out;
    private final int[] depth;
    private final Edge[] parent;

    private StateGraph(String source, List<String> states, List<Edge> edges) {
        this.source = source;
        this.states = List.copyOf(states);
        this.edges = List.copyOf(edges);
        List<List<Edge>> outEdges = new ArrayList<>();
        for (int i = 0; i < states.size(); i++) {
            outEdges.add(new ArrayList<>());
        }
        for (Edge e : edges) {
            outEdges.get(e.from()).add(e);
        }
        this.out = outEdges.stream().map(List::copyOf).toList();
        this.depth = new int[states.size()];
        this.parent = new Edge[states.size()];
        breadthFirstTree();
    }

    // ------------------------------------------------------------ construction

    /**
     * TLC's graph, each label parsed and rendered canonically.
     *
     * @throws IllegalArgumentException if a label does not parse, two states have the same
     *                                  canonical rendering, there is not exactly one initial state,
     *                                  or a state is not reachable from it
     */
    public static StateGraph fromDot(DotGraph dot) {
        if (dot.initial().size() != 1) {
            throw new IllegalArgumentException(dot.file() + ": " + dot.initial().size()
                    + " initial states; this reader handles exactly one");
        }
        Map<Long, String> rendering = new HashMap<>();
        Map<String, Long> byRendering = new HashMap<>();
        dot.labels().forEach((fp, label) -> {
            String canonical;
            try {
                canonical = TlaValue.renderState(TlaValueParser.parseState(label));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(dot.file() + ": the label of state " + fp + ": "
                        + e.getMessage(), e);
            }
            Long other = byRendering.putIfAbsent(canonical, fp);
            if (other != null) {
                throw new IllegalArgumentException(dot.file() + ": states " + other + " and " + fp
                        + " have the same canonical rendering:\n" + canonical);
            }
            rendering.put(fp, canonical);
        });
        Map<String, List<Arc>> arcs = new HashMap<>();
        for (DotGraph.Edge e : dot.edges()) {
            arcs.computeIfAbsent(rendering.get(e.from()), k -> new ArrayList<>())
                    .add(new Arc(e.action(), rendering.get(e.to())));
        }
        return build(dot.file(), rendering.get(dot.initial().get(0)), rendering.values(), arcs);
    }

    /**
     * The reachable graph of the model: every {@link MemAllocatorModel#successors successor}, and a
     * {@value #TERMINATING} self-loop wherever {@link MemAllocatorModel#terminating} holds.
     */
    public static StateGraph explore(MemAllocatorModel model) {
        Map<String, State> states = reachableStates(model);
        Map<State, String> rendering = new HashMap<>();
        states.forEach((r, s) -> rendering.put(s, r));
        Map<String, List<Arc>> arcs = new HashMap<>();
        states.forEach((r, s) -> {
            List<Arc> from = new ArrayList<>();
            for (Transition t : model.successors(s)) {
                from.add(new Arc(t.action().name(), rendering.get(t.target())));
            }
            if (model.terminating(s)) {
                from.add(new Arc(TERMINATING, r));
            }
            arcs.put(r, from);
        });
        return build(model.toString(), model.init().render(), states.keySet(), arcs);
    }

    /** The model's reachable states by canonical rendering, in breadth-first order. */
    public static Map<String, State> reachableStates(MemAllocatorModel model) {
        Set<State> seen = new HashSet<>();
        Map<String, State> byRendering = new LinkedHashMap<>();
        ArrayDeque<State> queue = new ArrayDeque<>();
        queue.add(model.init());
        seen.add(model.init());
        while (!queue.isEmpty()) {
            State s = queue.remove();
            byRendering.put(s.render(), s);
            for (Transition t : model.successors(s)) {
                if (seen.add(t.target())) {
                    queue.add(t.target());
                }
            }
        }
        return Collections.unmodifiableMap(byRendering);
    }

    /** An edge before numbering: action and target rendering. */
    private record Arc(String action, String to) {
    }

    private static final Comparator<Arc> ARC_ORDER =
            Comparator.comparing(Arc::action).thenComparing(Arc::to);

    /** Numbers the states breadth-first from {@code initial}, out-edges in {@link #ARC_ORDER}. */
    private static StateGraph build(String source, String initial, Iterable<String> all,
                                    Map<String, List<Arc>> arcs) {
        Map<String, Integer> number = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        number.put(initial, 0);
        order.add(initial);
        for (int i = 0; i < order.size(); i++) {
            List<Arc> from = new ArrayList<>(arcs.getOrDefault(order.get(i), List.of()));
            from.sort(ARC_ORDER);
            for (Arc a : from) {
                Integer to = number.get(a.to());
                if (to == null) {
                    to = order.size();
                    number.put(a.to(), to);
                    order.add(a.to());
                }
                edges.add(new Edge(edges.size(), i, a.action(), to));
            }
        }
        for (String s : all) {
            if (!number.containsKey(s)) {
                throw new IllegalArgumentException(source + ": state not reachable from the initial state:\n" + s);
            }
        }
        return new StateGraph(source, order, edges);
    }

    private void breadthFirstTree() {
        java.util.Arrays.fill(depth, -1);
        depth[0] = 0;
        ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(0));
        while (!queue.isEmpty()) {
            int s = queue.remove();
            for (Edge e : out.get(s)) {
                if (depth[e.to()] < 0) {
                    depth[e.to()] = depth[s] + 1;
                    parent[e.to()] = e;
                    queue.add(e.to());
                }
            }
        }
    }

    /**
     * The same graph with one edge per (source, action, target): the transition relation as a
     * set. TLC's duplicates stand for parameterisations that lead to the same state, which the
     * spec cannot tell apart. State numbers are unchanged; edges are renumbered.
     */
    public StateGraph withoutDuplicates() {
        List<Edge> distinct = new ArrayList<>();
        for (int s = 0; s < states.size(); s++) {
            Edge previous = null;
            for (Edge e : out.get(s)) { // sorted by action and target: duplicates are adjacent
                if (previous == null || !previous.action().equals(e.action()) || previous.to() != e.to()) {
                    distinct.add(new Edge(distinct.size(), e.from(), e.action(), e.to()));
                }
                previous = e;
            }
        }
        return new StateGraph(source + " (without duplicate edges)", states, distinct);
    }

    // ------------------------------------------------------------ queries

    /** Where the graph came from: the dot file, or the model. */
    public String source() {
        return source;
    }

    /** The canonical renderings; index 0 is the initial state. */
    public List<String> states() {
        return states;
    }

    public List<Edge> edges() {
        return edges;
    }

    /** The edges leaving state {@code s}, in numbering order. */
    public List<Edge> out(int s) {
        return out.get(s);
    }

    /** The length of a shortest path from the initial state to {@code s}. */
    public int depth(int s) {
        return depth[s];
    }

    /** A shortest path from the initial state to {@code s} (the breadth-first tree's). */
    public List<Edge> pathTo(int s) {
        List<Edge> path = new ArrayList<>();
        for (int at = s; at != 0; at = parent[at].from()) {
            path.add(parent[at]);
        }
        Collections.reverse(path);
        return path;
    }

    /** {@code "Init -> SetProperties -> Commit"}: the actions of a path from the initial state. */
    public static String actions(List<Edge> path) {
        StringBuilder s = new StringBuilder("Init");
        for (Edge e : path) {
            s.append(" -> ").append(e.action());
        }
        return s.toString();
    }

    // ------------------------------------------------------------ comparison

    /**
     * The first difference between two graphs, or empty when they have the same states and the
     * same multiset of (source, action, target) edges. "First" is the difference nearest the
     * initial state: a missing or extra state at the least depth, or the edges of the shallowest
     * state whose out-edges differ. The message gives the state, a shortest action path to it in
     * the graph that has it, and the edges that differ.
     */
    public static Optional<String> difference(StateGraph expected, StateGraph actual) {
        if (!expected.states.get(0).equals(actual.states.get(0))) {
            return Optional.of("the initial states differ:\n" + expected.source + ":\n"
                    + expected.states.get(0) + "\n" + actual.source + ":\n" + actual.states.get(0));
        }
        Map<String, Integer> inExpected = numbering(expected);
        Map<String, Integer> inActual = numbering(actual);
        Candidate first = null;
        for (int s = 0; s < expected.states.size(); s++) {
            if (!inActual.containsKey(expected.states.get(s))) {
                first = earlier(first, new Candidate(expected.depth(s), missing(expected, s, actual)));
                break; // states are numbered breadth-first: the first missing one is the shallowest
            }
        }
        for (int s = 0; s < actual.states.size(); s++) {
            if (!inExpected.containsKey(actual.states.get(s))) {
                first = earlier(first, new Candidate(actual.depth(s), missing(actual, s, expected)));
                break;
            }
        }
        if (first != null) {
            return Optional.of(first.message());
        }
        for (int s = 0; s < expected.states.size(); s++) {
            Map<String, Integer> e = edgeCounts(expected, s);
            Map<String, Integer> a = edgeCounts(actual, inActual.get(expected.states.get(s)));
            if (!e.equals(a)) {
                return Optional.of(edgesDiffer(expected, s, e, actual, a));
            }
        }
        return Optional.empty();
    }

    private record Candidate(int depth, String message) {
    }

    private static Candidate earlier(Candidate a, Candidate b) {
        return a == null || b.depth() < a.depth() ? b : a;
    }

    private static Map<String, Integer> numbering(StateGraph g) {
        Map<String, Integer> number = new HashMap<>();
        for (int i = 0; i < g.states.size(); i++) {
            number.put(g.states.get(i), i);
        }
        return number;
    }

    private static String missing(StateGraph has, int s, StateGraph lacks) {
        List<Edge> path = has.pathTo(s);
        return "a state of " + has.source + " is not in " + lacks.source + ", at depth " + path.size()
                + "\n  shortest path in " + has.source + ": " + actions(path) + "\n" + indent(has.states.get(s))
                + (path.isEmpty() ? "" : "\n  reached from:\n" + indent(has.states.get(path.get(path.size() - 1).from())));
    }

    /** "action -> target" to count, for the out-edges of state {@code s}. */
    private static Map<String, Integer> edgeCounts(StateGraph g, int s) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Edge e : g.out(s)) {
            counts.merge(e.action() + " ->\n" + indent(g.states.get(e.to())), 1, Integer::sum);
        }
        return counts;
    }

    private static String edgesDiffer(StateGraph expected, int s, Map<String, Integer> e,
                                      StateGraph actual, Map<String, Integer> a) {
        StringBuilder msg = new StringBuilder("the edges leaving a state differ, at depth " + expected.depth(s)
                + "\n  shortest path: " + actions(expected.pathTo(s)) + "\n" + indent(expected.states.get(s)));
        Map<String, Integer> keys = new TreeMap<>(e);
        keys.putAll(a);
        for (String edge : keys.keySet()) {
            int inE = e.getOrDefault(edge, 0);
            int inA = a.getOrDefault(edge, 0);
            if (inE != inA) {
                msg.append("\n  ").append(expected.source).append(": ").append(inE).append(" x, ")
                        .append(actual.source).append(": ").append(inA).append(" x ").append(edge);
            }
        }
        return msg.toString();
    }

    private static String indent(String state) {
        return "    " + state.replace("\n", "\n    ");
    }

    @Override
    public String toString() {
        return source + ": " + states.size() + " states, " + edges.size() + " edges";
    }
}
