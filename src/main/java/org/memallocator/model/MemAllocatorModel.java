package org.memallocator.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.memallocator.SpecAction;

/**
 * {@code spec/MemAllocator.tla} as Java: the same variables ({@link State}), one method per
 * action with the spec's name and parameters, whose enabling condition is the guard (an empty
 * result: not enabled), and the spec's invariants and action properties as predicates.
 * {@code StateGraphComparisonTest} checks that it generates exactly TLC's state graph.
 *
 * <p>The constants are given at construction: the threads (model values, in the order
 * {@link #successors} tries them), {@code MaxBuffers} and {@code MaxRefs}. A checker of real
 * histories can use large bounds (e.g. {@code MaxRefs = Integer.MAX_VALUE}); the cost of a step
 * does not depend on them, only {@link #successors} enumerates.
 *
 * <p>The stuttering step {@code Terminating} (nothing is left to happen once the allocator is
 * destroyed) is not a {@link SpecAction}: {@link #terminating} says when it is enabled, and
 * {@link #successors} leaves it out.
 */
public final class MemAllocatorModel {

    private final List<String> threads;
    private final int maxBuffers;
    private final int maxRefs;

    /**
     * @param threads    the spec's {@code Threads}: distinct identifiers, at least one
     * @param maxBuffers {@code MaxBuffers >= 1}: the largest {@code cBuffers} a client sets
     * @param maxRefs    {@code MaxRefs >= 1}: the largest reference count a sample reaches
     */
    public MemAllocatorModel(List<String> threads, int maxBuffers, int maxRefs) {
        if (threads.isEmpty() || new HashSet<>(threads).size() != threads.size()
                || !threads.stream().allMatch(TlaValueParser::isIdentifier)) {
            throw new IllegalArgumentException("Threads must be distinct identifiers, at least one: " + threads);
        }
        if (maxBuffers < 1 || maxRefs < 1) {
            throw new IllegalArgumentException("MaxBuffers " + maxBuffers + " and MaxRefs " + maxRefs
                    + " must be >= 1");
        }
        this.threads = List.copyOf(threads);
        this.maxBuffers = maxBuffers;
        this.maxRefs = maxRefs;
    }

    /**
     * The model for a TLC configuration's constants, given as the cfg writes them:
     * {@code Threads} a set of model values ({@code {t1, t2}}), {@code MaxBuffers} and
     * {@code MaxRefs} integers. Threads are ordered by name.
     *
     * @throws IllegalArgumentException if a constant is missing or not of that form
     */
    public static MemAllocatorModel fromConstants(Map<String, String> constants) {
        TlaValue threads = TlaValueParser.parseValue(constant(constants, "Threads"));
        List<String> names = new ArrayList<>();
        if (threads instanceof TlaValue.SetValue set) {
            for (TlaValue v : set.elements()) {
                if (!(v instanceof TlaValue.ModelValue m)) {
                    throw new IllegalArgumentException("Threads must be model values: " + threads);
                }
                names.add(m.name());
            }
        } else {
            throw new IllegalArgumentException("Threads must be a set of model values: " + threads);
        }
        return new MemAllocatorModel(names, intConstant(constants, "MaxBuffers"), intConstant(constants, "MaxRefs"));
    }

    private static String constant(Map<String, String> constants, String name) {
        String value = constants.get(name);
        if (value == null) {
            throw new IllegalArgumentException("constant " + name + " is not set: " + constants);
        }
        return value;
    }

    private static int intConstant(Map<String, String> constants, String name) {
        if (TlaValueParser.parseValue(constant(constants, name)) instanceof TlaValue.Int i
                && i.value() >= Integer.MIN_VALUE && i.value() <= Integer.MAX_VALUE) {
            return (int) i.value();
        }
        throw new IllegalArgumentException(name + " must be an integer: " + constants.get(name));
    }

    public List<String> threads() {
        return threads;
    }

    public int maxBuffers() {
        return maxBuffers;
    }

    public int maxRefs() {
        return maxRefs;
    }

