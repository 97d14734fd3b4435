package org.memallocator.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import org.memallocator.AllocatorProperties;
import org.memallocator.MemAllocator;
import org.memallocator.SpecAction;
import org.memallocator.graph.DotGraph;
import org.memallocator.graph.PathCover;
import org.memallocator.graph.StateGraph;
import org.memallocator.model.MemAllocatorModel;
import org.memallocator.model.Pc;
import org.memallocator.model.State;
import org.memallocator.model.Transition;
import org.memallocator.tlc.TlcConfig;
import org.memallocator.tlc.TlcLauncher;
import org.memallocator.tlc.TlcResult;

/**
 * Generates the language-neutral conformance vectors from a state graph of the spec (TLC's, of
 * {@code spec/MemAllocatorGen.cfg}, or the model's own), plus the hand-written sample-surface
 * cases ({@link SurfaceVectors}). The format is {@code docs/vectors.schema.json}.
 *
 * <p><b>What a vector can ask.</b> A plain vector is run by a driver that makes one call at a
 * time and waits, after each step, until every call that can return has returned. It cannot keep
 * a woken thread from running, so the spec's <em>transient</em> states, where a blocked GetBuffer
 * could already return (a buffer came back, or the allocator was decommitted) but has not, cannot
 * be made to last. Plain vectors therefore walk the graph's <em>quiescent</em> states (no blocked
 * GetBuffer can return) and its <em>macro steps</em>: one call or sample step, followed by the
 * wake-ups it forces (WakeWithSample of one waiter after a final Release, WakeNotCommitted of
 * every waiter after a Decommit or Close). Which waiter wakes, and which free buffer GetBuffer
 * hands out, the spec leaves open: a vector names the spec's choice and the other acceptable ones,
 * and the runner renames waiters and samples to follow the implementation (both are symmetries of
 * the spec state at that point).
 *
 * <p><b>Coverage.</b> {@link PathCover} covers every core macro step (and so every quiescent state
 * they reach) of the graph: the {@code core-NNNN} vectors. The other steps need something not
 * every port has, and come in vectors of their own, marked with {@code requires}: {@code "timeout"},
 * the Java timed GetBuffer that blocks and times out ({@code GetBufferBlocks} then
 * {@code WaitTimedOut}; {@code timed-NNNN}: a shortest path to the step, then the step);
 * {@code "interrupt"}, a blocked GetBuffer interrupted ({@code WaitInterrupted}), which leads to
 * states of its own ({@code interrupt-NNNN}: the paths of {@link PathCover}'s cover of the macro
 * graph with interrupts that take one); and {@code "hold"}, a driver that holds every call that
 * blocks until a step lets it go ({@code Let}), so that transient states last: the
 * {@code hold-NNNN} vectors are paths of single TLC steps that take every transition the others
 * do not (those out of transient states: another thread barging in for the released buffer, a
 * Commit before the woken waiter runs, ...). A held waiter that could already return is
 * interrupted early ({@code InterruptHeld}, right after it blocks), on a path on which no other
 * waiter returns meanwhile. The index reports how many of the graph's states and transitions the
 * vectors take: with {@code MemAllocatorGen.cfg}, all of them.
 */
public final class VectorGenerator {

    /** The {@code "format"} of every file. */
    public static final String FORMAT = "memallocator-vectors/1";

    /** The length after which a hold path takes no more detours (see {@link PathCover#cover}). */
    static final int HOLD_PATH_STEPS = 40;

    /**
     * The length after which a core or interrupt path takes no more detours: short vectors, so
     * that a failing one shows its first failure within about this many steps.
     */
    static final int MACRO_PATH_STEPS = 40;

    /** The timeout of the timed GetBuffer calls that must time out. */
    public static final int TIMED_WAIT_MS = 5;

    /**
     * The timeout of a timed GetBuffer that a later step wakes: far beyond any runner's patience, so
     * that it can only return by that wake-up.
     */
    public static final int WOKEN_WAIT_MS = 600_000;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** What {@link #graphVectors} makes: the files by name, in order, and the index. */
    public record VectorSet(ObjectNode index, Map<String, ObjectNode> files) {

        /** Writes {@code index.json} and every vector file into {@code dir} (created if need be). */
        public void write(Path dir) throws IOException {
            Files.createDirectories(dir);
            for (Map.Entry<String, ObjectNode> f : files.entrySet()) {
                Files.writeString(dir.resolve(f.getKey()), VectorJson.write(f.getValue()));
            }
            Files.writeString(dir.resolve("index.json"), VectorJson.write(index));
        }

        /** The number of vector files. */
        public int size() {
            return files.size();
        }
    }

    private VectorGenerator() {
    }

    /** TLC did not check the generation model cleanly, so there is no graph to generate from. */
    public static final class TlcFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient TlcResult result;

        TlcFailure(Path config, TlcResult result) {
            super("TLC on " + config + ": " + result.summary());
            this.result = result;
        }

        /** TLC's result: its outcome and error trace. */
        public TlcResult result() {
            return result;
        }
    }

    /**
     * Runs TLC on {@code spec} with {@code config} (dumping its state graph into {@code workDir}),
     * and generates the vectors from that graph and the model of the config's constants.
     *
     * @throws TlcFailure if TLC fails
     */
    public static VectorSet fromTlc(Path spec, Path config, Path workDir, int workers, Duration timeout)
            throws IOException {
        Files.createDirectories(workDir);
        Path dot = workDir.resolve(config.getFileName().toString().replaceFirst("\\.cfg$", "") + ".dot");
        TlcResult tlc = new TlcLauncher(workDir.resolve("tlc"), timeout)
                .check(spec, config, workers, "-dump", "dot,actionlabels", dot.toAbsolutePath().toString());
        if (!tlc.succeeded()) {
            throw new TlcFailure(config, tlc);
        }
        StateGraph graph = StateGraph.fromDot(DotGraph.read(dot)).withoutDuplicates();
        MemAllocatorModel model = MemAllocatorModel.fromConstants(TlcConfig.read(config).constants());
        return graphVectors(graph, model, spec.getFileName().toString(), config.getFileName().toString());
    }

