package org.memallocator.modeltests.trace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.memallocator.SpecAction;
import org.memallocator.model.Pc;
import org.memallocator.model.State;

/**
 * Checks a monitor-level trace with executable code: the judgement of
 * {@code spec/MemAllocatorMonitorTrace.tla} under TLC, in microseconds. The contract steps go
 * through the contract's model ({@link ModelTraceChecker.Cursor}: results, invariants, action
 * properties); on top of it this class keeps what {@code MemAllocatorMonitor.tla} adds and the
 * contract cannot see (the free list as a stack, the condition's wait queue in order, how each
 * woken wait ends, interrupt status, the locked region in progress) and checks each event against
 * it, the rules of the trace spec one for one:
 * <ul>
 * <li>a region calls {@code signal()} exactly when the spec's Release does (a final release with
 *     waiters), {@code signalAll()} exactly when its Decommit or Close does (committed, waiters);</li>
 * <li>after every event the wait queue the Java reported is the spec's, in order (before the
 *     park, for {@code Await} and {@code GetBufferBlocks});</li>
 * <li>a wait ends only once the spec has woken the waiter, the way the spec says, and a woken
 *     waiter waits again, or leaves, exactly as the spec's loop does.</li>
 * </ul>
 * Interrupts and a timed waiter's deadline are not reported; before each event they may have
 * happened to any blocked thread (the spec's Interrupt, and WakesByItself for a timed call), so
 * the checker follows every monitor state the events so far allow, a handful at most.
 */
final class MonitorTraceChecker {

    static final Set<String> CONDITION_STEPS = Set.of("Await", "Signal", "SignalAll", "AwaitReturns", "AwaitThrows");

    /** The situations a monitor trace should contain, counted by {@link #check}. */
    static final String SECOND_SIGNAL = "a release signals while an earlier woken waiter has not run";
    static final String SIGNAL_ALL_WITH_A_BUFFER_FREE = "signalAll with a buffer free and a waiter";
    static final String WAITS_AGAIN = "a woken waiter waits again";

    private final ModelTraceChecker contract;
    private final Map<String, Integer> situations = new TreeMap<>();
    /** The situations of the event being matched, on any of the states it matched from. */
    private final Set<String> seenAtThisEvent = new HashSet<>();

    MonitorTraceChecker(ModelTraceChecker contract) {
        this.contract = contract;
    }

    /** A checker whose constants fit the trace (see {@link TraceModule#constants}). */
    static MonitorTraceChecker forTrace(List<String> threads, List<MonitorTraceEvent> trace) {
        return new MonitorTraceChecker(ModelTraceChecker.forTrace(threads,
                trace.stream().map(MonitorTraceEvent::event).toList()));
    }

    /** How often each situation occurred in the last trace checked (on some matching behaviour). */
    Map<String, Integer> situations() {
        return situations;
    }

    /**
     * The monitor's state beyond the contract's: the free stack (top last), the wait queue
     * (longest waiter first), each thread's awaitExit and interrupt status, and the locked region
     * in progress ({@code kind} "none", "blocked", "resumed", "throwing", "Signal", "SignalAll").
     */
    private record Mon(List<Integer> free, List<String> queue, Map<String, String> exit, Set<String> interrupted,
                       String kind, String owner) {

        Mon {
            free = List.copyOf(free);
            queue = List.copyOf(queue);
            exit = Map.copyOf(exit);
            interrupted = Set.copyOf(interrupted);
        }

        String exit(String t) {
            return exit.getOrDefault(t, "none");
        }

        boolean between() {
            return kind.equals("none");
        }

        boolean in(String k, String t) {
            return kind.equals(k) && owner.equals(t);
        }

        Mon region(String k, String t) {
            return new Mon(free, queue, exit, interrupted, k, t);
        }

        Mon withFree(List<Integer> f) {
            return new Mon(f, queue, exit, interrupted, kind, owner);
        }

        /** Threads {@code woken} leave the queue; their await() will end with {@code how}. */
        Mon wake(Set<String> woken, String how) {
            List<String> q = new ArrayList<>(queue);
            q.removeAll(woken);
            Map<String, String> x = new HashMap<>(exit);
            woken.forEach(t -> x.put(t, how));
            return new Mon(free, q, x, interrupted, kind, owner);
        }

        Mon exit(String t, String how) {
            Map<String, String> x = new HashMap<>(exit);
            x.put(t, how);
            return new Mon(free, queue, x, interrupted, kind, owner);
        }

        /** The spec's Await(t): joins the tail, or with its interrupt status set throws at once. */
        Mon park(String t) {
            if (interrupted.contains(t)) {
                Set<String> i = new HashSet<>(interrupted);
                i.remove(t);
                return new Mon(free, queue, exit, i, kind, owner).exit(t, "throws");
            }
            List<String> q = new ArrayList<>(queue);
            q.add(t);
            return new Mon(free, q, exit, interrupted, kind, owner).exit(t, "none");
        }

        Mon interrupt(String t) {
            Set<String> i = new HashSet<>(interrupted);
            i.add(t);
            return new Mon(free, queue, exit, i, kind, owner);
        }
    }

