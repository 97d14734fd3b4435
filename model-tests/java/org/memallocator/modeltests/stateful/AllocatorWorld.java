package org.memallocator.modeltests.stateful;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.memallocator.AllocatorProperties;
import org.memallocator.MediaSample;
import org.memallocator.MemAllocator;
import org.memallocator.MemAllocatorException;
import org.memallocator.model.MemAllocatorModel;
import org.memallocator.model.Pc;
import org.memallocator.model.Props;
import org.memallocator.model.Request;
import org.memallocator.model.Result;
import org.memallocator.model.State;
import org.memallocator.modeltests.support.Implementations;
import org.memallocator.oracle.SpecThread;
import org.opentest4j.TestAbortedException;

/**
 * The state of one jqwik action chain: the implementation under test
 * ({@link Implementations#create()}), one {@link SpecThread} per spec thread, and the executable
 * model ({@link MemAllocatorModel}) in the state the implementation's observed steps led to.
 *
 * <p>Every method below is one jqwik action: it makes the implementation call(s), advances the
 * model by the spec steps the implementation was seen to take (accepting the implementation's
 * choices, such as which free buffer it handed out or which waiter it woke, after checking the
 * model allows them), and then {@link #settle() settles}: every blocked call is given the chance
 * to return, each return is matched to the spec step that explains it, and a call still blocked
 * although the spec would let it return (a lost wake-up) is a failure. {@link #checkRefinement()}
 * then compares the implementation's observable state with the model's.
 *
 * <p>Which steps must wake whom. The spec only permits wake-ups; what forces them is the fair
 * specification ({@code SF} of {@code WakeWithSample} and {@code WakeNotCommitted}): once the
 * test stops issuing calls, a waiter that could return must return. So after every action the
 * test requires: no waiter blocked while the allocator is not committed (a Decommit or Close wakes
 * all of them), and no waiter blocked while a buffer is free (a final Release with waiters wakes
 * one of them, whichever the implementation picks; the others stay blocked). A return that no
 * step explains (a sample twice, a timeout of an untimed call, an interrupt nobody sent) fails.
 *
 * <p>Between a step that enables a wake-up and the wake-up the spec lets other steps happen; a
 * real woken thread runs as soon as it gets the lock, so two actions hold the waiters
 * ({@link SpecThread#hold}) to get there: a GetBufferOk that barges in after the final Release
 * that woke a waiter ({@link #bargingGetBufferOk}), and a Commit right after the Decommit that
 * woke them ({@link #decommitThenCommitBeforeWaitersRun}). Either way a woken waiter then finds
 * the allocator committed with nothing free, and must wait again.
 *
 * <p>Only the test's main thread calls these methods; the allocator is called from the spec
 * threads' {@link SpecThread}s and, for sample steps and observations, from a "holder" thread, so
 * that a call that hangs fails after the patience instead of stalling the build.
 */
final class AllocatorWorld implements AutoCloseable {

    static final List<String> THREADS = List.of("t1", "t2", "t3");
    static final int MAX_BUFFERS = 3;
    static final int MAX_REFS = 3;

    /** A deadline no call of a chain reaches: a timed call that must not time out. */
    static final Duration LONG_TIMEOUT = Duration.ofMinutes(10);

    /** How a getBuffer call is made. */
    enum Flavour {
        WAIT("getBuffer(0)", false, false),
        WAIT_WITH_TIMES("getBuffer(10, 20, NOTASYNCPOINT)", false, false),
        NOWAIT("getBuffer(NOWAIT)", true, false),
        NOWAIT_WITH_IGNORED_FLAGS("getBuffer(NOWAIT | PREVFRAMESKIPPED | NODDSURFACELOCK)", true, false),
        TIMED_LONG("getBuffer(0, 10 min)", false, true),
        TIMED_ZERO("getBuffer(0, 0 ms)", true, true),
        TIMED_NEGATIVE("getBuffer(0, -5 ms)", true, true);

        final String call;
        /** The call does not wait when nothing is free: VFW_E_TIMEOUT at once. */
        final boolean noWait;
        final boolean timed;

        Flavour(String call, boolean noWait, boolean timed) {
            this.call = call;
            this.noWait = noWait;
            this.timed = timed;
        }