    /**
     * The vectors of a state graph: {@code graph} must be the model's graph ({@link PathCover#resolve}
     * checks), without duplicate edges.
     */
    public static VectorSet graphVectors(StateGraph graph, MemAllocatorModel model, String specName,
                                         String configName) {
        return new Builder(graph, model).build(specName, configName);
    }

    // ------------------------------------------------------------ macro steps

    /** The kinds of macro steps; a HOLD step is one TLC edge, run with every blocked call held. */
    /**
     * CORE, TIMED, INTERRUPT: macro steps; HOLD: single TLC edges with every blocked call held;
     * TIMED_BLOCKS: a GetBufferBlocks written as a timed GetBuffer that a later step wakes well
     * before its deadline; RECHECK: no spec step, every waiter re-checks and waits again.
     */
    enum Kind { CORE, TIMED, INTERRUPT, HOLD, TIMED_BLOCKS, RECHECK }

    /** One TLC edge of a macro step. */
    record Hop(int edge, Transition transition, State from, State to) {
    }

    /** A macro step between quiescent states: its hops, the first being the driver's step. */
    record Macro(Kind kind, int from, int to, List<Hop> hops) {
        String label() {
            StringBuilder s = new StringBuilder(kind == Kind.CORE ? "" : kind.name().toLowerCase() + ":");
            for (Hop h : hops) {
                s.append(h == hops.get(0) ? "" : "+").append(h.transition().action());
            }
            return s.toString();
        }
    }

    private static final class Builder {
        private final StateGraph g;
        private final MemAllocatorModel model;
        private final Transition[] byEdge;
        private final State[] states;
        private final Map<State, Integer> index = new HashMap<>();
        private final List<Map<String, Integer>> edgeOf = new ArrayList<>();
        private final List<List<Macro>> out = new ArrayList<>();

        Builder(StateGraph g, MemAllocatorModel model) {
            this.g = g;
            this.model = model;
            this.byEdge = PathCover.resolve(g, model);
            Map<String, State> reachable = StateGraph.reachableStates(model);
            this.states = new State[g.states().size()];
            for (int i = 0; i < states.length; i++) {
                states[i] = reachable.get(g.states().get(i));
                index.put(states[i], i);
                Map<String, Integer> edges = new HashMap<>();
                for (StateGraph.Edge e : g.out(i)) {
                    edges.put(e.action() + "->" + e.to(), e.index());
                }
                edgeOf.add(edges);
                out.add(new ArrayList<>());
            }
        }

        VectorSet build(String specName, String configName) {
            for (int s = 0; s < states.length; s++) {
                if (quiescent(states[s])) {
                    macros(s);
                }
            }
            // the core macro graph, as a dot graph PathCover can cover
            boolean[] core = reachable(EnumSet.of(Kind.CORE));
            Map<String, ArrayDeque<Macro>> byKey = new HashMap<>();
            StateGraph macroGraph = macroGraph(core, EnumSet.of(Kind.CORE), byKey);
            List<List<Macro>> corePaths = cover(macroGraph, byKey);
            // interrupts lead to states of their own: cover the graph with them, keep the paths that use one
            boolean[] withInterrupts = reachable(EnumSet.of(Kind.CORE, Kind.INTERRUPT));
            Map<String, ArrayDeque<Macro>> byKeyI = new HashMap<>();
            StateGraph interruptGraph = macroGraph(withInterrupts, EnumSet.of(Kind.CORE, Kind.INTERRUPT), byKeyI);
            List<List<Macro>> interruptPaths = new ArrayList<>();
            for (List<Macro> path : cover(interruptGraph, byKeyI)) {
                if (path.stream().anyMatch(m -> m.kind() == Kind.INTERRUPT)) {
                    interruptPaths.add(path);
                }
            }
            // timed GetBuffer calls that time out: a shortest path to each (of core steps where there
            // is one), then the call
            List<List<Macro>> timedPaths = new ArrayList<>();
            for (int s = 0; s < states.length; s++) {
                for (Macro m : withInterrupts[s] ? out.get(s) : List.<Macro>of()) {
                    if (m.kind() == Kind.TIMED) {
                        List<Macro> path = core[s] ? shortestPath(macroGraph, byKey, s)
                                : shortestPath(interruptGraph, byKeyI, s);
                        path.add(m);
                        timedPaths.add(path);
                    }
                }
            }
            // a timed GetBuffer that times out while another thread waits with a deadline: that
            // state is reached by a timed wait a later step would wake (TIMED_BLOCKS), so a shortest
            // core path, that wait, then the call; one path per timeout no path above takes
            BitSet timesOut = new BitSet();
            timedPaths.forEach(path -> timesOut.set(path.get(path.size() - 1).hops().get(1).edge()));
            for (int s = 0; s < states.length; s++) {
                for (Macro first : core[s] ? out.get(s) : List.<Macro>of()) {
                    if (first.kind() != Kind.TIMED) {
                        continue;
                    }
                    Hop block = first.hops().get(0);
                    Macro blocks = new Macro(Kind.TIMED_BLOCKS, s, index.get(block.to()), List.of(block));
                    for (Macro second : out.get(blocks.to())) {
                        int timeout = second.hops().size() == 2 ? second.hops().get(1).edge() : -1;
                        if (second.kind() == Kind.TIMED && !timesOut.get(timeout)) {
                            List<Macro> path = shortestPath(macroGraph, byKey, s);
                            path.add(blocks);
                            path.add(second);
                            timedPaths.add(path);
                            timesOut.set(timeout);
                        }
                    }
                }
            }
            int macroSteps = macroGraph.edges().size();
            Map<String, ObjectNode> files = new LinkedHashMap<>();
            ArrayNode list = NODES.arrayNode();
            boolean[] statesCovered = new boolean[states.length];
            boolean[] edgesCovered = new boolean[g.edges().size()];
            statesCovered[0] = true;
            addAll(files, list, "core", corePaths, statesCovered, edgesCovered);
            addAll(files, list, "wakeall", everyThreadBlocked(core, macroGraph, byKey), statesCovered, edgesCovered);
            addAll(files, list, "timed", timedPaths, statesCovered, edgesCovered);
            addAll(files, list, "interrupt", interruptPaths, statesCovered, edgesCovered);
            addAll(files, list, "hold", holdPaths(edgesCovered), statesCovered, edgesCovered);
            addAll(files, list, "recheck", recheckPaths(core, macroGraph, byKey), statesCovered, edgesCovered);
            addAll(files, list, "timedwake", timedWakePaths(core, macroGraph, byKey), statesCovered, edgesCovered);
            for (ObjectNode v : SurfaceVectors.all()) {
                String name = v.get("name").asText();
                files.put(name + ".json", v);
                list.add(VectorJson.obj("file", name + ".json", "steps", v.get("steps").size(),
                        "requires", v.get("requires")));
            }
            ObjectNode index = VectorJson.obj("format", FORMAT,
                    "generatedFrom", VectorJson.obj("spec", specName, "config", configName,
                            "threads", model.threads(), "maxBuffers", model.maxBuffers(), "maxRefs", model.maxRefs()),
                    "graph", VectorJson.obj("states", states.length, "transitions", g.edges().size(),
                            "quiescentStates", count(quiescentStates()), "quiescentStatesReachable", count(core),
                            "macroSteps", macroSteps,
                            "quiescentStatesReachableWithInterrupts", count(withInterrupts),
                            "quiescentStatesWithATimedWaiter", count(timedWaiterStates()),
                            "macroStepsWithInterrupts", interruptGraph.edges().size()),
                    "coverage", coverage(statesCovered, edgesCovered, withInterrupts),
                    "profiles", profiles(list),
                    "vectors", list);
            return new VectorSet(index, files);
        }