    /** A monitor state, or why the event does not match it. */
    private record Outcome(Mon next, String why) {
        static Outcome no(String why) {
            return new Outcome(null, why);
        }
    }

    TraceVerdict check(List<MonitorTraceEvent> trace) {
        situations.clear();
        ModelTraceChecker.Cursor cursor = contract.cursor();
        Set<Mon> frontier = Set.of(new Mon(List.of(), List.of(), Map.of(), Set.of(), "none", "none"));
        for (int i = 0; i < trace.size(); i++) {
            MonitorTraceEvent me = trace.get(i);
            TraceEvent e = me.event();
            int position = i + 1;
            String malformed = malformed(me);
            if (malformed != null) {
                return new TraceVerdict("monitor model", TraceVerdict.Outcome.MALFORMED, position, me, malformed,
                        trace.size());
            }
            State before = cursor.state();
            if (!CONDITION_STEPS.contains(e.action())) {
                String why = cursor.advance(e);
                if (why != null) {
                    return rejected(position, me, "the contract: " + why, before, frontier, trace.size());
                }
            }
            State after = cursor.state();
            Set<Mon> next = new LinkedHashSet<>();
            seenAtThisEvent.clear();
            String why = null; // preferably why a state with no unreported step before it fails
            boolean whyWithoutHiddenSteps = false;
            for (Mon m : hidden(frontier, before)) {
                Outcome o = match(m, e, me.queue(), before, after);
                if (o.next() != null) {
                    next.add(o.next());
                } else if (why == null || !whyWithoutHiddenSteps && frontier.contains(m)) {
                    why = o.why();
                    whyWithoutHiddenSteps = frontier.contains(m);
                }
            }
            if (next.isEmpty()) {
                return rejected(position, me, why, before, frontier, trace.size());
            }
            seenAtThisEvent.forEach(k -> situations.merge(k, 1, Integer::sum));
            frontier = next;
        }
        if (frontier.stream().noneMatch(Mon::between)) {
            return new TraceVerdict("monitor model", TraceVerdict.Outcome.REJECTED, trace.size(),
                    trace.isEmpty() ? null : trace.get(trace.size() - 1),
                    "the trace ends inside a locked region: " + frontier, trace.size());
        }
        return TraceVerdict.accepted("monitor model", trace.size());
    }

    /** {@code frontier} and every state the unreported steps (interrupts, deadlines) lead to from it. */
    private Set<Mon> hidden(Set<Mon> frontier, State s) {
        Set<Mon> all = new LinkedHashSet<>(frontier);
        Deque<Mon> todo = new ArrayDeque<>(frontier);
        while (!todo.isEmpty()) {
            Mon m = todo.pop();
            List<Mon> moves = new ArrayList<>();
            for (String t : s.waiters()) {
                if (m.queue().contains(t)) {
                    moves.add(m.wake(Set.of(t), "throws"));                     // Interrupt: cancelled
                    if (Boolean.TRUE.equals(s.timed().get(t))) {
                        moves.add(m.wake(Set.of(t), "returns"));                // WakesByItself: deadline
                    }
                } else if (m.exit(t).equals("returns") && !m.interrupted().contains(t)) {
                    moves.add(m.interrupt(t));                                   // Interrupt: status set
                }
            }
            for (Mon n : moves) {
                if (all.add(n)) {
                    todo.push(n);
                }
            }
        }
        return all;
    }

