package org.memallocator.modeltests.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.memallocator.graph.DotGraph;

/**
 * {@code docs/lifecycle.dot}: the allocator's lifecycle, computed from TLC's state graph of
 * {@code spec/MemAllocator.tla} ({@code -dump dot,actionlabels}). Each state is projected onto
 * the allocator-level variables (committed, decommitPending, memory held = buffers # {},
 * clientRef, selfRef); each projection is a phase (Idle, Committed, ...), and each action that
 * moves from one phase to another is an edge. Actions that stay in a phase are listed in the
 * phase's tooltip. The output is sorted, so the same graph always gives the same text.
 */
final class LifecycleDiagram {

    static final String MODULE = "MemAllocator.tla";
    static final String CONFIG = "MemAllocatorLifecycle.cfg";

    private static final Pattern VARIABLE = Pattern.compile("^/\\\\ (\\w+) = (.*)$");

    private LifecycleDiagram() {
    }

    /** The projection of one state. */
    record Phase(boolean committed, boolean decommitPending, boolean memory, boolean clientRef,
                 boolean selfRef) implements Comparable<Phase> {

        /** A state's projection, from its label as TLC wrote it ({@code /\ x = v} lines). */
        static Phase of(String label) {
            Map<String, String> v = new TreeMap<>();
            for (String line : label.split("\n")) {
                Matcher m = VARIABLE.matcher(line.strip());
                if (m.matches()) {
                    v.put(m.group(1), m.group(2).strip());
                }
            }
            for (String name : List.of("committed", "decommitPending", "buffers", "clientRef", "selfRef")) {
                if (!v.containsKey(name)) {
                    throw new IllegalArgumentException("no variable " + name + " in state " + label);
                }
            }
            return new Phase(bool(v, "committed"), bool(v, "decommitPending"),
                    !v.get("buffers").equals("{}"), bool(v, "clientRef"), bool(v, "selfRef"));
        }

        private static boolean bool(Map<String, String> v, String name) {
            return switch (v.get(name)) {
                case "TRUE" -> true;
                case "FALSE" -> false;
                default -> throw new IllegalArgumentException(name + " = " + v.get(name));
            };
        }

        /**
         * Idle, Committed, Decommit pending; "Closed, ..." once the client's reference is gone
         * while the self-reference keeps the allocator; Destroyed.
         */
        String name() {
            if (!clientRef && !selfRef) {
                return "Destroyed";
            }
            String base = committed ? "Committed" : decommitPending ? "Decommit pending" : "Idle";
            return clientRef ? base : "Closed, " + base.toLowerCase(java.util.Locale.ROOT);
        }

        /** The variables, in words. */
        String details() {
            List<String> parts = new ArrayList<>();
            parts.add(committed ? "committed" : "not committed");
            if (decommitPending) {
                parts.add("decommit pending");
            }
            parts.add(memory ? "memory held" : "no memory");
            parts.add(clientRef && selfRef ? "client + self reference"
                    : clientRef ? "client reference"
                    : selfRef ? "self reference only"
                    : "no reference");
            return String.join("\\n", parts);
        }

        @Override
        public int compareTo(Phase o) {
            int byName = name().compareTo(o.name());
            return byName != 0 ? byName : toString().compareTo(o.toString());
        }
    }

    /** Whether a state's label has a sample with a reference ({@code refs} not all 0). */
    static boolean samplesOut(String label) {
        for (String line : label.split("\n")) {
            Matcher m = VARIABLE.matcher(line.strip());
            if (m.matches() && m.group(1).equals("refs")) {
                return m.group(2).matches(".*[1-9].*");
            }
        }
        throw new IllegalArgumentException("no variable refs in state " + label);
    }