        MediaSample invoke(MemAllocator a) throws InterruptedException {
            return switch (this) {
                case WAIT -> a.getBuffer(0);
                case WAIT_WITH_TIMES -> a.getBuffer(10L, 20L, MemAllocator.AM_GBF_NOTASYNCPOINT);
                case NOWAIT -> a.getBuffer(MemAllocator.AM_GBF_NOWAIT);
                case NOWAIT_WITH_IGNORED_FLAGS -> a.getBuffer(MemAllocator.AM_GBF_NOWAIT
                        | MemAllocator.AM_GBF_PREVFRAMESKIPPED | MemAllocator.AM_GBF_NODDSURFACELOCK);
                case TIMED_LONG -> a.getBuffer(0, LONG_TIMEOUT);
                case TIMED_ZERO -> a.getBuffer(0, Duration.ZERO);
                case TIMED_NEGATIVE -> a.getBuffer(0, Duration.ofMillis(-5));
            };
        }
    }

    /**
     * One step of a chain as the property generated it: the jqwik action's precondition and the
     * body, which resolves its thread and buffer parameters against the state when it runs. The
     * world keeps the steps it performed so that a failing chain can be replayed, and shortened,
     * on a fresh allocator ({@link ChainMinimizer}).
     */
    record Step(String description, Predicate<AllocatorWorld> enabled, Consumer<AllocatorWorld> body) {
        @Override
        public String toString() {
            return description;
        }
    }

    /** A disagreement between the implementation and the spec, with a kind for comparing failures. */
    static final class SpecMismatch extends AssertionError {
        final String kind;

        SpecMismatch(String kind, String message) {
            super(message);
            this.kind = kind;
        }

        SpecMismatch(String kind, String message, Throwable cause) {
            super(message, cause);
            this.kind = kind;
        }
    }

    /** The implementation's observable state, read in one go on the holder thread. */
    record Observation(boolean committed, boolean decommitPending, int free, int outstanding, int waiting,
                       AllocatorProperties props, boolean open) {
    }

    final MemAllocatorModel model = new MemAllocatorModel(THREADS, MAX_BUFFERS, MAX_REFS);
    final String implementation = Implementations.name();
    private final MemAllocator allocator = Implementations.create();
    /** Whether the waiters can be held: the allocator has the wait-loop hook (WaitLoopHook). */
    private final boolean canHold = SpecThread.attach(allocator);
    private final Map<String, SpecThread> threads = new LinkedHashMap<>();
    private final SpecThread holder;

    private State state = model.init();
    /** result[t] as observed: the outcome of t's last call. */
    private final SortedMap<String, Result> observedResult = new TreeMap<>();
    /** The timeout of each blocked call (null: untimed), to tell a legal timeout from a bogus one. */
    private final Map<String, Duration> blockedTimeout = new LinkedHashMap<>();
    /** Threads this test interrupted and whose call has not reported it yet. */
    private final Map<String, Boolean> interruptSent = new LinkedHashMap<>();
    /** The samples of this commit cycle the test has seen, by buffer number, and back. */
    private final Map<Integer, MediaSample> sampleOf = new TreeMap<>();
    private final Map<MediaSample, Integer> numberOf = new IdentityHashMap<>();
    /** Samples of finished commit cycles: they must stay dead. */
    private final List<MediaSample> dead = new ArrayList<>();
    /** The spec steps taken so far, for failure messages. */
    private final List<String> steps = new ArrayList<>();
    private boolean terminatingChecked;
    /** How many actions ran with waiters held (barging, decommit-then-commit). */
    private int heldRuns;
    /** The chain's steps performed so far, the last one possibly failed, with the spec steps each took. */
    private final List<Step> performed = new ArrayList<>();
    private final List<List<String>> specStepsOf = new ArrayList<>();

    AllocatorWorld(Duration patience) {
        for (String t : THREADS) {
            threads.put(t, new SpecThread(t, "stateful-", patience));
            observedResult.put(t, Result.NONE);
        }
        holder = new SpecThread("holder", "stateful-", patience);
    }

    State state() {
        return state;
    }

    int stepCount() {
        return steps.size();
    }

    boolean terminatingChecked() {
        return terminatingChecked;
    }

    int heldRuns() {
        return heldRuns;
    }

    /** Performs one step of the chain, remembering it for a replay. */
    void perform(Step step) {
        performed.add(step);
        int before = steps.size();
        try {
            step.body().accept(this);
        } finally {
            specStepsOf.add(List.copyOf(steps.subList(before, steps.size())));
        }
    }

    /** The spec steps the i-th performed step took (for a failed step: those before it failed). */
    List<String> specStepsOf(int i) {
        return specStepsOf.get(i);
    }

    List<Step> performed() {
        return List.copyOf(performed);
    }