        /**
         * How many vectors each runner profile can run: a plain sequential runner (no feature), plus
         * timing ({@code timeout}), plus holding ({@code hold}), plus interrupts (all).
         */
        private static ObjectNode profiles(ArrayNode list) {
            int[] n = new int[4];
            List<Set<String>> profiles = List.of(Set.of(), Set.of("timeout"), Set.of("timeout", "hold"),
                    Set.of("timeout", "hold", "interrupt"));
            for (JsonNode v : list) {
                Set<String> requires = new HashSet<>();
                v.get("requires").forEach(r -> requires.add(r.asText()));
                for (int i = 0; i < n.length; i++) {
                    n[i] += profiles.get(i).containsAll(requires) ? 1 : 0;
                }
            }
            return VectorJson.obj("sequential", n[0], "timing", n[1], "timingHolding", n[2],
                    "timingHoldingInterrupts", n[3]);
        }

        /**
         * The vectors that need {@code Recheck}: a woken waiter that must find nothing and wait
         * again. From the shortest core path to a state with one waiter {@code w}, another thread
         * idle and nothing free, two continuations of single TLC edges, every blocked call held:
         * the final Release of a sample, which wakes w, then another thread barging in and taking
         * the buffer (GetBufferOk) before w runs; and another thread's Decommit, which wakes w,
         * then its Commit, which cancels the pending decommit (samples are out) before w runs.
         * Then w re-checks and must wait again; an allocator whose wait is guarded by {@code if},
         * not {@code while}, returns instead. One vector per continuation and number of buffers.
         */
        private List<List<Macro>> recheckPaths(boolean[] core, StateGraph macroGraph,
                                               Map<String, ArrayDeque<Macro>> byKey) {
            Map<String, List<Macro>> best = new TreeMap<>();
            for (int s = 0; s < states.length; s++) {
                State st = states[s];
                if (!core[s] || !st.committed() || !st.freeList().isEmpty() || st.waiters().size() != 1
                        || model.threads().size() < 2) {
                    continue;
                }
                String w = st.waiters().first();
                for (StateGraph.Edge e : g.out(s)) {
                    Transition tr = byEdge[e.index()];
                    StateGraph.Edge second = null;
                    String kind = null;
                    if (tr == null) {
                        continue;
                    } else if (tr.action() == SpecAction.Release && states[e.to()].freeList().contains(tr.buffer())) {
                        second = edge(e.to(), SpecAction.GetBufferOk, null, tr.buffer());
                        kind = "barging";
                    } else if (tr.action() == SpecAction.Decommit && !tr.thread().equals(w)) {
                        second = edge(e.to(), SpecAction.Commit, tr.thread(), 0);
                        kind = "decommit-commit";
                    }
                    if (second == null || !states[second.to()].waiters().contains(w)
                            || !states[second.to()].freeList().isEmpty() || !states[second.to()].committed()) {
                        continue;
                    }
                    String key = kind + "/" + st.buffers().size();
                    List<Macro> path = shortestPath(macroGraph, byKey, s);
                    if (best.containsKey(key) && best.get(key).size() <= path.size() + 3) {
                        continue;
                    }
                    path.addAll(holdSteps(List.of(e, second)));
                    path.add(new Macro(Kind.RECHECK, second.to(), second.to(), List.of()));
                    best.put(key, path);
                }
            }
            return new ArrayList<>(best.values());
        }

        /**
         * Timed GetBuffer calls that are woken before their deadline: the shortest core path to a
         * GetBufferBlocks whose next core step wakes that thread, once with a sample (a final
         * Release) and once with VFW_E_NOT_COMMITTED (a Decommit); the blocking call is timed, with
         * a deadline no run reaches ({@link #WOKEN_WAIT_MS}).
         */
        private List<List<Macro>> timedWakePaths(boolean[] core, StateGraph macroGraph,
                                                 Map<String, ArrayDeque<Macro>> byKey) {
            Map<SpecAction, List<Macro>> best = new EnumMap<>(SpecAction.class);
            for (int s = 0; s < states.length; s++) {
                if (!core[s]) {
                    continue;
                }
                for (Macro timed : out.get(s)) {
                    Transition tr = timed.hops().get(0).transition();
                    if (timed.kind() != Kind.TIMED) {
                        continue;
                    }
                    Hop block = timed.hops().get(0);
                    Macro blocks = new Macro(Kind.TIMED_BLOCKS, s, index.get(block.to()), List.of(block));
                    for (Macro next : out.get(blocks.to())) {
                        if (next.kind() != Kind.CORE || next.hops().size() != 2) {
                            continue;
                        }
                        Transition wake = next.hops().get(1).transition();
                        if (!tr.thread().equals(wake.thread())) {
                            continue;
                        }
                        List<Macro> path = shortestPath(macroGraph, byKey, s);
                        List<Macro> known = best.get(wake.action());
                        if (known != null && known.size() <= path.size() + 2) {
                            continue;
                        }
                        path.add(blocks);
                        path.add(next);
                        best.put(wake.action(), path);
                    }
                }
            }
            return new ArrayList<>(best.values());
        }