    /**
     * The diagram of {@code graph} as dot text. An action that leads from one phase to several
     * is labelled, on each edge, with whether samples were out before it, when that tells the
     * edges apart (Decommit and Close: deferred or not).
     */
    static String render(DotGraph graph) {
        Map<Long, Phase> phases = new LinkedHashMap<>();
        graph.labels().forEach((fp, label) -> phases.put(fp, Phase.of(label)));
        Set<Phase> initial = new TreeSet<>();
        for (long fp : graph.initial()) {
            initial.add(phases.get(fp));
        }
        Map<Phase, Set<String>> stays = new TreeMap<>();
        Map<Phase, Map<Phase, Set<String>>> moves = new TreeMap<>();
        Map<List<Object>, Set<Boolean>> outBefore = new LinkedHashMap<>();
        for (Phase p : phases.values()) {
            stays.computeIfAbsent(p, k -> new TreeSet<>());
        }
        for (DotGraph.Edge e : graph.edges()) {
            Phase from = phases.get(e.from());
            Phase to = phases.get(e.to());
            if (from.equals(to)) {
                stays.get(from).add(e.action());
            } else {
                moves.computeIfAbsent(from, k -> new TreeMap<>())
                        .computeIfAbsent(to, k -> new TreeSet<>()).add(e.action());
                outBefore.computeIfAbsent(List.of(from, e.action(), to), k -> new TreeSet<>())
                        .add(samplesOut(graph.labels().get(e.from())));
            }
        }

        // Order: breadth-first from the initial phase, ties by name; dot lays out in this order.
        List<Phase> order = new ArrayList<>(initial);
        for (int i = 0; i < order.size(); i++) {
            for (Phase next : moves.getOrDefault(order.get(i), Map.of()).keySet()) {
                if (!order.contains(next)) {
                    order.add(next);
                }
            }
        }
        for (Phase p : stays.keySet()) {
            if (!order.contains(p)) {
                order.add(p);
            }
        }

        StringBuilder out = new StringBuilder();
        out.append("// The IMemAllocator lifecycle. Generated by LifecycleDiagramTest; do not edit.\n");
        out.append("// TLC's state graph of spec/").append(MODULE).append(" with\n");
        out.append("// spec/").append(CONFIG).append(" (-dump dot,actionlabels), each state\n");
        out.append("// projected onto committed, decommitPending, memory (buffers # {}), clientRef\n");
        out.append("// and selfRef. An edge: the actions that change the projection; a tooltip:\n");
        out.append("// the actions that do not.\n");
        out.append("// Regenerate: mvn -o -q test-compile && mvn -o surefire:test@model-tests \\\n");
        out.append("//     -Dtest=LifecycleDiagramTest -Dmemallocator.regenerate=true\n");
        out.append("// Render:     dot -Tsvg docs/lifecycle.dot -o docs/lifecycle.svg\n");
        out.append("digraph lifecycle {\n");
        out.append("    rankdir=LR;\n");
        out.append("    nodesep=0.6;\n");
        out.append("    ranksep=0.9;\n");
        out.append("    node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=12,"
                + " margin=\"0.2,0.1\"];\n");
        out.append("    edge [fontname=\"Helvetica\", fontsize=11];\n");
        for (Phase p : order) {
            Set<String> within = stays.get(p);
            List<String> attributes = new ArrayList<>();
            attributes.add("label=\"" + p.name() + "\\n\\n" + p.details() + "\"");
            attributes.add("tooltip=\"" + (within.isEmpty() ? "no steps within this phase"
                    : "steps within this phase: " + String.join(", ", within)) + "\"");
            if (initial.contains(p)) {
                attributes.add("style=\"rounded,bold\"");
            }
            if (!moves.containsKey(p)) {
                attributes.add("peripheries=2");
            }
            out.append("    \"").append(p.name()).append("\" [")
                    .append(String.join(", ", attributes)).append("];\n");
        }
        for (Phase from : order) {
            for (Phase to : order) {
                Set<String> actions = moves.getOrDefault(from, Map.of()).get(to);
                if (actions == null) {
                    continue;
                }
                List<String> labels = new ArrayList<>();
                for (String action : actions) {
                    long targets = moves.get(from).values().stream().filter(a -> a.contains(action)).count();
                    Set<Boolean> before = outBefore.get(List.of(from, action, to));
                    labels.add(targets > 1 && before.size() == 1
                            ? action + (before.contains(true) ? " (samples out)" : " (none out)")
                            : action);
                }
                out.append("    \"").append(from.name()).append("\" -> \"").append(to.name())
                        .append("\" [label=\"").append(String.join("\\n", labels)).append("\"];\n");
            }
        }
        out.append("}\n");
        return out.toString();
    }
}