    List<String> specSteps() {
        return List.copyOf(steps);
    }

    // ------------------------------------------------------------ actions

    /** SetProperties(t, c, l, alignOk) with a concrete request abstracting to (c, l, alignOk). */
    void setProperties(String t, AllocatorProperties request) {
        Request abstracted = Request.of(request);
        State next = enabled(model.setProperties(state, t, abstracted));
        SpecThread.Outcome o = threads.get(t).call("setProperties(" + request + ")",
                () -> allocator.setProperties(request));
        Result r = resultOf(t, o);
        take("SetProperties(" + t + ", " + abstracted + ")", Optional.of(next), t, r);
        if (r == Result.S_OK && !request.rounded().equals(o.value())) {
            fail("wrong properties", "setProperties(" + request + ") returned " + o.value() + ", not the rounded request "
                    + request.rounded());
        }
        settle();
    }

    void commit(String t) {
        State next = enabled(model.commit(state, t));
        Result r = resultOf(t, threads.get(t).call("commit()", () -> {
            allocator.commit();
            return null;
        }));
        take("Commit(" + t + ")", Optional.of(next), t, r);
        settle();
    }

    /** Decommit(t) with nobody blocked (with waiters it is {@link #wakeNotCommitted}). */
    void decommit(String t) {
        requireNoWaiters();
        State next = enabled(model.decommit(state, t));
        Result r = resultOf(t, threads.get(t).call("decommit()", () -> {
            allocator.decommit();
            return null;
        }));
        take("Decommit(" + t + ")", Optional.of(next), t, r);
        settle();
    }

    /** Close(t) with nobody blocked; then checks another call is refused without a step. */
    void close(String t) {
        requireNoWaiters();
        State next = enabled(model.close(state, t));
        Result r = resultOf(t, threads.get(t).call("close()", () -> {
            allocator.close();
            return null;
        }));
        take("Close(" + t + ")", Optional.of(next), t, r);
        settle();
        String other = THREADS.get((THREADS.indexOf(t) + 1) % THREADS.size());
        SpecThread.Outcome misuse = threads.get(other).call("getBuffer(NOWAIT) after close()",
                () -> allocator.getBuffer(MemAllocator.AM_GBF_NOWAIT));
        if (!(misuse.thrown() instanceof IllegalStateException)) {
            fail("misuse accepted", "getBuffer(NOWAIT) after close() " + misuse + " instead of throwing IllegalStateException");
        }
    }

    /** GetBufferOk(t): a buffer is free; any flavour of call, possibly with an interrupt pending. */
    void getBufferOk(String t, Flavour flavour, boolean preInterrupted) {
        if (!call(t) || !state.committed() || state.freeList().isEmpty()) {
            throw notEnabled("GetBufferOk(" + t + ")");
        }
        SpecThread.Outcome o = threads.get(t).call(describe(flavour, preInterrupted), getBuffer(flavour, preInterrupted));
        Result r = resultOf(t, o);
        if (r != Result.S_OK) {
            take("GetBuffer(" + t + ") returning " + r, Optional.empty(), t, r);
        }
        int b = bufferFor((MediaSample) o.value(), t);
        take("GetBufferOk(" + t + ", " + b + ")", model.getBufferOk(state, t, b), t, r);
        settle();
    }

    void getBufferNotCommitted(String t, Flavour flavour, boolean preInterrupted) {
        State next = enabled(model.getBufferNotCommitted(state, t));
        SpecThread.Outcome o = threads.get(t).call(describe(flavour, preInterrupted), getBuffer(flavour, preInterrupted));
        take("GetBufferNotCommitted(" + t + ")", Optional.of(next), t, resultOf(t, o));
        settle();
    }

    /** GetBufferTimeout(t): nothing free, and a call that does not wait. */
    void getBufferTimeout(String t, Flavour flavour) {
        if (!flavour.noWait) {
            throw new IllegalArgumentException(flavour + " waits");
        }
        State next = enabled(model.getBufferTimeout(state, t));
        SpecThread.Outcome o = threads.get(t).call(flavour.call, getBuffer(flavour, false));
        take("GetBufferTimeout(" + t + ")", Optional.of(next), t, resultOf(t, o));
        settle();
    }