        /** The edge out of {@code s} of {@code action} by {@code thread} (any if null) on {@code buffer} (any if 0). */
        private StateGraph.Edge edge(int s, SpecAction action, String thread, int buffer) {
            for (StateGraph.Edge e : g.out(s)) {
                Transition tr = byEdge[e.index()];
                if (tr != null && tr.action() == action && (thread == null || thread.equals(tr.thread()))
                        && (buffer == 0 || tr.buffer() == buffer)) {
                    return e;
                }
            }
            return null;
        }

        private void addAll(Map<String, ObjectNode> files, ArrayNode list, String prefix, List<List<Macro>> paths,
                            boolean[] statesCovered, boolean[] edgesCovered) {
            for (int i = 0; i < paths.size(); i++) {
                String name = String.format("%s-%04d", prefix, i + 1);
                for (Macro m : paths.get(i)) {
                    for (Hop h : m.hops()) {
                        edgesCovered[h.edge()] = true;
                        statesCovered[index.get(h.to())] = true;
                    }
                }
                ObjectNode v = new VectorWriter(model, name, paths.get(i), i).vector();
                files.put(name + ".json", v);
                list.add(VectorJson.obj("file", name + ".json", "steps", v.get("steps").size(),
                        "requires", v.get("requires")));
            }
        }

        /**
         * A shortest path of core macro steps to a state in which every thread is blocked, if there
         * is one: its clean-up, the driver's Decommit, must wake them all. With every spec thread
         * blocked no spec thread can decommit, so no other vector has a Decommit with more than one
         * waiter, and an allocator that wakes only one would pass them all.
         */
        private List<List<Macro>> everyThreadBlocked(boolean[] core, StateGraph macroGraph,
                                                     Map<String, ArrayDeque<Macro>> byKey) {
            List<Macro> best = null;
            for (int s = 0; s < states.length; s++) {
                if (core[s] && states[s].waiters().size() == model.threads().size() && model.threads().size() > 1) {
                    List<Macro> path = shortestPath(macroGraph, byKey, s);
                    if (best == null || path.size() < best.size()) {
                        best = path;
                    }
                }
            }
            return best == null ? List.of() : List.of(best);
        }

        /**
         * The hold vectors: paths of single TLC edges, run with every blocked call held, that take
         * every edge not yet {@code covered} (those out of transient states). {@link PathCover}
         * covers all but the interrupts; each interrupt of a waiter that could already return gets
         * a path of its own, in which that waiter is interrupted early ({@code InterruptHeld}).
         */
        private List<List<Macro>> holdPaths(boolean[] covered) {
            BitSet required = new BitSet();
            BitSet avoided = new BitSet();
            List<StateGraph.Edge> interrupts = new ArrayList<>();
            for (StateGraph.Edge e : g.edges()) {
                Transition tr = byEdge[e.index()];
                SpecAction a = tr == null ? null : tr.action();
                if (a == SpecAction.WaitTimedOut || a == SpecAction.WaitInterrupted && !plainInterrupt(states[e.from()])) {
                    avoided.set(e.index());
                }
                if (tr != null && !covered[e.index()]) {
                    if (a == SpecAction.WaitInterrupted && avoided.get(e.index())) {
                        interrupts.add(e);
                    } else if (!avoided.get(e.index())) {
                        required.set(e.index());
                    }
                }
            }
            List<List<Macro>> paths = new ArrayList<>();
            for (List<StateGraph.Edge> path : PathCover.cover(g, required, avoided, HOLD_PATH_STEPS)) {
                if (path.stream().anyMatch(e -> required.get(e.index()))) {
                    paths.add(holdSteps(path));
                }
            }
            for (StateGraph.Edge e : interrupts) {
                List<StateGraph.Edge> path = pathWithoutWakeUps(e.from(), byEdge[e.index()].thread());
                path.add(e);
                paths.add(holdSteps(path));
            }
            return paths;
        }

        private List<Macro> holdSteps(List<StateGraph.Edge> path) {
            List<Macro> steps = new ArrayList<>();
            for (StateGraph.Edge e : path) {
                Transition tr = byEdge[e.index()];
                if (tr != null) { // not Terminating
                    steps.add(new Macro(Kind.HOLD, e.from(), e.to(),
                            List.of(new Hop(e.index(), tr, states[e.from()], states[e.to()]))));
                }
            }
            return steps;
        }

        /**
         * Whether a held waiter can be interrupted in {@code s} with a plain interrupt: it is
         * the only waiter and cannot return, so its own wake-up, if any came, is undone by the
         * emptiness it finds when it re-checks, and the interrupt then ends its next wait.
         */
        static boolean plainInterrupt(State s) {
            return quiescent(s) && s.waiters().size() == 1;
        }

        /**
         * A shortest path to state {@code target} without timeouts in which nothing returns from a
         * wait once {@code t} has blocked for the last time: no woken call can stand in the lock's
         * queue ahead of its interrupted one. Earlier interrupts are of waiters that cannot return.
         */
        private List<StateGraph.Edge> pathWithoutWakeUps(int target, String t) {
            StateGraph.Edge[] parent = new StateGraph.Edge[states.length];
            boolean[] seen = new boolean[states.length];
            ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(0));
            seen[0] = true;
            while (!queue.isEmpty() && !seen[target]) {
                int s = queue.remove();
                boolean tBlocked = states[s].pc().get(t) == Pc.BLOCKED;
                for (StateGraph.Edge e : g.out(s)) {
                    Transition tr = byEdge[e.index()];
                    if (tr == null || seen[e.to()] || tr.action() == SpecAction.WaitTimedOut
                            || tr.action() == SpecAction.WaitInterrupted && (tBlocked || !plainInterrupt(states[s]))
                            || tBlocked && (tr.action() == SpecAction.WakeWithSample
                            || tr.action() == SpecAction.WakeNotCommitted)) {
                        continue;
                    }
                    seen[e.to()] = true;
                    parent[e.to()] = e;
                    queue.add(e.to());
                }
            }
            if (!seen[target]) {
                throw new IllegalStateException("no path without wake-ups to " + states[target]);
            }
            List<StateGraph.Edge> path = new ArrayList<>();
            for (int s = target; s != 0; s = parent[s].from()) {
                path.add(0, parent[s]);
            }
            return path;
        }