    // ------------------------------------------------------------ Init

    /** The spec's {@code Init}. */
    public State init() {
        SortedMap<String, Pc> pc = new TreeMap<>();
        SortedMap<String, Boolean> timed = new TreeMap<>();
        SortedMap<String, Result> result = new TreeMap<>();
        for (String t : threads) {
            pc.put(t, Pc.IDLE);
            timed.put(t, false);
            result.put(t, Result.NONE);
        }
        return new State(Props.NONE, false, false, new TreeSet<>(), new TreeSet<>(),
                Collections.nCopies(maxBuffers, 0), pc, timed, result, true, false);
    }

    // ------------------------------------------------------------ client calls

    /** {@code Call(t)}: t is not inside another call, and the client still holds the allocator. */
    private boolean call(State s, String t) {
        return s.clientRef() && s.pc().get(t) == Pc.IDLE;
    }

    /**
     * {@code SetProperties(t, c, l, alignOk)}, with {@code c} in {@code 0..MaxBuffers}. Checks in
     * Microsoft's order; a pending decommit counts as samples outstanding, not as committed.
     */
    public Optional<State> setProperties(State s, String t, Request request) {
        if (!call(s, t) || request.count() > maxBuffers) {
            return Optional.empty();
        }
        Result hr = !request.alignOk() ? Result.VFW_E_BADALIGN
                : s.committed() ? Result.VFW_E_ALREADY_COMMITTED
                : !s.outstanding().isEmpty() ? Result.VFW_E_BUFFERS_OUTSTANDING
                : Result.S_OK;
        State next = s.withResult(t, hr);
        if (hr == Result.S_OK) {
            next = next.withProps(new Props(request.count(), request.layout()));
        }
        return Optional.of(next);
    }

    /** The spec's {@code CommitError}: the result Commit's allocation would fail with, or S_OK. */
    public static Result commitError(Props props) {
        if (props.count() == 0 || props.layout() == Layout.SIZE_NOT_SET) {
            return Result.VFW_E_SIZENOTSET;
        }
        return props.layout() == Layout.OUT_OF_MEMORY ? Result.E_OUTOFMEMORY : Result.S_OK;
    }

    /**
     * {@code Commit(t)}: idempotent when committed; cancels a pending decommit without allocating;
     * otherwise allocates {@code 1..count} and takes the self-reference, or fails with
     * {@link #commitError}.
     */
    public Optional<State> commit(State s, String t) {
        if (!call(s, t)) {
            return Optional.empty();
        }
        if (s.committed()) {
            return Optional.of(s.withResult(t, Result.S_OK));
        }
        if (s.decommitPending()) {
            return Optional.of(s.withCommitted(true).withDecommitPending(false).withResult(t, Result.S_OK));
        }
        Result error = commitError(s.props());
        if (error != Result.S_OK) {
            return Optional.of(s.withResult(t, error));
        }
        SortedSet<Integer> allocated = interval(1, s.props().count());
        return Optional.of(s.withCommitted(true).withBuffers(allocated).withFreeList(allocated)
                .withSelfRef(true).withResult(t, Result.S_OK));
    }

    /**
     * {@code DecommitEffect}, shared by Decommit and Close: nothing when not committed; else
     * deferred while samples are out, or complete now (memory and self-reference go).
     */
    private State decommitEffect(State s) {
        if (!s.committed()) {
            return s;
        }
        if (!s.outstanding().isEmpty()) {
            return s.withCommitted(false).withDecommitPending(true);
        }
        return s.withCommitted(false).withDecommitPending(false).withBuffers(new TreeSet<>())
                .withFreeList(new TreeSet<>()).withSelfRef(false);
    }

    /** {@code Decommit(t)}. */
    public Optional<State> decommit(State s, String t) {
        if (!call(s, t)) {
            return Optional.empty();
        }
        return Optional.of(decommitEffect(s).withResult(t, Result.S_OK));
    }