    /** GetBufferBlocks(t): starts a waiting call, which must block and stay blocked. */
    void getBufferBlocks(String t, Flavour flavour) {
        if (flavour.noWait) {
            throw new IllegalArgumentException(flavour + " does not wait");
        }
        State next = enabled(model.getBufferBlocks(state, t, flavour.timed));
        SpecThread thread = threads.get(t);
        thread.start(flavour.call, getBuffer(flavour, false));
        if (!thread.awaitParkedOrReturned()) {
            fail("did not block", t + ": " + flavour.call + " " + thread.outcome() + " instead of blocking (GetBufferBlocks)");
        }
        blockedTimeout.put(t, flavour.timed ? LONG_TIMEOUT : null);
        take("GetBufferBlocks(" + t + ")", Optional.of(next), t, Result.NONE);
        if (!thread.probeStillBlocked()) {
            fail("returned unwoken", t + ": " + flavour.call + " " + thread.outcome() + " after blocking, with nothing to wake it");
        }
        settle();
    }

    /**
     * WakeWithSample: the final Release(b) of a sample while threads are blocked. One waiter,
     * whichever the implementation picks, must return with that buffer; the others stay blocked.
     */
    void wakeWithSample(int b) {
        if (state.waiters().isEmpty() || state.refs(b) != 1) {
            throw notEnabled("WakeWithSample after Release(" + b + ")");
        }
        List<String> waiting = List.copyOf(state.waiters());
        int before = steps.size();
        releaseSample(b);
        settle();
        long woken = steps.subList(before, steps.size()).stream().filter(s -> s.startsWith("WakeWithSample(")).count();
        if (woken != 1) {
            fail("wrong wake-ups", "after the final Release(" + b + ") with waiters " + waiting + ", " + woken
                    + " waiters returned with a sample instead of one");
        }
    }

    /**
     * GetBufferOk(t) barging: the final Release(b) wakes a waiter, but before any woken waiter
     * runs, t takes the buffer. The waiters are held ({@link SpecThread#hold}) from before the
     * release until t has the buffer; then they run, find nothing free and must wait again (a
     * waiter that returns instead, VFW_E_TIMEOUT from an untimed call, is the "if instead of
     * while" bug). Returns false, having done nothing, if the waiters cannot be held.
     */
    boolean bargingGetBufferOk(String t, int b, Flavour flavour) {
        if (!call(t) || !state.committed() || state.waiters().isEmpty() || state.refs(b) != 1) {
            throw notEnabled("GetBufferOk(" + t + ") barging after Release(" + b + ")");
        }
        List<SpecThread> held = holdWaiters();
        if (held == null) {
            return false;
        }
        try {
            releaseSample(b);
            SpecThread.Outcome o = threads.get(t).call(describe(flavour, false), getBuffer(flavour, false));
            Result r = resultOf(t, o);
            if (r != Result.S_OK) {
                take("GetBuffer(" + t + ") returning " + r + " with buffer " + b + " free", Optional.empty(), t, r);
            }
            int got = bufferFor((MediaSample) o.value(), t);
            take("GetBufferOk(" + t + ", " + got + ")", model.getBufferOk(state, t, got), t, r);
        } finally {
            held.forEach(SpecThread::release);
        }
        settle();
        return true;
    }

    /**
     * Decommit(d) then Commit(c) before any waiter the decommit woke runs: the waiters are held
     * across both steps. With samples out, the commit cancels the pending decommit and nothing is
     * free, so every waiter must wait again; without, the commit allocates anew and waiters must
     * take the new buffers. Returns false, having done nothing, if the waiters cannot be held.
     */
    boolean decommitThenCommitBeforeWaitersRun(String d, String c) {
        if (!call(d) || !call(c) || !state.committed() || state.waiters().isEmpty()) {
            throw notEnabled("Decommit(" + d + ") then Commit(" + c + ") before the waiters run");
        }
        List<SpecThread> held = holdWaiters();
        if (held == null) {
            return false;
        }
        try {
            State next = enabled(model.decommit(state, d));
            Result r = resultOf(d, threads.get(d).call("decommit()", () -> {
                allocator.decommit();
                return null;
            }));
            take("Decommit(" + d + ")", Optional.of(next), d, r);
            next = enabled(model.commit(state, c));
            r = resultOf(c, threads.get(c).call("commit()", () -> {
                allocator.commit();
                return null;
            }));
            take("Commit(" + c + ")", Optional.of(next), c, r);
        } finally {
            held.forEach(SpecThread::release);
        }
        settle();
        return true;
    }

    /** Holds every waiter; null (none held) if one cannot be held. */
    private List<SpecThread> holdWaiters() {
        if (!canHold) {
            return null;
        }
        heldRuns++;
        List<SpecThread> held = new ArrayList<>();
        for (String t : state.waiters()) {
            SpecThread thread = threads.get(t);
            if (!thread.hold()) {
                held.forEach(SpecThread::release);
                return null;
            }
            held.add(thread);
        }
        return held;
    }