        /**
         * The quiescent states in which a call waits with a deadline: only a timed wait leads to them,
         * so the core and interrupt macro steps do not (the timed, timedwake and hold vectors do).
         */
        private boolean[] timedWaiterStates() {
            boolean[] timed = new boolean[states.length];
            for (int s = 0; s < states.length; s++) {
                timed[s] = quiescent(states[s]) && states[s].timed().containsValue(true);
            }
            return timed;
        }

        /** The counts of covered states and transitions, and why the others are not covered. */
        private ObjectNode coverage(boolean[] statesCovered, boolean[] edgesCovered, boolean[] core) {
            Map<String, Integer> whyNot = new TreeMap<>();
            for (StateGraph.Edge e : g.edges()) {
                if (e.action().equals(StateGraph.TERMINATING) && statesCovered[e.from()]) {
                    edgesCovered[e.index()] = true; // a stuttering step: nothing to do
                }
                if (edgesCovered[e.index()]) {
                    continue;
                }
                String reason;
                if (!quiescent(states[e.from()])) {
                    reason = "leaves a transient state (a woken GetBuffer that has not returned yet)";
                } else if (!core[e.from()]) {
                    reason = "leaves a state reached only through an interrupt or a late timeout";
                } else if (e.action().equals(SpecAction.WaitTimedOut.name())) {
                    reason = "times out a wait that began before other steps (needs a timer the driver cannot hold)";
                } else {
                    reason = "other";
                }
                whyNot.merge(reason, 1, Integer::sum);
            }
            Map<String, Integer> statesWhyNot = new TreeMap<>();
            for (int s = 0; s < states.length; s++) {
                if (!statesCovered[s]) {
                    statesWhyNot.merge(quiescent(states[s]) ? "reached only through an interrupt or a late timeout"
                            : "transient (a woken GetBuffer that has not returned yet)", 1, Integer::sum);
                }
            }
            ObjectNode why = NODES.objectNode();
            whyNot.forEach(why::put);
            ObjectNode stateWhy = NODES.objectNode();
            statesWhyNot.forEach(stateWhy::put);
            return VectorJson.obj("statesCovered", count(statesCovered), "transitionsCovered", count(edgesCovered),
                    "statesNotCovered", stateWhy, "transitionsNotCovered", why);
        }

        private boolean[] quiescentStates() {
            boolean[] q = new boolean[states.length];
            for (int s = 0; s < states.length; s++) {
                q[s] = quiescent(states[s]);
            }
            return q;
        }

        private static int count(boolean[] flags) {
            int n = 0;
            for (boolean f : flags) {
                n += f ? 1 : 0;
            }
            return n;
        }