    private Outcome match(Mon m, TraceEvent e, List<String> q, State before, State after) {
        String t = e.thread();
        int waiters = before.waiters().size();
        boolean blocked = before.pc().get(t) == Pc.BLOCKED;
        switch (e.action()) {
            case "Signal", "SignalAll" -> {
                return m.between() ? seenLater(m.region(e.action(), t)) : busy(m, e);
            }
            case "SetProperties", "AddRef", "GetBufferNotCommitted", "GetBufferTimeout" -> {
                return m.between() ? seen(m, q) : busy(m, e);
            }
            case "Commit" -> {
                if (!m.between()) {
                    return busy(m, e);
                }
                boolean allocates = !before.committed() && !before.decommitPending() && "S_OK".equals(e.result());
                return seen(allocates ? m.withFree(newStack(after.buffers().size())) : m, q);
            }
            case "GetBufferOk" -> {
                if (!m.between()) {
                    return busy(m, e);
                }
                Outcome popped = pop(m, e);
                return popped.next() == null ? popped : seen(popped.next(), q);
            }
            case "Decommit", "Close" -> {
                boolean specCalls = before.committed() && waiters > 0;
                String region = calledIff(m, e, "SignalAll", specCalls,
                        "a " + e.action() + " of a committed allocator with " + waiters + " waiter(s)");
                if (region != null) {
                    return Outcome.no(region);
                }
                Mon n = m.region("none", "none");
                if (before.committed()) {
                    if (before.outstanding().isEmpty()) {
                        n = n.withFree(List.of());
                    }
                    if (waiters > 0) {
                        if (!n.free().isEmpty()) {
                            count(SIGNAL_ALL_WITH_A_BUFFER_FREE);
                        }
                        n = n.wake(Set.copyOf(n.queue()), "returns");
                    }
                }
                return seen(n, q);
            }
            case "GetBufferBlocks" -> {
                return m.between() ? seenBeforePark(m.park(t).region("blocked", t), t, q) : busy(m, e);
            }
            case "Await" -> {
                if (m.in("blocked", t)) {
                    return seenBeforePark(m.region("none", "none"), t, q); // parked by its GetBufferBlocks
                }
                if (!m.in("resumed", t)) {
                    return Outcome.no(t + " waits, but it is neither blocking nor back from a wait (region "
                            + m.kind() + " of " + m.owner() + ")");
                }
                if (!before.committed() || !m.free().isEmpty()) {
                    return Outcome.no("woken, " + t + " waits again, but the spec's loop leaves: "
                            + (before.committed() ? "buffers " + m.free() + " are free" : "not committed"));
                }
                count(WAITS_AGAIN);
                return seenBeforePark(m.park(t).region("none", "none"), t, q);
            }
            case "AwaitReturns", "AwaitThrows" -> {
                if (!m.between()) {
                    return busy(m, e);
                }
                String how = e.action().equals("AwaitReturns") ? "returns" : "throws";
                if (!blocked || m.queue().contains(t) || !m.exit(t).equals(how)) {
                    return Outcome.no(t + "'s wait ended (await() " + how + "), but in the spec "
                            + (!blocked ? t + " is not blocked" : m.queue().contains(t)
                            ? "nobody woke it: it is still in the wait queue " + m.queue()
                            : "its await() " + m.exit(t)));
                }
                return seen(m.region(how.equals("returns") ? "resumed" : "throwing", t), q);
            }
            case "WaitInterrupted" -> {
                return m.in("throwing", t) ? seen(m.exit(t, "none").region("none", "none"), q)
                        : Outcome.no(t + " returned INTERRUPTED without its await() throwing first");
            }
            case "WakeWithSample", "WakeNotCommitted", "WaitTimedOut" -> {
                boolean resumed = m.in("resumed", t);
                boolean atOnce = e.action().equals("WaitTimedOut") && m.in("blocked", t)
                        && !m.queue().contains(t) && m.exit(t).equals("returns");
                if (!resumed && !atOnce) {
                    return Outcome.no(t + " leaves its wait loop (" + e.action() + ") without being back from a wait");
                }
                String spec = !before.committed() ? "WakeNotCommitted"
                        : !m.free().isEmpty() ? "WakeWithSample"
                        : Boolean.TRUE.equals(before.timed().get(t)) ? "WaitTimedOut" : "Await";
                if (!spec.equals(e.action())) {
                    return Outcome.no("the spec's wait loop, with " + (before.committed() ? "" : "the allocator not committed, ")
                            + "free stack " + m.free() + ", takes " + spec + " here, not " + e.action());
                }
                Mon n = m.exit(t, "none").region("none", "none");
                if (spec.equals("WakeWithSample")) {
                    Outcome popped = pop(n, e);
                    return popped.next() == null ? popped : seen(popped.next(), q);
                }
                return seen(n, q);
            }
            case "Release" -> {
                int b = e.buffer();
                boolean last = before.refs(b) == 1;
                boolean specCalls = last && waiters > 0;
                String region = calledIff(m, e, "Signal", specCalls,
                        "a final release with " + waiters + " waiter(s)");
                if (region != null) {
                    return Outcome.no(region);
                }
                Mon n = m.region("none", "none");
                if (last) {
                    if (waiters > 0 && !n.queue().isEmpty()) {
                        Mon m0 = n;
                        boolean earlierWokenWaiting = before.waiters().stream()
                                .anyMatch(w -> !m0.queue().contains(w) && m0.exit(w).equals("returns"));
                        if (earlierWokenWaiting) {
                            count(SECOND_SIGNAL);
                        }
                        n = n.wake(Set.of(n.queue().get(0)), "returns");
                    }
                    if (before.decommitPending() && before.outstanding().equals(Set.of(b))) {
                        n = n.withFree(List.of());
                    } else {
                        List<Integer> f = new ArrayList<>(n.free());
                        f.add(b);
                        n = n.withFree(f);
                    }
                }
                return seen(n, q);
            }
            default -> {
                return Outcome.no("unknown action " + e.action());
            }
        }
    }