    /** WakeNotCommitted: Decommit(t) or Close(t) while threads are blocked; all must return. */
    void wakeNotCommitted(String t, boolean viaClose) {
        if (state.waiters().isEmpty() || !state.committed()) {
            throw notEnabled("WakeNotCommitted after " + (viaClose ? "Close(" : "Decommit(") + t + ")");
        }
        State next = enabled(viaClose ? model.close(state, t) : model.decommit(state, t));
        Result r = resultOf(t, threads.get(t).call(viaClose ? "close()" : "decommit()", () -> {
            if (viaClose) {
                allocator.close();
            } else {
                allocator.decommit();
            }
            return null;
        }));
        take((viaClose ? "Close(" : "Decommit(") + t + ")", Optional.of(next), t, r);
        settle(); // fails if a waiter stays blocked: WakeNotCommitted is enabled for every waiter
    }

    /**
     * WaitTimedOut(t): t blocks in a timed getBuffer whose deadline ({@code millis}) the test lets
     * pass; the call must return VFW_E_TIMEOUT, no earlier than its deadline.
     */
    void waitTimedOut(String t, int millis) {
        State blocks = enabled(model.getBufferBlocks(state, t, true));
        Duration timeout = Duration.ofMillis(millis);
        SpecThread thread = threads.get(t);
        thread.start("getBuffer(0, " + millis + " ms)", () -> allocator.getBuffer(0, timeout));
        thread.awaitParkedOrReturned();
        blockedTimeout.put(t, timeout);
        take("GetBufferBlocks(" + t + ")", Optional.of(blocks), t, Result.NONE);
        SpecThread.Outcome o = thread.awaitReturn();
        Result r = resultOf(t, o);
        if (r != Result.VFW_E_TIMEOUT) {
            fail("timed wait did not time out", t + ": getBuffer(0, " + millis + " ms) with nothing to wake it " + o + " instead of VFW_E_TIMEOUT");
        }
        wake(t, o);
        settle();
    }

    /**
     * WaitInterrupted(t): a blocked t is interrupted (or, {@code preInterrupted}, t calls a
     * waiting getBuffer with its interrupt status set, so it blocks and leaves at once); the call
     * must throw InterruptedException and take nothing.
     */
    void waitInterrupted(String t, boolean preInterrupted, Flavour flavour) {
        SpecThread thread = threads.get(t);
        if (preInterrupted) {
            State blocks = enabled(model.getBufferBlocks(state, t, flavour.timed));
            thread.start(describe(flavour, true), getBuffer(flavour, true));
            blockedTimeout.put(t, flavour.timed ? LONG_TIMEOUT : null);
            take("GetBufferBlocks(" + t + ")", Optional.of(blocks), t, Result.NONE);
        } else {
            if (state.pc().get(t) != Pc.BLOCKED) {
                throw notEnabled("WaitInterrupted(" + t + ")");
            }
            thread.interrupt();
        }
        interruptSent.put(t, true);
        SpecThread.Outcome o = thread.awaitReturn();
        if (!(o.thrown() instanceof InterruptedException)) {
            fail("interrupt ignored", t + ": interrupted " + thread.currentCall() + " " + o + " instead of throwing InterruptedException");
        }
        wake(t, o);
        settle();
    }

    void addRef(int b) {
        State next = enabled(model.addRef(state, b));
        SpecThread.Outcome o = holder.call("sample " + b + " addRef()", () -> sample(b).addRef());
        if (o.thrown() != null || !Integer.valueOf(next.refs(b)).equals(o.value())) {
            fail("wrong refs", "sample " + b + ".addRef() " + o + "; the spec's refs[" + b + "] becomes " + next.refs(b));
        }
        take("AddRef(" + b + ")", Optional.of(next), null, null);
        settle();
    }

    /** Release(b) that wakes nobody: not final, or no waiter (else it is {@link #wakeWithSample}). */
    void release(int b) {
        if (state.refs(b) == 1 && !state.waiters().isEmpty()) {
            throw notEnabled("Release(" + b + ") without a wake-up");
        }
        releaseSample(b);
        settle();
    }