        /** The quiescent states reachable from the initial state by macro steps of these kinds. */
        private boolean[] reachable(Set<Kind> kinds) {
            boolean[] seen = new boolean[states.length];
            ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(0));
            seen[0] = true;
            while (!queue.isEmpty()) {
                int s = queue.remove();
                for (Macro m : out.get(s)) {
                    if (kinds.contains(m.kind()) && !seen[m.to()]) {
                        seen[m.to()] = true;
                        queue.add(m.to());
                    }
                }
            }
            return seen;
        }

        /**
         * The macro steps of these kinds between the states {@code within}, as a state graph over
         * the same renderings ({@link PathCover} covers it); {@code byKey} gets each edge's macro
         * steps, duplicates in order.
         */
        private StateGraph macroGraph(boolean[] within, Set<Kind> kinds, Map<String, ArrayDeque<Macro>> byKey) {
            Map<Long, String> labels = new LinkedHashMap<>();
            List<DotGraph.Edge> edges = new ArrayList<>();
            for (int s = 0; s < states.length; s++) {
                if (!within[s]) {
                    continue;
                }
                labels.put((long) s, g.states().get(s));
                for (Macro m : out.get(s)) {
                    if (kinds.contains(m.kind())) {
                        edges.add(new DotGraph.Edge(s, m.to(), m.label(), edges.size() + 1));
                        byKey.computeIfAbsent(key(g.states().get(s), m.label(), g.states().get(m.to())),
                                k -> new ArrayDeque<>()).add(m);
                    }
                }
            }
            return StateGraph.fromDot(new DotGraph("quiescent macro graph", labels, List.of(0L), edges));
        }

        /** {@link PathCover}'s paths through a macro graph, as macro steps; each duplicate edge once. */
        private static List<List<Macro>> cover(StateGraph mg, Map<String, ArrayDeque<Macro>> byKey) {
            Map<String, ArrayDeque<Macro>> unused = new HashMap<>();
            byKey.forEach((k, v) -> unused.put(k, new ArrayDeque<>(v)));
            List<List<Macro>> paths = new ArrayList<>();
            BitSet all = new BitSet();
            all.set(0, mg.edges().size());
            List<List<StateGraph.Edge>> cover = mg.edges().isEmpty() ? List.of(List.of())
                    : PathCover.cover(mg, all, new BitSet(), MACRO_PATH_STEPS);
            for (List<StateGraph.Edge> path : cover) {
                List<Macro> macros = new ArrayList<>();
                for (StateGraph.Edge e : path) {
                    ArrayDeque<Macro> fresh = unused.get(key(mg, e));
                    macros.add(fresh != null && !fresh.isEmpty() ? fresh.remove() : byKey.get(key(mg, e)).peek());
                }
                paths.add(macros);
            }
            return paths;
        }

        /** A shortest path of macro steps in {@code mg} from the initial state to state {@code s} (of {@code g}). */
        private List<Macro> shortestPath(StateGraph mg, Map<String, ArrayDeque<Macro>> byKey, int s) {
            int target = mg.states().indexOf(g.states().get(s));
            List<Macro> path = new ArrayList<>();
            for (StateGraph.Edge e : mg.pathTo(target)) {
                path.add(byKey.get(key(mg, e)).peek());
            }
            return path;
        }

        private static String key(StateGraph mg, StateGraph.Edge e) {
            return key(mg.states().get(e.from()), e.action(), mg.states().get(e.to()));
        }

        private static String key(String from, String label, String to) {
            return from + "\n--" + label + "->\n" + to;
        }

        /** The spec's quiescent states: no blocked GetBuffer could return. */
        static boolean quiescent(State s) {
            for (Map.Entry<String, Pc> e : s.pc().entrySet()) {
                if (e.getValue() == Pc.BLOCKED && !(s.committed() && s.freeList().isEmpty())) {
                    return false;
                }
            }
            return true;
        }

        /** The macro steps from quiescent state {@code s}. */
        private void macros(int s) {
            for (StateGraph.Edge e : g.out(s)) {
                Transition tr = byEdge[e.index()];
                if (tr == null) {
                    continue; // Terminating
                }
                Hop first = new Hop(e.index(), tr, states[s], tr.target());
                switch (tr.action()) {
                    case SetProperties, Commit, Decommit, Close, GetBufferOk, GetBufferNotCommitted,
                            GetBufferTimeout, GetBufferBlocks, AddRef, Release -> {
                        if (tr.action() == SpecAction.GetBufferBlocks && tr.target().timed().get(tr.thread())) {
                            // a timed wait: its own vectors (timed, timedwake, hold), not the core ones
                            Hop timeout = hop(tr.target(), SpecAction.WaitTimedOut, tr.thread(), 0);
                            out.get(s).add(new Macro(Kind.TIMED, s, index.get(timeout.to()), List.of(first, timeout)));
                            continue;
                        }
                        List<Hop> hops = new ArrayList<>(List.of(first));
                        State end = cascade(tr.target(), hops);
                        out.get(s).add(new Macro(Kind.CORE, s, index.get(end), hops));
                    }
                    case WaitInterrupted -> out.get(s).add(new Macro(Kind.INTERRUPT, s, e.to(), List.of(first)));
                    default -> { } // WaitTimedOut of an older wait; wake-ups are never enabled here
                }
            }
        }

        /** The wake-ups {@code from} forces, appended to {@code hops}; returns the quiescent state reached. */
        private State cascade(State from, List<Hop> hops) {
            State at = from;
            while (!at.waiters().isEmpty()) {
                String t = at.waiters().first();
                if (!at.committed()) {
                    Hop h = hop(at, SpecAction.WakeNotCommitted, t, 0);
                    hops.add(h);
                    at = h.to();
                } else if (!at.freeList().isEmpty()) {
                    Hop h = hop(at, SpecAction.WakeWithSample, t, at.freeList().first());
                    hops.add(h);
                    at = h.to();
                } else {
                    break;
                }
            }
            if (!quiescent(at)) {
                throw new IllegalStateException("not quiescent after the wake-ups: " + at);
            }
            return at;
        }

        private Hop hop(State from, SpecAction action, String thread, int buffer) {
            Optional<State> next = model.step(from, action, thread, buffer, null, false);
            if (next.isEmpty()) {
                throw new IllegalStateException(action + " of " + thread + " not enabled in " + from);
            }
            int f = index.get(from);
            Integer to = index.get(next.get());
            Integer edge = to == null ? null : edgeOf.get(f).get(action.name() + "->" + to);
            if (edge == null) {
                throw new IllegalStateException("the graph lacks " + action + " of " + thread + " from " + from);
            }
            return new Hop(edge, new Transition(action, thread, buffer, null, next.get()), from, next.get());
        }
    }

    // ------------------------------------------------------------ one vector

    /** Turns one path of macro steps into the steps of a vector. */
    private static final class VectorWriter {
        private final MemAllocatorModel model;
        private final String name;
        private final List<Macro> path;
        private final int number;
        private final List<ObjectNode> steps = new ArrayList<>();
        private final List<String> requires = new ArrayList<>();
        /** The thread a hold vector interrupts early (at once when it last blocks), or null. */
        private final String armed;
        /** The index in {@code path} of the armed thread's last GetBufferBlocks. */
        private final int armedAt;

        VectorWriter(MemAllocatorModel model, String name, List<Macro> path, int number) {
            this.model = model;
            this.name = name;
            this.path = path;
            this.number = number;
            Hop last = path.isEmpty() || path.get(path.size() - 1).hops().isEmpty() ? null
                    : path.get(path.size() - 1).hops().get(0);
            this.armed = last != null && path.get(path.size() - 1).kind() == Kind.HOLD
                    && last.transition().action() == SpecAction.WaitInterrupted && !Builder.plainInterrupt(last.from())
                    ? last.transition().thread() : null;
            int at = -1;
            for (int i = 0; i < path.size(); i++) {
                if (path.get(i).hops().isEmpty()) {
                    continue;
                }
                Transition tr = path.get(i).hops().get(0).transition();
                if (tr.action() == SpecAction.GetBufferBlocks && tr.thread().equals(armed)) {
                    at = i;
                }
            }
            this.armedAt = at;
        }

        ObjectNode vector() {
            State last = model.init();
            for (int i = 0; i < path.size(); i++) {
                Macro m = path.get(i);
                if (m.kind() == Kind.RECHECK) {
                    for (String w : last.waiters()) {
                        require("hold");
                        ObjectNode recheck = step(steps.size() + 1, "main", "Recheck", VectorJson.obj("thread", w),
                                VectorJson.obj("hr", "S_OK"));
                        VectorJson.put(recheck, "spec", List.of("(no step: " + w + ", woken, finds nothing free"
                                + " and waits again)"));
                        steps.add(recheck);
                    }
                    continue;
                }
                steps.add(step(m));
                last = m.hops().get(m.hops().size() - 1).to();
                if (i == armedAt) {
                    ObjectNode arm = step(steps.size() + 1, "main", "InterruptHeld", VectorJson.obj("thread", armed),
                            VectorJson.obj("hr", "S_OK"));
                    VectorJson.put(arm, "spec", List.of("(no step: the interrupt lands with WaitInterrupted("
                            + armed + "))"));
                    steps.add(arm);
                }
            }
            SortedSet<String> waiting = last.waiters();
            if (!waiting.isEmpty() && requires.contains("hold")) { // clean up: decommit, then let each go
                if (last.committed()) {
                    ObjectNode decommit = step(steps.size() + 1, "main", "Decommit", null, VectorJson.obj("hr", "S_OK"));
                    VectorJson.put(decommit, "spec", List.of("Decommit (by the driver, to end the vector)"));
                    steps.add(decommit);
                }
                List<String> left = new ArrayList<>(waiting);
                while (!left.isEmpty()) {
                    String t = left.remove(0);
                    ObjectNode wake = VectorJson.obj("thread", t, "hr", "VFW_E_NOT_COMMITTED");
                    if (!left.isEmpty()) {
                        VectorJson.put(wake, "or", new ArrayList<>(left));
                    }
                    steps.add(let(steps.size() + 1, t, wake, "WakeNotCommitted(" + t + ")"));
                }
            } else if (!waiting.isEmpty()) { // clean up: nobody may be left blocked
                ObjectNode cleanup = step(steps.size() + 1, "main", "Decommit", null, VectorJson.obj("hr", "S_OK"));
                ArrayNode wakes = NODES.arrayNode();
                List<String> labels = new ArrayList<>(List.of("Decommit (by the driver, to end the vector)"));
                for (String t : waiting) {
                    wakes.add(VectorJson.obj("thread", t, "hr", "VFW_E_NOT_COMMITTED"));
                    labels.add("WakeNotCommitted(" + t + ")");
                }
                cleanup.set("wakes", wakes);
                VectorJson.put(cleanup, "spec", labels);
                steps.add(cleanup);
            }
            untilSteps();
            String kind = name.substring(0, name.indexOf('-'));
            String description = switch (kind) {
                case "core" -> "Path " + (number + 1) + " of the cover of the spec's quiescent macro steps";
                case "wakeall" -> "A shortest path to a state in which every thread is blocked in GetBuffer; the "
                        + "driver's Decommit must wake them all";
                case "timed" -> "A shortest path, then a timed GetBuffer that blocks and times out";
                case "timedwake" -> "A shortest path, then a timed GetBuffer that blocks and is woken before its"
                        + " deadline";
                case "recheck" -> "A shortest path to one waiter and nothing free, then, every blocked call held,"
                        + " a step that wakes it and one that takes the buffer back before it runs: let go, it"
                        + " must re-check and wait again";
                case "hold" -> armed != null ? "A path, every blocked call held, on which nothing returns from a "
                        + "wait once " + armed + " has blocked; " + armed + " is interrupted early, and then lands "
                        + "WaitInterrupted in a state where it could return"
                        : "Path " + (number + 1) + " of the cover of the transitions out of transient states, "
                        + "every blocked call held until a step lets it go";
                default -> "Path " + (number + 1) + " of the cover of the quiescent macro steps with interrupts "
                        + "that takes an interrupt";
            };
            return VectorJson.obj("format", FORMAT, "name", name, "description", description,
                    "threads", model.threads(), "requires", requires, "steps", steps);
        }

        /** Sets each blocking step's {@code until}: the step whose wake-ups return it. */
        private void untilSteps() {
            for (ObjectNode s : steps) {
                ObjectNode expect = (ObjectNode) s.get("expect");
                if (expect.has("blocks")) {
                    String t = s.get("thread").asText();
                    int at = s.get("step").asInt();
                    Integer until = null;
                    for (ObjectNode later : steps.subList(at, steps.size())) {
                        if (later.has("wakes")) {
                            for (var w : later.get("wakes")) {
                                if (w.get("thread").asText().equals(t) && until == null) {
                                    until = later.get("step").asInt();
                                }
                            }
                        }
                        if (until != null) {
                            break;
                        }
                    }
                    if (until == null) {
                        throw new IllegalStateException(name + ": step " + at + " never returns");
                    }
                    expect.put("until", until);
                }
            }
        }

        private static ObjectNode step(int number, String thread, String op, ObjectNode args, ObjectNode expect) {
            ObjectNode s = VectorJson.obj("step", number, "thread", thread, "op", op);
            VectorJson.put(s, "args", args == null ? VectorJson.obj() : args);
            s.set("expect", expect);
            return s;
        }

        private ObjectNode step(Macro m) {
            int n = steps.size() + 1;
            Hop h = m.hops().get(0);
            Transition tr = h.transition();
            State from = h.from();
            State to = h.to();
            String t = tr.thread();
            ObjectNode step;
            List<String> labels = new ArrayList<>();
            for (Hop hop : m.hops()) {
                labels.add(hop.transition().label());
            }
            int variant = number + n;
            if (m.kind() == Kind.HOLD) {
                require("hold");
            }
            if (tr.action() == SpecAction.GetBufferBlocks && to.timed().get(t) && m.kind() != Kind.TIMED) {
                // TIMED_BLOCKS, or a HOLD step: a timed wait that a later step ends
                require("timeout");
                step = step(n, t, "GetBuffer", VectorJson.obj("flags", variant % 2 == 0 ? 0 : ignored(),
                        "timeoutMs", WOKEN_WAIT_MS), VectorJson.obj("blocks", true));
                VectorJson.put(step, "spec", labels);
                return step;
            }
            if (m.kind() == Kind.TIMED) {
                require("timeout");
                step = step(n, t, "GetBuffer", VectorJson.obj("flags", variant % 2 == 0 ? 0 : ignored(),
                        "timeoutMs", TIMED_WAIT_MS), VectorJson.obj("hr", "VFW_E_TIMEOUT"));
                VectorJson.put(step, "spec", labels);
                return step;
            }
            if (m.kind() == Kind.HOLD) {
                if (tr.action() == SpecAction.WakeWithSample || tr.action() == SpecAction.WakeNotCommitted
                        || tr.action() == SpecAction.WaitInterrupted) {
                    return heldWake(n, h);
                }
            }
            if (m.kind() == Kind.INTERRUPT) {
                require("interrupt");
                step = step(n, "main", "Interrupt", VectorJson.obj("thread", t), VectorJson.obj("hr", "S_OK"));
                ArrayNode wakes = NODES.arrayNode();
                wakes.add(VectorJson.obj("thread", t, "hr", "INTERRUPTED"));
                step.set("wakes", wakes);
                VectorJson.put(step, "spec", labels);
                return step;
            }
            String hr = t == null ? "S_OK" : to.result().get(t).name();
            switch (tr.action()) {
                case SetProperties -> {
                    AllocatorProperties request = tr.request().example();
                    step = step(n, t, "SetProperties", VectorJson.obj("request", request),
                            VectorJson.obj("hr", hr, "props", hr.equals("S_OK") ? request.rounded() : null));
                }
                case Commit -> step = step(n, t, "Commit", null, VectorJson.obj("hr", hr,
                        "allocates", from.buffers().isEmpty() && !to.buffers().isEmpty() ? Boolean.TRUE : null));
                case Decommit, Close -> step = step(n, t, tr.action().name(), null, VectorJson.obj("hr", hr));
                case GetBufferOk -> step = step(n, t, "GetBuffer", getArgs(variant % 3 == 1 ? MemAllocator.AM_GBF_NOWAIT
                        : variant % 3 == 2 ? ignored() : 0, variant % 4 == 0),
                        VectorJson.obj("hr", hr, "sample", sample(tr.buffer()), "free", names(from.freeList())));
                case GetBufferNotCommitted -> step = step(n, t, "GetBuffer", getArgs(variant % 3 == 1
                        ? MemAllocator.AM_GBF_NOWAIT : variant % 3 == 2 ? ignored() : 0, variant % 4 == 0),
                        VectorJson.obj("hr", hr));
                case GetBufferTimeout -> step = step(n, t, "GetBuffer", getArgs(MemAllocator.AM_GBF_NOWAIT
                        | (variant % 2 == 0 ? 0 : ignored()), false), VectorJson.obj("hr", hr));
                case GetBufferBlocks -> step = step(n, t, "GetBuffer", getArgs(variant % 2 == 0 ? 0 : ignored(),
                        variant % 4 == 1), VectorJson.obj("blocks", true));
                case AddRef, Release -> step = step(n, "main", tr.action().name(),
                        VectorJson.obj("sample", sample(tr.buffer())),
                        VectorJson.obj("hr", "S_OK", "refs", to.refs(tr.buffer())));
                default -> throw new IllegalStateException("not a driver step: " + tr.label());
            }
            if (m.hops().size() > 1) {
                ArrayNode wakes = NODES.arrayNode();
                for (Hop w : m.hops().subList(1, m.hops().size())) {
                    Transition wt = w.transition();
                    if (wt.action() == SpecAction.WakeWithSample) {
                        List<String> others = new ArrayList<>(w.from().waiters());
                        others.remove(wt.thread());
                        ObjectNode wake = VectorJson.obj("thread", wt.thread(), "hr", "S_OK",
                                "sample", sample(wt.buffer()), "free", names(w.from().freeList()));
                        if (!others.isEmpty()) {
                            VectorJson.put(wake, "or", others);
                        }
                        wakes.add(wake);
                    } else {
                        wakes.add(VectorJson.obj("thread", wt.thread(), "hr", "VFW_E_NOT_COMMITTED"));
                    }
                }
                step.set("wakes", wakes);
            }
            VectorJson.put(step, "spec", labels);
            return step;
        }

        /** A held call's wake-up step: main lets it go (its interrupt, for WaitInterrupted, came early). */
        private ObjectNode heldWake(int n, Hop h) {
            Transition tr = h.transition();
            String t = tr.thread();
            List<String> others = new ArrayList<>(h.from().waiters());
            others.remove(t);
            others.remove(armed);
            ObjectNode wake;
            switch (tr.action()) {
                case WakeWithSample -> wake = VectorJson.obj("thread", t, "hr", "S_OK", "sample", sample(tr.buffer()),
                        "free", names(h.from().freeList()));
                case WakeNotCommitted -> wake = VectorJson.obj("thread", t, "hr", "VFW_E_NOT_COMMITTED");
                default -> {
                    require("interrupt");
                    others.clear(); // the interrupted call is this one
                    wake = VectorJson.obj("thread", t, "hr", "INTERRUPTED");
                }
            }
            if (!others.isEmpty()) {
                VectorJson.put(wake, "or", others);
            }
            ObjectNode step = let(n, t, wake, tr.label());
            if (tr.action() == SpecAction.WaitInterrupted && !t.equals(armed)) { // interrupted now, then let go
                step.put("op", "Interrupt");
            }
            return step;
        }

        private static ObjectNode let(int n, String t, ObjectNode wake, String label) {
            ObjectNode step = step(n, "main", "Let", VectorJson.obj("thread", t), VectorJson.obj("hr", "S_OK"));
            ArrayNode wakes = NODES.arrayNode();
            wakes.add(wake);
            step.set("wakes", wakes);
            VectorJson.put(step, "spec", List.of(label));
            return step;
        }

        private void require(String feature) {
            if (!requires.contains(feature)) {
                requires.add(feature);
            }
        }

        /** The flags the allocator must ignore. */
        private static int ignored() {
            return MemAllocator.AM_GBF_PREVFRAMESKIPPED | MemAllocator.AM_GBF_NOTASYNCPOINT
                    | MemAllocator.AM_GBF_NODDSURFACELOCK;
        }

        private ObjectNode getArgs(int flags, boolean withTimes) {
            ObjectNode args = VectorJson.obj("flags", flags);
            if (withTimes) { // the start and end times GetBuffer ignores
                VectorJson.put(args, "startTime", 10_000L * (steps.size() + 1));
                VectorJson.put(args, "endTime", 10_000L * (steps.size() + 1) + 400_000L);
            }
            return args;
        }
    }

    /** The vector name of spec buffer {@code b}. */
    static String sample(int b) {
        return "s" + b;
    }

    static List<String> names(SortedSet<Integer> buffers) {
        List<String> n = new ArrayList<>();
        for (int b : buffers) {
            n.add(sample(b));
        }
        return n;
    }
}
