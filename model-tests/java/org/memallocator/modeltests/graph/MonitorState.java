package org.memallocator.modeltests.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.memallocator.model.TlaValue;
import org.memallocator.model.TlaValueParser;

/**
 * One state of {@code spec/MemAllocatorMonitor.tla}, read from its TLC rendering: every place the
 * monitor graph's runner reads the spec's variables is here.
 *
 * <p>The condition's wait queue is {@code waitQueue} (a sequence, head first: the longest waiter,
 * the one {@code signal()} takes) in the current spec; an older spec had {@code waitSet}, a set
 * with no order, read here as the sorted list of its threads with {@link #ordered} false.
 *
 * @param waiting     the threads parked on the condition: the wait queue, head first (or the wait
 *                    set, sorted, when not {@code ordered})
 * @param ordered     whether {@code waiting} has the condition's order (the spec has {@code waitQueue})
 * @param freeList    the free list, top last
 * @param refs        refs[b] at index b - 1
 */
record MonitorState(boolean committed, boolean decommitPending, boolean clientRef, int propsCount,
                    String propsLayout, Set<Integer> buffers, List<Integer> freeList, List<Integer> refs,
                    int waiters, List<String> waiting, boolean ordered, Map<String, String> awaitExit,
                    Map<String, String> pc, Map<String, String> result) {

    /** Parses a state as {@link org.memallocator.graph.StateGraph} renders it. */
    static MonitorState parse(String rendering) {
        SortedMap<String, TlaValue> v = TlaValueParser.parseState(rendering);
        boolean ordered = v.containsKey("waitQueue");
        List<String> waiting = new ArrayList<>();
        for (TlaValue t : elements(v.get(ordered ? "waitQueue" : "waitSet"))) {
            waiting.add(((TlaValue.ModelValue) t).name());
        }
        SortedMap<String, TlaValue> props = ((TlaValue.RecordValue) v.get("props")).fields();
        Set<Integer> buffers = new TreeSet<>(ints(v.get("buffers")));
        return new MonitorState(bool(v.get("committed")), bool(v.get("decommitPending")), bool(v.get("clientRef")),
                (int) ((TlaValue.Int) props.get("count")).value(), ((TlaValue.Str) props.get("layout")).value(),
                buffers, ints(v.get("freeList")), ints(v.get("refs")), (int) ((TlaValue.Int) v.get("waiters")).value(),
                List.copyOf(waiting), ordered, strings(v.get("awaitExit")), strings(v.get("pc")), strings(v.get("result")));
    }

    /** The threads, in name order. */
    Set<String> threads() {
        return pc.keySet();
    }

    int refs(int b) {
        return refs.get(b - 1);
    }

    /** The top of the free list (the next buffer popped), or 0 when it is empty. */
    int top() {
        return freeList.isEmpty() ? 0 : freeList.get(freeList.size() - 1);
    }

    /** Blocked in getBuffer: from its GetBufferBlocks step to its return. */
    boolean blocked(String t) {
        return pc.get(t).equals("awaitBuffer");
    }

    /** Blocked, out of the wait queue, and woken to return normally from await(): it re-checks next. */
    boolean woken(String t) {
        return blocked(t) && !waiting.contains(t) && awaitExit.get(t).equals("returns");
    }

    int outstanding() {
        return (int) refs.stream().filter(r -> r > 0).count();
    }

    /** The threads whose own variables (pc, result, await exit) differ between this state and {@code to}. */
    List<String> threadsChangedTo(MonitorState to) {
        List<String> changed = new ArrayList<>();
        for (String t : threads()) {
            if (!pc.get(t).equals(to.pc.get(t)) || !result.get(t).equals(to.result.get(t))
                    || !awaitExit.get(t).equals(to.awaitExit.get(t)) || waiting.contains(t) != to.waiting.contains(t)) {
                changed.add(t);
            }
        }
        return changed;
    }

    /** The buffers whose reference count differs between this state and {@code to}. */
    List<Integer> buffersChangedTo(MonitorState to) {
        List<Integer> changed = new ArrayList<>();
        for (int b = 1; b <= refs.size(); b++) {
            if (refs(b) != to.refs(b)) {
                changed.add(b);
            }
        }
        return changed;
    }

    private static boolean bool(TlaValue v) {
        return ((TlaValue.Bool) v).value();
    }

    private static List<TlaValue> elements(TlaValue v) {
        if (v instanceof TlaValue.Tuple t) {
            return t.elements();
        }
        return ((TlaValue.SetValue) v).elements();
    }

    private static List<Integer> ints(TlaValue v) {
        List<Integer> out = new ArrayList<>();
        for (TlaValue e : elements(v)) {
            out.add((int) ((TlaValue.Int) e).value());
        }
        return out;
    }

    /** A function from threads to strings. */
    private static Map<String, String> strings(TlaValue v) {
        Map<String, String> out = new TreeMap<>();
        ((TlaValue.FunctionValue) v).mapping().forEach((k, x) ->
                out.put(((TlaValue.ModelValue) k).name(), ((TlaValue.Str) x).value()));
        return new LinkedHashMap<>(out);
    }
}