    /**
     * Terminating: the allocator is destroyed and nothing is left to happen. Every allocator call
     * is refused with IllegalStateException and is not a step; a second close() does nothing.
     */
    void terminating() {
        if (!model.terminating(state)) {
            throw notEnabled("Terminating");
        }
        SpecThread thread = threads.get(THREADS.get(0));
        Map<String, Callable<Object>> calls = new LinkedHashMap<>();
        calls.put("setProperties", () -> allocator.setProperties(new AllocatorProperties(1, 64, 8, 0)));
        calls.put("getProperties", allocator::getProperties);
        calls.put("commit", () -> {
            allocator.commit();
            return null;
        });
        calls.put("decommit", () -> {
            allocator.decommit();
            return null;
        });
        calls.put("getBuffer(0)", () -> allocator.getBuffer(0));
        calls.put("getBuffer(NOWAIT)", () -> allocator.getBuffer(MemAllocator.AM_GBF_NOWAIT));
        calls.put("getBuffer(0, 10 min)", () -> allocator.getBuffer(0, LONG_TIMEOUT));
        calls.put("setNotify", () -> {
            allocator.setNotify(() -> { });
            return null;
        });
        calls.forEach((what, body) -> {
            SpecThread.Outcome o = thread.call(what + " after destruction", body);
            if (!(o.thrown() instanceof IllegalStateException)) {
                fail("misuse accepted", what + " after the allocator was destroyed " + o + " instead of IllegalStateException");
            }
        });
        SpecThread.Outcome again = thread.call("second close()", () -> {
            allocator.close();
            return null;
        });
        if (again.thrown() != null) {
            fail("misuse accepted", "a second close() threw " + again.thrown());
        }
        terminatingChecked = true;
        settle();
    }

    // ------------------------------------------------------------ steps

    private void releaseSample(int b) {
        State next = enabled(model.release(state, b));
        SpecThread.Outcome o = holder.call("sample " + b + " release()", () -> sample(b).release());
        if (o.thrown() != null || !Integer.valueOf(next.refs(b)).equals(o.value())) {
            fail("wrong refs", "sample " + b + ".release() " + o + "; the spec's refs[" + b + "] becomes " + next.refs(b));
        }
        take("Release(" + b + ")", Optional.of(next), null, null);
    }

