package org.memallocator.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A state of {@code spec/MemAllocator.tla}: its eleven variables under their spec names. Immutable;
 * sets are sorted, and {@code pc}, {@code timed} and {@code result} are sorted by thread name, so
 * that equal states are {@code equals} and print alike.
 *
 * @param props           the properties in force
 * @param committed       GetBuffer may hand out samples
 * @param decommitPending Decommit was called with samples out; memory still held
 * @param buffers         the allocated buffers (memory), {@code 1..count} or empty
 * @param freeList        the allocated buffers nobody holds
 * @param refs            {@code refs.get(b - 1)}: sample {@code b}'s reference count, 0 while
 *                        free; one entry per buffer {@code 1..MaxBuffers}
 * @param pc              each thread's call: idle, or blocked in GetBuffer
 * @param timed           each thread's blocked GetBuffer has a deadline (false while not blocked)
 * @param result          the result of each thread's last call
 * @param clientRef       the client still holds its allocator reference
 * @param selfRef         the allocator holds its own reference (Commit .. decommit done)
 */
public record State(Props props, boolean committed, boolean decommitPending,
                    SortedSet<Integer> buffers, SortedSet<Integer> freeList, List<Integer> refs,
                    SortedMap<String, Pc> pc, SortedMap<String, Boolean> timed, SortedMap<String, Result> result,
                    boolean clientRef, boolean selfRef) {

    public State {
        buffers = Collections.unmodifiableSortedSet(new TreeSet<>(buffers));
        freeList = Collections.unmodifiableSortedSet(new TreeSet<>(freeList));
        refs = List.copyOf(refs);
        pc = Collections.unmodifiableSortedMap(new TreeMap<>(pc));
        timed = Collections.unmodifiableSortedMap(new TreeMap<>(timed));
        result = Collections.unmodifiableSortedMap(new TreeMap<>(result));
        if (props == null || pc.containsValue(null) || timed.containsValue(null) || result.containsValue(null)) {
            throw new IllegalArgumentException("null in a state variable");
        }
    }

    // ------------------------------------------------------------ the spec's derived sets

    /** {@code refs[b]}, for {@code b} in {@code 1..MaxBuffers}. */
    public int refs(int b) {
        return refs.get(b - 1);
    }

    /** The spec's {@code Outstanding}: the buffers with a reference. */
    public SortedSet<Integer> outstanding() {
        SortedSet<Integer> out = new TreeSet<>();
        for (int b = 1; b <= refs.size(); b++) {
            if (refs(b) > 0) {
                out.add(b);
            }
        }
        return Collections.unmodifiableSortedSet(out);
    }

    /** The spec's {@code waiters}: the threads blocked in GetBuffer. */
    public SortedSet<String> waiters() {
        SortedSet<String> blocked = new TreeSet<>();
        pc.forEach((t, p) -> {
            if (p == Pc.BLOCKED) {
                blocked.add(t);
            }
        });
        return Collections.unmodifiableSortedSet(blocked);
    }

    /** The spec's {@code Destroyed}: neither the client nor the allocator holds a reference. */
    public boolean destroyed() {
        return !clientRef && !selfRef;
    }

    // ------------------------------------------------------------ one variable changed

    public State withProps(Props newProps) {
        return new State(newProps, committed, decommitPending, buffers, freeList, refs, pc, timed, result,
                clientRef, selfRef);
    }

    public State withCommitted(boolean newCommitted) {
        return new State(props, newCommitted, decommitPending, buffers, freeList, refs, pc, timed, result,
                clientRef, selfRef);
    }

    public State withDecommitPending(boolean newDecommitPending) {
        return new State(props, committed, newDecommitPending, buffers, freeList, refs, pc, timed, result,
                clientRef, selfRef);
    }

    public State withBuffers(SortedSet<Integer> newBuffers) {
        return new State(props, committed, decommitPending, newBuffers, freeList, refs, pc, timed, result,
                clientRef, selfRef);
    }

    public State withFreeList(SortedSet<Integer> newFreeList) {
        return new State(props, committed, decommitPending, buffers, newFreeList, refs, pc, timed, result,
                clientRef, selfRef);
    }

    /** {@code [refs EXCEPT ![b] = count]}. */
    public State withRefs(int b, int count) {
        List<Integer> newRefs = new ArrayList<>(refs);
        newRefs.set(b - 1, count);
        return new State(props, committed, decommitPending, buffers, freeList, newRefs, pc, timed, result,
                clientRef, selfRef);
    }

    /** {@code [pc EXCEPT ![t] = p]}. */
    public State withPc(String t, Pc p) {
        SortedMap<String, Pc> newPc = new TreeMap<>(pc);
        newPc.put(t, p);
        return new State(props, committed, decommitPending, buffers, freeList, refs, newPc, timed, result,
                clientRef, selfRef);
    }

    /** {@code [timed EXCEPT ![t] = tm]}. */
    public State withTimed(String t, boolean tm) {
        SortedMap<String, Boolean> newTimed = new TreeMap<>(timed);
        newTimed.put(t, tm);
        return new State(props, committed, decommitPending, buffers, freeList, refs, pc, newTimed, result,
                clientRef, selfRef);
    }

    /** {@code [result EXCEPT ![t] = r]}. */
    public State withResult(String t, Result r) {
        SortedMap<String, Result> newResult = new TreeMap<>(result);
        newResult.put(t, r);
        return new State(props, committed, decommitPending, buffers, freeList, refs, pc, timed, newResult,
                clientRef, selfRef);
    }

    public State withClientRef(boolean newClientRef) {
        return new State(props, committed, decommitPending, buffers, freeList, refs, pc, timed, result,
                newClientRef, selfRef);
    }

    public State withSelfRef(boolean newSelfRef) {
        return new State(props, committed, decommitPending, buffers, freeList, refs, pc, timed, result,
                clientRef, newSelfRef);
    }

    // ------------------------------------------------------------ rendering

    /** The variables as TLA+ values, sorted by name. */
    public SortedMap<String, TlaValue> toTla() {
        SortedMap<String, TlaValue> vars = new TreeMap<>();
        vars.put("props", TlaValue.record(Map.of(
                "count", TlaValue.integer(props.count()),
                "layout", TlaValue.string(props.layout().tla()))));
        vars.put("committed", TlaValue.bool(committed));
        vars.put("decommitPending", TlaValue.bool(decommitPending));
        vars.put("buffers", TlaValue.set(integers(buffers)));
        vars.put("freeList", TlaValue.set(integers(freeList)));
        vars.put("refs", TlaValue.tuple(integers(refs)));
        SortedMap<TlaValue, TlaValue> pcValue = new TreeMap<>();
        pc.forEach((t, p) -> pcValue.put(TlaValue.modelValue(t), TlaValue.string(p.tla())));
        vars.put("pc", TlaValue.function(pcValue));
        SortedMap<TlaValue, TlaValue> timedValue = new TreeMap<>();
        timed.forEach((t, tm) -> timedValue.put(TlaValue.modelValue(t), TlaValue.bool(tm)));
        vars.put("timed", TlaValue.function(timedValue));
        SortedMap<TlaValue, TlaValue> resultValue = new TreeMap<>();
        result.forEach((t, r) -> resultValue.put(TlaValue.modelValue(t), TlaValue.string(r.name())));
        vars.put("result", TlaValue.function(resultValue));
        vars.put("clientRef", TlaValue.bool(clientRef));
        vars.put("selfRef", TlaValue.bool(selfRef));
        return vars;
    }

    /**
     * The canonical rendering ({@link TlaValue#renderState}): byte-identical to the canonical
     * rendering of TLC's label for the same state.
     */
    public String render() {
        return TlaValue.renderState(toTla());
    }

    /** The canonical rendering on one line, for messages. */
    @Override
    public String toString() {
        return render().replace("\n", " ");
    }

    private static List<TlaValue> integers(Iterable<Integer> values) {
        List<TlaValue> out = new ArrayList<>();
        for (int v : values) {
            out.add(TlaValue.integer(v));
        }
        return out;
    }
}