    /** {@code Close(t)}: the client's last reference; decommits first. */
    public Optional<State> close(State s, String t) {
        if (!call(s, t)) {
            return Optional.empty();
        }
        return Optional.of(decommitEffect(s).withClientRef(false).withResult(t, Result.S_OK));
    }

    /** {@code TakeBuffer(t, b)}: b leaves the free list with count 1; t's call returns S_OK. */
    private State takeBuffer(State s, String t, int b) {
        SortedSet<Integer> free = new TreeSet<>(s.freeList());
        free.remove(b);
        return s.withFreeList(free).withRefs(b, 1).withResult(t, Result.S_OK);
    }

    /** {@code GetBufferOk(t)} taking buffer {@code b} (the spec's {@code \E b \in freeList}). */
    public Optional<State> getBufferOk(State s, String t, int b) {
        if (!call(s, t) || !s.committed() || !s.freeList().contains(b)) {
            return Optional.empty();
        }
        return Optional.of(takeBuffer(s, t, b));
    }

    /** {@code GetBufferNotCommitted(t)}: never committed, decommitted, or decommit pending. */
    public Optional<State> getBufferNotCommitted(State s, String t) {
        if (!call(s, t) || s.committed()) {
            return Optional.empty();
        }
        return Optional.of(s.withResult(t, Result.VFW_E_NOT_COMMITTED));
    }

