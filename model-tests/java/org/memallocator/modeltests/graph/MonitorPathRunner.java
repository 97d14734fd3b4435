package org.memallocator.modeltests.graph;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.memallocator.AllocatorProperties;
import org.memallocator.HResult;
import org.memallocator.MediaSample;
import org.memallocator.MemAllocator;
import org.memallocator.MemAllocatorException;
import org.memallocator.SpecAction;
import org.memallocator.SpecEvent;
import org.memallocator.graph.StateGraph;
import org.memallocator.model.Layout;
import org.memallocator.model.Request;
import org.memallocator.modeltests.support.Implementations;
import org.memallocator.oracle.SpecDriver;
import org.memallocator.oracle.SpecThread;
import org.memallocator.oracle.SpecThread.Position;

/**
 * Replays one path of {@code MemAllocatorMonitorGen}'s state graph against a fresh allocator of
 * the implementation under test ({@link Implementations#create()}) through the spec driver
 * ({@link SpecDriver}, one thread per spec thread), and after every step compares the
 * monitor-level state of the spec with the implementation's, observed through the driver:
 * <ul>
 * <li>the condition's wait queue: which threads are parked on the allocator's condition, from
 *     evidence ({@link SpecThread#position}: a spurious unpark sends a signalled thread on to the
 *     wait-loop hook, an unsignalled one back to the condition), in FIFO order (the order of
 *     their last {@code beforePark}) when the spec orders its queue;</li>
 * <li>the woken waiters: blocked, out of the queue and woken to return normally; the driver
 *     holds each in the hook's {@code afterWake} until the path's {@code AwaitReturns} step;</li>
 * <li>the waiter count ({@link MemAllocator#waitingCount()}), the free and outstanding counts,
 *     each outstanding sample's reference count, committed, decommit pending, the properties,
 *     whether the client has closed it, and each thread's call and last result;</li>
 * <li>the free list, through every pop: each sample handed out must be the spec's top of the
 *     free list. Sample numbers are the spec's buffer numbers (both allocate buffer 1 on top), so
 *     no renaming is needed: the LIFO order is checked exactly.</li>
 * </ul>
 * Every step's {@link SpecEvent} is checked too (the contract step it maps to, or none).
 *
 * <p>A thread the spec has woken that is still parked on the condition is a failure named
 * "lost wake-up". Nothing is unrealisable: in the closed world every step of the graph is one
 * the driver can make the implementation take. One choice is the implementation's: while the
 * spec's wait queue is a set, a {@code signal()} may wake any waiter in the spec, and AQS wakes
 * the longest one; two waiters still in the set are indistinguishable in the spec (same pc,
 * result, await exit, no deadline, no interrupt), so the runner renames them (the driver's
 * {@link SpecDriver#swap}) when the implementation woke the other.
 */
final class MonitorPathRunner {

    static final Duration PATIENCE = Duration.ofSeconds(10);

    private final StateGraph graph;
    private final List<StateGraph.Edge> path;
    private final int number;
    private final MonitorState[] states;
    private final MemAllocator impl = Implementations.create();
    private final SpecDriver driver = new SpecDriver(impl, "monitor-", PATIENCE, true);
    private final ConcurrentLinkedQueue<SpecEvent> events = new ConcurrentLinkedQueue<>();
    private final Map<String, String> lastResult = new HashMap<>();
    private final Map<Integer, MediaSample> sampleOf = new HashMap<>();
    private final Map<Integer, Integer> implRefs = new HashMap<>();
    private final List<Integer> executed = new ArrayList<>();
    private int stepNo;

    MonitorPathRunner(StateGraph graph, MonitorState[] states, List<StateGraph.Edge> path, int number) {
        this.graph = graph;
        this.states = states;
        this.path = path;
        this.number = number;
        impl.setSpecTrace(events::add);
        if (!driver.canHold()) {
            throw new IllegalStateException(impl.getClass().getName() + " has no wait-loop hook"
                    + " (org.memallocator.WaitLoopHook): its waiters cannot be held");
        }
    }

    /** Runs the path; returns the edges executed (all of them unless it failed). */
    List<Integer> run() {
        MonitorState initial = states[0];
        for (String t : initial.threads()) {
            driver.thread(t);
            lastResult.put(t, "NONE");
        }
        try {
            compare(initial, "the initial state");
            for (StateGraph.Edge e : path) {
                stepNo++;
                try {
                    step(e, states[e.from()], states[e.to()]);
                    compare(states[e.to()], "the state after the step");
                } catch (AssertionError | RuntimeException failure) {
                    throw new AssertionError(where(e) + "\n  " + failure.getMessage(), failure);
                }
                executed.add(e.index());
            }
            return executed;
        } finally {
            driver.stop();
        }
    }