    /**
     * Lets every blocked call return if it can, explains each return by a spec step, and fails
     * if a call stays blocked although the spec lets it return (see the class comment).
     */
    void settle() {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (String t : state.waiters()) {
                SpecThread thread = threads.get(t);
                if (!thread.probeStillBlocked()) {
                    wake(t, thread.outcome());
                    progress = true;
                }
            }
        }
        for (String t : state.waiters()) {
            if (!state.committed()) {
                fail("lost wake-up", "lost wake-up: " + t + " is still blocked in " + threads.get(t).currentCall()
                        + " although the allocator is not committed (WakeNotCommitted is enabled); "
                        + threads.get(t).describe());
            }
            if (!state.freeList().isEmpty()) {
                fail("lost wake-up", "lost wake-up: " + t + " is still blocked in " + threads.get(t).currentCall()
                        + " although buffers " + state.freeList() + " are free (WakeWithSample is enabled); "
                        + threads.get(t).describe());
            }
        }
    }

    /** Explains the return of t's blocked call by WakeWithSample, WakeNotCommitted, WaitTimedOut or WaitInterrupted. */
    private void wake(String t, SpecThread.Outcome o) {
        Result r = resultOf(t, o);
        Duration timeout = blockedTimeout.remove(t);
        boolean interrupted = interruptSent.remove(t) != null;
        switch (r) {
            case S_OK -> {
                int b = bufferFor((MediaSample) o.value(), t);
                take("WakeWithSample(" + t + ", " + b + ")", model.wakeWithSample(state, t, b), t, r);
            }
            case VFW_E_NOT_COMMITTED -> take("WakeNotCommitted(" + t + ")", model.wakeNotCommitted(state, t), t, r);
            case VFW_E_TIMEOUT -> {
                if (timeout == null || o.nanos() < timeout.toNanos()) {
                    fail("step not allowed", t + ": its blocked " + threads.get(t).currentCall() + " returned VFW_E_TIMEOUT after "
                            + o.nanos() / 1_000_000 + " ms, before any deadline passed (WaitTimedOut is for a"
                            + " timed call whose deadline passed)");
                }
                take("WaitTimedOut(" + t + ")", model.waitTimedOut(state, t), t, r);
            }
            case INTERRUPTED -> {
                if (!interrupted) {
                    fail("step not allowed", t + ": its blocked " + threads.get(t).currentCall()
                            + " threw InterruptedException, but nobody interrupted it");
                }
                take("WaitInterrupted(" + t + ")", model.waitInterrupted(state, t), t, r);
            }
            default -> take("a blocked getBuffer(" + t + ") returning " + r, Optional.empty(), t, r);
        }
    }

    /**
     * Advances the model by the step the implementation was seen to take. {@code next} empty: the
     * spec does not allow the step here. {@code t}/{@code observed}: the thread whose call
     * returned {@code observed}, which must be the result the spec gives it.
     */
    private void take(String label, Optional<State> next, String t, Result observed) {
        if (next.isEmpty()) {
            fail("step not allowed", "the implementation took " + label + ", which the spec does not allow in this state");
        }
        State after = next.get();
        if (t != null) {
            observedResult.put(t, observed);
            if (after.result().get(t) != observed) {
                fail("wrong result", label + ": the implementation's call returned " + observed + ", the spec's result is "
                        + after.result().get(t));
            }
        }
        List<String> violated = model.violatedInvariants(after);
        violated.addAll(MemAllocatorModel.violatedActionProperties(state, after));
        steps.add(label);
        State before = state;
        state = after;
        if (!violated.isEmpty()) {
            fail("invariant violated", label + " from " + before + " violates " + violated);
        }
        if (after.buffers().isEmpty() && !sampleOf.isEmpty()) {
            dead.addAll(sampleOf.values()); // the decommit completed: this cycle's samples are dead
            sampleOf.clear();
            numberOf.clear();
            if (dead.size() > 12) {
                dead.subList(0, dead.size() - 12).clear();
            }
        }
    }

    /**
     * The buffer number of a sample t got: the one it was first seen as, which must be free; or,
     * for a sample not seen in this commit cycle, a free buffer no seen sample has (the model's
     * buffers are interchangeable until seen).
     */
    private int bufferFor(MediaSample sample, String t) {
        if (sample == null) {
            fail("step not allowed", t + ": getBuffer returned null");
        }
        Integer known = numberOf.get(sample);
        if (known != null) {
            if (!state.freeList().contains(known)) {
                fail("step not allowed", t + " got sample " + known + " (" + sample + "), which the spec does not have free: free "
                        + state.freeList() + ", refs " + state.refs());
            }
            return known;
        }
        for (int b : state.freeList()) {
            if (!sampleOf.containsKey(b)) {
                sampleOf.put(b, sample);
                numberOf.put(sample, b);
                return b;
            }
        }
        fail("step not allowed", t + " got a sample never seen in this commit cycle (" + sample + "), but every free buffer "
                + state.freeList() + " of the spec is a sample already seen");
        return -1;
    }

    private MediaSample sample(int b) {
        MediaSample s = sampleOf.get(b);
        if (s == null) {
            throw new IllegalStateException("no sample " + b + " seen");
        }
        return s;
    }

    // ------------------------------------------------------------ refinement

    /**
     * The implementation's observable state equals the model's abstraction: committed, decommit
     * pending, free and outstanding counts, waiters, the properties in force (abstracted with
     * {@link Request#of}), whether the allocator is still open, each thread's last result, and
     * which seen samples are alive (usable exactly while the spec's refs are positive; samples of
     * finished cycles stay dead).
     */
    void checkRefinement() {
        SpecThread.Outcome o = holder.call("observe", () -> {
            AllocatorProperties props;
            boolean open;
            try {
                props = allocator.getProperties();
                open = true;
            } catch (IllegalStateException closed) {
                props = null;
                open = false;
            }
            return new Observation(allocator.isCommitted(), allocator.isDecommitPending(), allocator.freeCount(),
                    allocator.outstandingCount(), allocator.waitingCount(), props, open);
        });
        if (o.thrown() != null) {
            throw new SpecMismatch("unexpected exception", "[" + implementation + "] observing the implementation threw "
                    + o.thrown(), o.thrown());
        }
        Observation obs = (Observation) o.value();
        List<String> diff = new ArrayList<>();
        compare(diff, "committed", obs.committed(), state.committed());
        compare(diff, "decommitPending", obs.decommitPending(), state.decommitPending());
        compare(diff, "freeCount (|freeList|)", obs.free(), state.freeList().size());
        compare(diff, "outstandingCount (|Outstanding|)", obs.outstanding(), state.outstanding().size());
        compare(diff, "waitingCount (|waiters|)", obs.waiting(), state.waiters().size());
        compare(diff, "open (clientRef)", obs.open(), state.clientRef());
        if (obs.props() != null) {
            Request r = Request.of(obs.props());
            compare(diff, "properties", new Props(r.count(), r.layout()), state.props());
        }
        compare(diff, "result", observedResult, state.result());
        SpecThread.Outcome alive = holder.call("samples alive", () -> {
            Map<Integer, Boolean> usable = new TreeMap<>();
            sampleOf.forEach((b, s) -> usable.put(b, usable(s)));
            usable.put(0, dead.stream().anyMatch(AllocatorWorld::usable));
            return usable;
        });
        @SuppressWarnings("unchecked")
        Map<Integer, Boolean> usable = (Map<Integer, Boolean>) alive.value();
        usable.forEach((b, u) -> {
            if (b == 0) {
                if (u) {
                    diff.add("a sample of a finished commit cycle is usable again");
                }
            } else if (u != state.refs(b) > 0) {
                diff.add("sample " + b + " is " + (u ? "usable" : "dead") + " but refs[" + b + "] = " + state.refs(b));
            }
        });
        if (!diff.isEmpty()) {
            fail("state differs", "the implementation's state differs from the spec's: " + String.join("; ", diff));
        }
    }

    private static boolean usable(MediaSample s) {
        try {
            s.size();
            return true;
        } catch (IllegalStateException releasedSample) {
            return false;
        }
    }

    private static void compare(List<String> diff, String what, Object implementation, Object spec) {
        if (!implementation.equals(spec)) {
            diff.add(what + ": implementation " + implementation + ", spec " + spec);
        }
    }

    // ------------------------------------------------------------ helpers

    /** Call(t): t is idle and the client still holds the allocator. */
    boolean call(String t) {
        return state.clientRef() && state.pc().get(t) == Pc.IDLE;
    }

    private void requireNoWaiters() {
        if (!state.waiters().isEmpty()) {
            throw notEnabled("a step that would wake " + state.waiters());
        }
    }

    /**
     * The model's next state for a step whose parameters were chosen when the chain was
     * generated; while jqwik shrinks, an earlier step may have gone and the step may no longer be
     * enabled: that shrink candidate is then abandoned, as jqwik does with a false precondition.
     */
    private State enabled(Optional<State> next) {
        return next.orElseThrow(() -> notEnabled("this step"));
    }

    private TestAbortedException notEnabled(String what) {
        return new TestAbortedException(what + " is not enabled in " + state + " (only while shrinking)");
    }

    private Callable<Object> getBuffer(Flavour flavour, boolean preInterrupted) {
        return () -> {
            if (preInterrupted) {
                Thread.currentThread().interrupt();
            }
            return flavour.invoke(allocator);
        };
    }

    private static String describe(Flavour flavour, boolean preInterrupted) {
        return (preInterrupted ? "interrupted, " : "") + flavour.call;
    }

    /** The spec's result for what t's call did; anything else (a misuse exception) fails. */
    private Result resultOf(String t, SpecThread.Outcome o) {
        Throwable thrown = o.thrown();
        if (thrown == null) {
            return Result.S_OK;
        }
        if (thrown instanceof InterruptedException) {
            return Result.INTERRUPTED;
        }
        if (thrown instanceof MemAllocatorException e) {
            try {
                return Result.of(e.hresult());
            } catch (IllegalArgumentException notASpecResult) {
                fail("wrong result", t + ": " + threads.get(t).currentCall() + " failed with " + e.hresult()
                        + ", which no spec step returns");
            }
        }
        throw new SpecMismatch("unexpected exception", "[" + implementation + "] " + t + ": "
                + threads.get(t).currentCall() + " threw " + thrown + "\n  spec state: " + state, thrown);
    }

    private void fail(String kind, String message) {
        throw new SpecMismatch(kind, "[" + implementation + "] " + message + "\n  spec state: " + state
                + "\n  spec steps so far: " + steps);
    }

    /** Ends every thread; blocked calls are interrupted. Returns the threads that would not end. */
    List<String> stopThreads() {
        List<String> stuck = new ArrayList<>();
        for (SpecThread t : threads.values()) {
            if (!t.stop()) {
                stuck.add(t.describe());
            }
        }
        if (!holder.stop()) {
            stuck.add(holder.describe());
        }
        return stuck;
    }

    @Override
    public void close() {
        List<String> stuck = stopThreads();
        if (!stuck.isEmpty()) {
            throw new AssertionError("[" + implementation + "] threads did not finish:\n" + String.join("\n", stuck));
        }
    }

    @Override
    public String toString() {
        return "AllocatorWorld[" + implementation + ", " + steps.size() + " spec steps, state " + state + "]";
    }
}