    /** {@code GetBufferTimeout(t)}: AM_GBF_NOWAIT with nothing free. */
    public Optional<State> getBufferTimeout(State s, String t) {
        if (!call(s, t) || !s.committed() || !s.freeList().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(s.withResult(t, Result.VFW_E_TIMEOUT));
    }

    /**
     * {@code GetBufferBlocks(t)} with the wait {@code timed} or not (the spec's
     * {@code \E tm \in BOOLEAN}): nothing free; wait for a release, a decommit or, if timed, the
     * deadline.
     */
    public Optional<State> getBufferBlocks(State s, String t, boolean timed) {
        if (!call(s, t) || !s.committed() || !s.freeList().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(s.withPc(t, Pc.BLOCKED).withTimed(t, timed).withResult(t, Result.NONE));
    }

    // ------------------------------------------------------------ blocked GetBuffer returns

    private static boolean blocked(State s, String t) {
        return s.pc().get(t) == Pc.BLOCKED;
    }

    /** {@code EndWait(t)}: the blocked call returns; t is idle, its call no longer timed. */
    private static State endWait(State s, String t) {
        return s.withPc(t, Pc.IDLE).withTimed(t, false);
    }

    /** {@code WakeWithSample(t)} taking buffer {@code b}. */
    public Optional<State> wakeWithSample(State s, String t, int b) {
        if (!blocked(s, t) || !s.committed() || !s.freeList().contains(b)) {
            return Optional.empty();
        }
        return Optional.of(endWait(takeBuffer(s, t, b), t));
    }

    /** {@code WakeNotCommitted(t)}. */
    public Optional<State> wakeNotCommitted(State s, String t) {
        if (!blocked(s, t) || s.committed()) {
            return Optional.empty();
        }
        return Optional.of(endWait(s, t).withResult(t, Result.VFW_E_NOT_COMMITTED));
    }

    /** {@code WaitTimedOut(t)}: the deadline of t's timed wait passed while nothing was free. */
    public Optional<State> waitTimedOut(State s, String t) {
        if (!blocked(s, t) || !s.timed().get(t) || !s.committed() || !s.freeList().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(endWait(s, t).withResult(t, Result.VFW_E_TIMEOUT));
    }

    /** {@code WaitInterrupted(t)}: Thread.interrupt while blocked; takes nothing. */
    public Optional<State> waitInterrupted(State s, String t) {
        if (!blocked(s, t)) {
            return Optional.empty();
        }
        return Optional.of(endWait(s, t).withResult(t, Result.INTERRUPTED));
    }

    // ------------------------------------------------------------ sample steps

    /** {@code AddRef(b)}: {@code refs[b] \in 1..(MaxRefs - 1)}. */
    public Optional<State> addRef(State s, int b) {
        if (!isBuffer(b) || s.refs(b) < 1 || s.refs(b) > maxRefs - 1) {
            return Optional.empty();
        }
        return Optional.of(s.withRefs(b, s.refs(b) + 1));
    }

    /**
     * {@code Release(b)}. The final release (1 -> 0) puts b back on the free list, or, if it was
     * the last one out while a decommit is pending, completes the decommit.
     */
    public Optional<State> release(State s, int b) {
        if (!isBuffer(b) || s.refs(b) == 0) {
            return Optional.empty();
        }
        State next = s.withRefs(b, s.refs(b) - 1);
        if (s.refs(b) == 1 && s.decommitPending() && s.outstanding().equals(Collections.singleton(b))) {
            return Optional.of(next.withDecommitPending(false).withBuffers(new TreeSet<>())
                    .withFreeList(new TreeSet<>()).withSelfRef(false));
        }
        if (s.refs(b) == 1) {
            SortedSet<Integer> free = new TreeSet<>(s.freeList());
            free.add(b);
            next = next.withFreeList(free);
        }
        return Optional.of(next);
    }

    /** Whether the stuttering step {@code Terminating} is enabled: destroyed, no waiters. */
    public boolean terminating(State s) {
        return s.destroyed() && s.waiters().isEmpty();
    }

    // ------------------------------------------------------------ Next

    /**
     * The step {@code action} with these parameters, if enabled in {@code s}: what a history
     * checker asks of each observed event. Parameters an action does not have are ignored.
     *
     * @param thread  the calling thread, for every action but AddRef and Release
     * @param buffer  the buffer, for GetBufferOk, WakeWithSample, AddRef and Release
     * @param request the arguments, for SetProperties
     * @param timed   whether the wait has a deadline, for GetBufferBlocks
     */
    public Optional<State> step(State s, SpecAction action, String thread, int buffer, Request request,
                                boolean timed) {
        if (action != SpecAction.AddRef && action != SpecAction.Release && !threads.contains(thread)) {
            throw new IllegalArgumentException("unknown thread " + thread + " for " + action);
        }
        return switch (action) {
            case SetProperties -> setProperties(s, thread, request);
            case Commit -> commit(s, thread);
            case Decommit -> decommit(s, thread);
            case Close -> close(s, thread);
            case GetBufferOk -> getBufferOk(s, thread, buffer);
            case GetBufferNotCommitted -> getBufferNotCommitted(s, thread);
            case GetBufferTimeout -> getBufferTimeout(s, thread);
            case GetBufferBlocks -> getBufferBlocks(s, thread, timed);
            case WakeWithSample -> wakeWithSample(s, thread, buffer);
            case WakeNotCommitted -> wakeNotCommitted(s, thread);
            case WaitTimedOut -> waitTimedOut(s, thread);
            case WaitInterrupted -> waitInterrupted(s, thread);
            case AddRef -> addRef(s, buffer);
            case Release -> release(s, buffer);
        };
    }

    /**
     * Every enabled step of {@code Next} but {@code Terminating}, in a fixed order: for each thread
     * in constructor order, SetProperties (c ascending, layouts in {@link Layout} order, alignOk
     * FALSE then TRUE), Commit, Decommit, Close, GetBufferOk (b ascending),
     * GetBufferNotCommitted, GetBufferTimeout, GetBufferBlocks (untimed, then timed), WakeWithSample
     * (b ascending),
     * WakeNotCommitted, WaitTimedOut, WaitInterrupted; then for each buffer, AddRef and Release.
     */
    public List<Transition> successors(State s) {
        List<Transition> out = new ArrayList<>();
        for (String t : threads) {
            for (int c = 0; c <= maxBuffers; c++) {
                for (Layout l : Layout.values()) {
                    for (boolean alignOk : new boolean[] {false, true}) {
                        Request r = new Request(c, l, alignOk);
                        setProperties(s, t, r).ifPresent(
                                next -> out.add(new Transition(SpecAction.SetProperties, t, 0, r, next)));
                    }
                }
            }
            add(out, SpecAction.Commit, t, 0, commit(s, t));
            add(out, SpecAction.Decommit, t, 0, decommit(s, t));
            add(out, SpecAction.Close, t, 0, close(s, t));
            for (int b : s.freeList()) {
                add(out, SpecAction.GetBufferOk, t, b, getBufferOk(s, t, b));
            }
            add(out, SpecAction.GetBufferNotCommitted, t, 0, getBufferNotCommitted(s, t));
            add(out, SpecAction.GetBufferTimeout, t, 0, getBufferTimeout(s, t));
            add(out, SpecAction.GetBufferBlocks, t, 0, getBufferBlocks(s, t, false));
            add(out, SpecAction.GetBufferBlocks, t, 0, getBufferBlocks(s, t, true));
            for (int b : s.freeList()) {
                add(out, SpecAction.WakeWithSample, t, b, wakeWithSample(s, t, b));
            }
            add(out, SpecAction.WakeNotCommitted, t, 0, wakeNotCommitted(s, t));
            add(out, SpecAction.WaitTimedOut, t, 0, waitTimedOut(s, t));
            add(out, SpecAction.WaitInterrupted, t, 0, waitInterrupted(s, t));
        }
        for (int b = 1; b <= maxBuffers; b++) {
            add(out, SpecAction.AddRef, null, b, addRef(s, b));
            add(out, SpecAction.Release, null, b, release(s, b));
        }
        return out;
    }

    private static void add(List<Transition> out, SpecAction action, String t, int b, Optional<State> next) {
        next.ifPresent(target -> out.add(new Transition(action, t, b, null, target)));
    }

    // ------------------------------------------------------------ invariants

    /** The spec's {@code TypeOK}. */
    public boolean typeOK(State s) {
        return s.props().count() <= maxBuffers
                && s.buffers().stream().allMatch(this::isBuffer)
                && s.freeList().stream().allMatch(this::isBuffer)
                && s.refs().size() == maxBuffers
                && s.refs().stream().allMatch(r -> r >= 0 && r <= maxRefs)
                && s.pc().keySet().equals(new TreeSet<>(threads))
                && s.timed().keySet().equals(new TreeSet<>(threads))
                && s.result().keySet().equals(new TreeSet<>(threads));
    }

    /** Every allocated buffer is either free or held with a reference, never both; nothing else is held. */
    public static boolean buffersConserved(State s) {
        SortedSet<Integer> out = s.outstanding();
        SortedSet<Integer> union = new TreeSet<>(s.freeList());
        union.addAll(out);
        return Collections.disjoint(s.freeList(), out) && union.equals(s.buffers());
    }

    public static boolean decommitPendingOnlyWhileSamplesOut(State s) {
        return !s.decommitPending() || !s.committed() && !s.outstanding().isEmpty();
    }

    /** The memory is held as long as any sample is out. */
    public static boolean memoryHeldWhileSamplesOut(State s) {
        return s.buffers().containsAll(s.outstanding());
    }

    /** One self-reference per commit cycle, held exactly while memory is; held while committed. */
    public static boolean selfReferenceWhileAllocated(State s) {
        return s.selfRef() == !s.buffers().isEmpty() && (!s.committed() || s.selfRef());
    }

    public static boolean neverDestroyedWithSamplesOut(State s) {
        return !s.destroyed() || s.outstanding().isEmpty() && !s.decommitPending() && s.buffers().isEmpty();
    }

    /** Only a blocked call is timed. */
    public static boolean timedOnlyWhileBlocked(State s) {
        return s.timed().entrySet().stream().allMatch(e -> !e.getValue() || s.pc().get(e.getKey()) == Pc.BLOCKED);
    }

    /** The invariants of {@code MemAllocator.cfg} by their spec names, in the cfg's order. */
    public Map<String, Predicate<State>> invariants() {
        Map<String, Predicate<State>> all = new LinkedHashMap<>();
        all.put("TypeOK", this::typeOK);
        all.put("BuffersConserved", MemAllocatorModel::buffersConserved);
        all.put("DecommitPendingOnlyWhileSamplesOut", MemAllocatorModel::decommitPendingOnlyWhileSamplesOut);
        all.put("MemoryHeldWhileSamplesOut", MemAllocatorModel::memoryHeldWhileSamplesOut);
        all.put("SelfReferenceWhileAllocated", MemAllocatorModel::selfReferenceWhileAllocated);
        all.put("NeverDestroyedWithSamplesOut", MemAllocatorModel::neverDestroyedWithSamplesOut);
        all.put("TimedOnlyWhileBlocked", MemAllocatorModel::timedOnlyWhileBlocked);
        return Collections.unmodifiableMap(all);
    }

    /** The names of the invariants {@code s} violates, in {@link #invariants()} order. */
    public List<String> violatedInvariants(State s) {
        List<String> violated = new ArrayList<>();
        invariants().forEach((name, inv) -> {
            if (!inv.test(s)) {
                violated.add(name);
            }
        });
        return violated;
    }

    // ------------------------------------------------------------ action properties

    /** {@code [][\A b : refs[b] = 0 /\ refs'[b] > 0 => committed]_vars}, for one step s -> t. */
    public static boolean noSampleHandedOutUnlessCommitted(State s, State t) {
        for (int b = 1; b <= s.refs().size(); b++) {
            if (s.refs(b) == 0 && t.refs(b) > 0 && !s.committed()) {
                return false;
            }
        }
        return true;
    }

    /** {@code [][props' # props => ~committed /\ Outstanding = {}]_vars}. */
    public static boolean propertiesChangeOnlyWhenIdle(State s, State t) {
        return s.props().equals(t.props()) || !s.committed() && s.outstanding().isEmpty();
    }

    /**
     * {@code [][\A t : pc[t] = "blocked" /\ ~timed[t] => result'[t] # "VFW_E_TIMEOUT"]_vars}: an
     * untimed wait never times out.
     */
    public static boolean untimedWaitsNeverTimeOut(State s, State t) {
        return s.pc().entrySet().stream().allMatch(e -> e.getValue() != Pc.BLOCKED || s.timed().get(e.getKey())
                || t.result().get(e.getKey()) != Result.VFW_E_TIMEOUT);
    }

    /** The action properties of {@code MemAllocator.cfg} by their spec names. */
    public static Map<String, BiPredicate<State, State>> actionProperties() {
        Map<String, BiPredicate<State, State>> all = new LinkedHashMap<>();
        all.put("NoSampleHandedOutUnlessCommitted", MemAllocatorModel::noSampleHandedOutUnlessCommitted);
        all.put("PropertiesChangeOnlyWhenIdle", MemAllocatorModel::propertiesChangeOnlyWhenIdle);
        all.put("UntimedWaitsNeverTimeOut", MemAllocatorModel::untimedWaitsNeverTimeOut);
        return Collections.unmodifiableMap(all);
    }

    /** The names of the action properties the step {@code s -> t} violates. */
    public static List<String> violatedActionProperties(State s, State t) {
        List<String> violated = new ArrayList<>();
        actionProperties().forEach((name, property) -> {
            if (!property.test(s, t)) {
                violated.add(name);
            }
        });
        return violated;
    }

    // ------------------------------------------------------------ helpers

    private boolean isBuffer(int b) {
        return b >= 1 && b <= maxBuffers;
    }

    private static SortedSet<Integer> interval(int lo, int hi) {
        SortedSet<Integer> set = new TreeSet<>();
        for (int i = lo; i <= hi; i++) {
            set.add(i);
        }
        return set;
    }

    @Override
    public String toString() {
        return "MemAllocatorModel(Threads = " + threads + ", MaxBuffers = " + maxBuffers
                + ", MaxRefs = " + maxRefs + ")";
    }
}