    List<Integer> executed() {
        return executed;
    }

    // ------------------------------------------------------------ steps

    private void step(StateGraph.Edge e, MonitorState from, MonitorState to) {
        switch (e.action()) {
            case "SetPropertiesOk" -> {
                String t = caller(e.action(), from, to);
                AllocatorProperties request = new Request(to.propsCount(), Layout.VALID, true).example();
                SpecThread.Outcome o = driver.call(t, "setProperties(" + request + ")", () -> impl.setProperties(request));
                returned(t, o, to, SpecAction.SetProperties, 0);
            }
            case "Commit" -> simpleCall("Commit", from, to, "commit()", SpecAction.Commit, () -> {
                impl.commit();
                return null;
            });
            case "Decommit" -> simpleCall("Decommit", from, to, "decommit()", SpecAction.Decommit, () -> {
                impl.decommit();
                return null;
            });
            case "Close" -> simpleCall("Close", from, to, "close()", SpecAction.Close, () -> {
                impl.close();
                return null;
            });
            case "GetBuffer" -> getBuffer(from, to);
            case "AwaitReturns" -> awaitReturns(from, to);
            case "AddRef", "Release" -> sampleStep(e.action(), from, to);
            case StateGraph.TERMINATING -> expectEvents();
            default -> throw new AssertionError("the runner has no step for action " + e.action()
                    + " (MemAllocatorMonitorGen's closed world has none)");
        }
    }

    /**
     * The thread that makes the call of a step: the one idle thread whose pc or result the step
     * changes; or, if it changes none (the call returned what the thread's last call did), an
     * idle thread whose last result is what this call returns in {@code from}, which does not
     * depend on the thread: any such thread takes the same step.
     */
    private String caller(String action, MonitorState from, MonitorState to) {
        List<String> changed = new ArrayList<>();
        for (String t : from.threads()) {
            if (from.pc().get(t).equals("idle")
                    && (!to.pc().get(t).equals("idle") || !from.result().get(t).equals(to.result().get(t)))) {
                changed.add(t);
            }
        }
        require(changed.size() <= 1, "a call step that changes threads " + changed);
        if (changed.size() == 1) {
            return changed.get(0);
        }
        String r = callResult(action, from);
        for (String t : from.threads()) {
            if (from.pc().get(t).equals("idle") && from.result().get(t).equals(r)) {
                return t;
            }
        }
        throw new AssertionError("no idle thread whose last result is " + r + " for " + action);
    }

    /** What a call that does not block returns in state {@code s} (the spec's, whatever the thread). */
    private static String callResult(String action, MonitorState s) {
        return switch (action) {
            case "Commit" -> s.committed() || s.decommitPending() ? "S_OK"
                    : s.propsCount() == 0 || s.propsLayout().equals("sizeNotSet") ? "VFW_E_SIZENOTSET"
                    : s.propsLayout().equals("outOfMemory") ? "E_OUTOFMEMORY" : "S_OK";
            case "GetBuffer" -> !s.committed() ? "VFW_E_NOT_COMMITTED" : s.freeList().isEmpty() ? "VFW_E_TIMEOUT" : "S_OK";
            default -> "S_OK";
        };
    }

    /** The woken waiter whose AwaitReturns step this is: the one woken thread the step changes. */
    private static String waiter(MonitorState from, MonitorState to) {
        List<String> changed = new ArrayList<>(from.threadsChangedTo(to));
        changed.removeIf(t -> !from.woken(t));
        require(changed.size() == 1, "AwaitReturns changing woken threads " + changed);
        return changed.get(0);
    }

    private void simpleCall(String label, MonitorState from, MonitorState to, String what, SpecAction action,
                            Callable<Object> body) {
        String t = caller(label, from, to);
        returned(t, driver.call(t, what, body), to, action, 0);
    }