    private void count(String situation) {
        seenAtThisEvent.add(situation);
    }

    /** Null if the region made the condition call {@code call} exactly when the spec calls it, else why not. */
    private static String calledIff(Mon m, TraceEvent e, String call, boolean specCalls, String what) {
        if (specCalls && !m.in(call, e.thread())) {
            return what + " must call " + (call.equals("Signal") ? "signal()" : "signalAll()")
                    + ", and this one called none" + (m.between() ? "" : " (region " + m.kind() + " of " + m.owner() + ")");
        }
        if (!specCalls && !m.between()) {
            return m.in(call, e.thread()) ? e.action() + " called " + call + " where the spec's step calls none"
                    : "region " + m.kind() + " of " + m.owner() + " is in progress";
        }
        return null;
    }

    private static Outcome busy(Mon m, TraceEvent e) {
        return Outcome.no(e.action() + " of " + e.thread() + " inside the locked region " + m.kind() + " of " + m.owner());
    }

    private static Outcome pop(Mon m, TraceEvent e) {
        if (m.free().isEmpty() || m.free().get(m.free().size() - 1) != e.buffer()) {
            return Outcome.no("the buffer taken is " + e.buffer() + ", the top of the spec's free stack " + m.free()
                    + " is not");
        }
        return new Outcome(m.withFree(m.free().subList(0, m.free().size() - 1)), null);
    }

    private static Outcome seen(Mon m, List<String> q) {
        return m.queue().equals(q) ? new Outcome(m, null)
                : Outcome.no("the condition's wait queue is " + q + " in the Java, " + m.queue() + " in the spec");
    }

    /** Signal and SignalAll: the queue is checked at the Release, Decommit or Close of the same region. */
    private static Outcome seenLater(Mon m) {
        return new Outcome(m, null);
    }

    private static Outcome seenBeforePark(Mon m, String t, List<String> q) {
        List<String> without = new ArrayList<>(m.queue());
        without.remove(t);
        return without.equals(q) ? new Outcome(m, null)
                : Outcome.no("the condition's wait queue before " + t + " parks is " + q + " in the Java, " + without
                        + " in the spec");
    }

    /** The free stack of a fresh commit: buffer 1 on top. */
    private static List<Integer> newStack(int count) {
        List<Integer> f = new ArrayList<>();
        for (int b = count; b >= 1; b--) {
            f.add(b);
        }
        return f;
    }

    private TraceVerdict rejected(int position, MonitorTraceEvent e, String why, State before, Set<Mon> frontier,
                                  int length) {
        return new TraceVerdict("monitor model", TraceVerdict.Outcome.REJECTED, position, e,
                why + "\ncontract state before it: " + before + "\nmonitor state(s) before it ("
                        + frontier.size() + "; the first 3): " + frontier.stream().limit(3).toList(), length);
    }

    /** Why the event cannot be read, or null. */
    private String malformed(MonitorTraceEvent me) {
        if (me.queue() == null) {
            return "no wait queue: the implementation does not report the monitor's steps (MonitorTrace)";
        }
        List<String> threads = contract.model().threads();
        for (String w : me.queue()) {
            if (!threads.contains(w)) {
                return "unknown thread \"" + w + "\" in the wait queue";
            }
        }
        if (CONDITION_STEPS.contains(me.action())) {
            return threads.contains(me.thread()) ? null : "unknown thread \"" + me.thread() + "\"";
        }
        try {
            SpecAction.valueOf(me.action());
        } catch (IllegalArgumentException | NullPointerException unknown) {
            return "unknown action \"" + me.action() + "\"";
        }
        return contract.malformed(me.event());
    }
}