    /** GetBuffer(t): blocks (held), NOWAIT's timeout, or returns at once with the top of the free list. */
    private void getBuffer(MonitorState from, MonitorState to) {
        String t = caller("GetBuffer", from, to);
        if (to.blocked(t)) {
            Callable<Object> body = stepNo % 2 == 0 ? () -> impl.getBuffer(0) : () -> impl.getBuffer(0L, 0L, 0);
            boolean held = driver.startHeld(t, stepNo % 2 == 0 ? "getBuffer(0)" : "getBuffer(0, 0, 0)", body);
            if (!held) {
                throw new AssertionError(t + ": getBuffer " + driver.thread(t).outcome() + " instead of blocking");
            }
            expectEvents(new Expected(SpecAction.GetBufferBlocks, t, 0));
            lastResult.put(t, "NONE");
        } else if (to.result().get(t).equals("VFW_E_TIMEOUT")) {
            SpecThread.Outcome o = driver.call(t, "getBuffer(NOWAIT)", () -> impl.getBuffer(MemAllocator.AM_GBF_NOWAIT));
            returned(t, o, to, SpecAction.GetBufferTimeout, 0);
        } else {
            SpecThread.Outcome o = driver.call(t, "getBuffer(0)", () -> impl.getBuffer(0));
            boolean ok = to.result().get(t).equals("S_OK");
            returned(t, o, to, ok ? SpecAction.GetBufferOk : SpecAction.GetBufferNotCommitted, ok ? from.top() : 0);
        }
    }

    /**
     * AwaitReturns(t): the woken, held waiter is let go once; it re-checks, and either returns
     * (with the top of the free list, or VFW_E_NOT_COMMITTED) or parks again.
     */
    private void awaitReturns(MonitorState from, MonitorState to) {
        String t = waiter(from, to);
        SpecThread.Wake wake = driver.recheck(t);
        if (to.blocked(t)) {
            if (wake == SpecThread.Wake.RETURNED) {
                throw new AssertionError(t + ": its woken getBuffer returned " + driver.thread(t).outcome()
                        + ", but the spec has it wait again (committed, nothing free): an if instead of a while?");
            }
            expectEvents();
            return;
        }
        if (wake != SpecThread.Wake.RETURNED) {
            throw new AssertionError(t + ": its woken getBuffer parked again, but the spec has it return "
                    + to.result().get(t) + " (" + (from.committed() ? "buffers " + from.freeList() + " free" : "not committed") + ")");
        }
        boolean ok = to.result().get(t).equals("S_OK");
        returned(t, driver.thread(t).outcome(), to, ok ? SpecAction.WakeWithSample : SpecAction.WakeNotCommitted,
                ok ? from.top() : 0);
    }

    /** AddRef(b) or Release(b), on the test thread (the spec gives sample steps no thread). */
    private void sampleStep(String action, MonitorState from, MonitorState to) {
        List<Integer> changed = from.buffersChangedTo(to);
        require(changed.size() == 1, action + " changing refs of buffers " + changed);
        int b = changed.get(0);
        MediaSample sample = sampleOf.get(b);
        require(sample != null, "no sample " + b + " was handed out in this commit cycle");
        boolean addRef = action.equals("AddRef");
        int count = addRef ? sample.addRef() : sample.release();
        require(count == to.refs(b), action.toLowerCase() + "() of sample " + b + " returned " + count
                + ", the spec's refs[" + b + "] becomes " + to.refs(b));
        implRefs.put(b, count);
        expectEvents(new Expected(addRef ? SpecAction.AddRef : SpecAction.Release, null, b));
        followSignal(from, to);
    }

    /**
     * After a Release: while the spec's wait queue is an unordered set, the spec's signal may
     * have picked another waiter than the implementation's (AQS's longest waiter). Two waiters
     * that were both in the set are interchangeable: rename them.
     */
    private void followSignal(MonitorState from, MonitorState to) {
        if (to.ordered()) {
            return; // the spec's signal() takes the head, as AQS does: nothing to follow
        }
        for (String w : from.waiting()) {
            if (to.woken(w) && driver.position(w) == Position.PARKED) {
                for (String h : from.waiting()) {
                    if (!h.equals(w) && to.waiting().contains(h) && driver.position(h) == Position.WOKEN_HELD) {
                        driver.swap(w, h);
                        return;
                    }
                }
            }
        }
    }

    /** The call of {@code t} returned: its outcome must be the spec's result, and its event the step's. */
    private void returned(String t, SpecThread.Outcome o, MonitorState to, SpecAction action, int buffer) {
        String expected = to.result().get(t);
        String got = resultOf(o);
        require(got.equals(expected), t + ": " + driver.thread(t).currentCall() + " " + o + ", the spec's result is "
                + expected);
        if (buffer != 0) {
            require(o.value() instanceof MediaSample, t + ": returned " + o.value());
            sampleOf.put(buffer, (MediaSample) o.value());
            implRefs.put(buffer, 1);
        }
        lastResult.put(t, got);
        expectEvents(new Expected(action, t, buffer));
    }

    private static String resultOf(SpecThread.Outcome o) {
        if (o.thrown() == null) {
            return "S_OK";
        }
        if (o.thrown() instanceof InterruptedException) {
            return "INTERRUPTED";
        }
        if (o.thrown() instanceof MemAllocatorException e) {
            return e.hresult().name();
        }
        throw new AssertionError("threw " + o.thrown(), o.thrown());
    }

    // ------------------------------------------------------------ events

    /** An expected spec event: its action, thread (null: the test's own) and buffer (0: none). */
    private record Expected(SpecAction action, String thread, int buffer) {
    }

    private void expectEvents(Expected... expected) {
        List<SpecEvent> all = new ArrayList<>();
        for (SpecEvent e = events.poll(); e != null; e = events.poll()) {
            all.add(e);
        }
        boolean same = all.size() == expected.length;
        for (int i = 0; same && i < expected.length; i++) {
            SpecEvent e = all.get(i);
            Thread thread = expected[i].thread() == null ? Thread.currentThread() : driver.thread(expected[i].thread()).thread();
            same = e.action() == expected[i].action() && e.thread() == thread && e.buffer() == expected[i].buffer();
        }
        require(same, "events " + all + ", expected " + List.of(expected));
    }

    // ------------------------------------------------------------ the comparison

    /**
     * Compares the implementation, observed through the driver, with the spec state {@code s}:
     * each thread, the wait queue, the allocator-level fields ({@link AllocatorFields}, as the
     * contract's runner does) and the reference counts.
     */
    private void compare(MonitorState s, String what) {
        StringBuilder diff = new StringBuilder();
        List<String> parked = driver.parkedQueue();
        for (String t : s.threads()) {
            Position p = driver.position(t);
            String pc = s.pc().get(t);
            if (s.woken(t) && p == Position.PARKED) {
                diff.append("\n    lost wake-up: ").append(t).append(" is still parked on the allocator's condition,"
                        + " but the spec has woken it (it may return now)");
                continue;
            }
            if (pc.equals("idle")) {
                if (p != Position.IDLE && p != Position.RETURNED) {
                    diff.append("\n    ").append(t).append(": spec idle, implementation ").append(p);
                }
            } else {
                AllocatorFields.differ(diff, t + " position", s.waiting().contains(t) ? Position.PARKED
                        : s.woken(t) ? Position.WOKEN_HELD : "(" + s.awaitExit().get(t) + ")", p);
            }
            AllocatorFields.differ(diff, t + " result", s.result().get(t), lastResult.get(t));
        }
        if (s.ordered()) {
            AllocatorFields.differ(diff, "wait queue (head first)", s.waiting(), parked);
        } else {
            AllocatorFields.differ(diff, "wait set", new java.util.TreeSet<>(s.waiting()), new java.util.TreeSet<>(parked));
        }
        new AllocatorFields(s.committed(), s.decommitPending(), s.freeList().size(), s.outstanding(), s.waiters(),
                s.clientRef(), s.propsCount(), s.propsLayout()).differences(impl, diff);
        for (int b = 1; b <= s.refs().size(); b++) {
            if (s.refs(b) > 0) {
                AllocatorFields.differ(diff, "refs of sample " + b, s.refs(b), implRefs.get(b));
            }
        }
        if (diff.length() > 0) {
            throw new AssertionError(what + " differs:" + diff + "\n  spec: " + s);
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    private String where(StateGraph.Edge e) {
        StringBuilder s = new StringBuilder("[" + Implementations.name() + "] path " + number + ", step " + stepNo
                + " of " + path.size() + ": " + e.action() + "\n  from: " + oneLine(e.from()) + "\n  to:   "
                + oneLine(e.to()) + "\n  steps so far:");
        for (StateGraph.Edge p : path.subList(Math.max(0, stepNo - 13), stepNo - 1)) {
            s.append(' ').append(p.action()).append(';');
        }
        return s.toString();
    }

    private String oneLine(int state) {
        return graph.states().get(state).replaceAll("\\s*\\R\\s*", " ");
    }
}
