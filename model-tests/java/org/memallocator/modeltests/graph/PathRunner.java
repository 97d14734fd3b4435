package org.memallocator.modeltests.graph;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.memallocator.AllocatorProperties;
import org.memallocator.HResult;
import org.memallocator.MediaSample;
import org.memallocator.MemAllocator;
import org.memallocator.MemAllocatorException;
import org.memallocator.SpecAction;
import org.memallocator.SpecEvent;
import org.memallocator.graph.PathCover;
import org.memallocator.model.MemAllocatorModel;
import org.memallocator.model.Pc;
import org.memallocator.model.Result;
import org.memallocator.model.State;
import org.memallocator.model.Transition;
import org.memallocator.modeltests.support.Implementations;
import org.memallocator.oracle.SpecDriver;
import org.memallocator.oracle.SpecThread;

/**
 * Replays one generated path against a fresh allocator of the implementation under test
 * ({@link Implementations#create()}), one driver ({@link SpecThread}) per spec thread, and checks
 * after every step that the implementation took exactly that step (its {@link SpecEvent}),
 * returned what the spec says, and is in the path's state under the abstraction {@link #compare}.
 *
 * <p><b>Steps.</b> A thread's call runs on its driver. {@code GetBufferBlocks} starts a blocking
 * {@code getBuffer} and holds the driver ({@link SpecThread#hold}, through the allocator's
 * wait-loop hook: once its wait ends, it stops before re-checking); its wake-up step lets it go
 * ({@link SpecThread#tryWake}) and checks how it returned. A blocking call is timed where the
 * spec's {@code timed} says so. One whose episode ends, later in the path, with
 * {@code WaitTimedOut} is {@code getBuffer(0, wait)}: the driver is held before the deadline and
 * let go after it (the runner's only sleep), so it times out exactly at that step. Any other
 * timed call has a deadline no run reaches ({@link #WOKEN_WAIT}), and waits as an untimed one.
 * {@code WaitInterrupted} interrupts the held driver, then lets it go. {@code AddRef} and
 * {@code Release} run on the test thread (the spec gives sample steps no thread). The
 * non-blocking {@code getBuffer} steps cycle through the three overloads. After each step in a
 * state where blocked threads must go on waiting, the untimed waiters are let go and must wait
 * again ({@link #probeWaiters}).
 *
 * <p><b>The implementation's choices.</b> The spec leaves two choices open that the
 * implementation makes its own way, so the runner follows it, up to a renaming that is a
 * symmetry of the spec state where the choice is made:
 * <ul>
 * <li>which free buffer a getter gets (LIFO): spec buffers and implementation sample numbers
 *     are related by a bijection, and when the implementation hands out sample n where the path
 *     takes buffer b, b is swapped with the free buffer mapped to n (two free buffers with no
 *     references are interchangeable);</li>
 * <li>which waiter a release wakes (the condition's longest waiter): at a wake-up step the
 *     path's waiter is let go first; if it was not woken, the other held waiters of the same kind
 *     (timed or not) are tried, and the one that returns takes over the path's thread (two
 *     blocked threads are interchangeable). If none returns, a wake-up was lost.</li>
 * </ul>
 *
 * <p><b>Interrupts and timeouts of a waiter that the path lets wake first.</b> An interrupt
 * that comes after the waiter was signalled does not stop it (AQS: the wake-up wins, the
 * interrupt status stays set), yet the spec lets a waiter that could return be interrupted
 * instead, after any number of other steps; and a signal that lands on a timed waiter the path
 * times out later would be lost to the others. Java does what the path says when the waiter
 * leaves the condition before the signal: interrupted, or at its deadline, it is taken off the
 * condition's queue, no signal can reach it any more, and it throws (or times out) once it
 * re-checks. So before every step that may signal (a {@code Release}, {@code Decommit} or
 * {@code Close}) the held waiters whose blocking episodes end with {@code WaitInterrupted} are
 * interrupted while parked and not woken ({@link SpecThread#interruptHeld}), and the timed ones
 * (whose episodes end with {@code WaitTimedOut}) are let reach their deadlines; either way they
 * stay held in the wait-loop hook until their steps, and still count as waiting, as in the spec.
 * Such a waiter has met no signal before (every signalling step does this first), so nothing is
 * left to chance: every step of a path is realised, and anything else is a failure.
 */
final class PathRunner {

    /** How long any single wait of the test may take before it is a failure. */
    static final Duration PATIENCE = Duration.ofSeconds(10);

    /** A timed getBuffer timed out before the runner could hold it: run the path with a longer wait. */
    static final class EarlyTimeout extends Exception {
        private static final long serialVersionUID = 1L;

        EarlyTimeout(String message) {
            super(message);
        }
    }

    private final MemAllocatorModel model;
    private final PathCover.TestPath path;
    private final Duration timedWait;
    private final MemAllocator impl = Implementations.create();
    private final ConcurrentLinkedQueue<SpecEvent> events = new ConcurrentLinkedQueue<>();
    private final SpecDriver driver;
    private final Map<SpecThread, Result> lastResult = new HashMap<>();
    private final Map<SpecThread, Long> deadline = new HashMap<>();
    /** Drivers interrupted early, held in the wait-loop hook until their WaitInterrupted step. */
    private final Set<SpecThread> interruptedEarly = new HashSet<>();
    private final int[] implOf;
    private final int[] specOf;
    private final Map<Integer, MediaSample> sampleOf = new HashMap<>();
    private final Map<Integer, Integer> implRefs = new HashMap<>();
    private final List<Integer> executed = new ArrayList<>();
    private int stepNo;

    /** The timeout of a timed getBuffer that a later step wakes: far beyond any run. */
    static final Duration WOKEN_WAIT = Duration.ofMinutes(10);

    /**
     * @param timedWait the timeout of the timed getBuffer calls that end in WaitTimedOut: long
     *                  enough for the runner to hold the driver, short because the step waits it out
     */
    PathRunner(MemAllocatorModel model, PathCover.TestPath path, Duration timedWait) {
        this.model = model;
        this.path = path;
        this.timedWait = timedWait;
        this.implOf = new int[model.maxBuffers() + 1];
        this.specOf = new int[model.maxBuffers() + 1];
        impl.setSpecTrace(events::add);
        this.driver = new SpecDriver(impl, "path" + path.number() + "-", PATIENCE, true);
        if (!driver.canHold()) {
            throw new IllegalStateException(impl.getClass().getName() + " has no wait-loop hook"
                    + " (org.memallocator.WaitLoopHook): its waiters cannot be held");
        }
    }

    /**
     * Runs the path. Returns the indexes of the graph edges it executed: all of them.
     *
     * @throws AssertionError the implementation differs from the path: which step, and how
     */
    List<Integer> run() throws EarlyTimeout, InterruptedException {
        for (String t : model.threads()) {
            SpecThread d = driver.thread(t);
            lastResult.put(d, Result.NONE);
        }
        try {
            check(path.initial(), "the initial state");
            for (PathCover.Step step : path.steps()) {
                stepNo++;
                try {
                    execute(step);
                } catch (AssertionError e) {
                    throw new AssertionError(where(step) + "\n  " + e.getMessage(), e);
                }
                executed.add(step.edge().index());
            }
            return executed;
        } finally {
            driver.stop();
        }
    }

    /** The edges executed so far (for a path that failed). */
    List<Integer> executed() {
        return executed;
    }

    // ------------------------------------------------------------ steps

    private void execute(PathCover.Step step) throws EarlyTimeout, InterruptedException {
        Transition tr = step.transition();
        if (tr == null) { // Terminating: nothing happens
            expectNoEvent();
            check(step.to(), "the state");
            return;
        }
        if (tr.action() == SpecAction.Release || tr.action() == SpecAction.Decommit
                || tr.action() == SpecAction.Close) {
            leaveTheQueueEarly();
        }
        switch (tr.action()) {
            case SetProperties -> {
                AllocatorProperties request = tr.request().example();
                call(step, "setProperties(" + request + ")", () -> impl.setProperties(request));
            }
            case Commit -> call(step, "commit()", () -> {
                impl.commit();
                return null;
            });
            case Decommit -> call(step, "decommit()", () -> {
                impl.decommit();
                return null;
            });
            case Close -> call(step, "close()", () -> {
                impl.close();
                return null;
            });
            case GetBufferOk, GetBufferNotCommitted -> getBuffer(step, 0);
            case GetBufferTimeout -> getBuffer(step, MemAllocator.AM_GBF_NOWAIT);
            case GetBufferBlocks -> block(step);
            case WakeWithSample, WakeNotCommitted, WaitTimedOut, WaitInterrupted -> wake(step);
            case AddRef, Release -> sampleStep(step);
        }
    }

    /** A non-blocking getBuffer, through one of the three overloads in turn. */
    private void getBuffer(PathCover.Step step, int flags) {
        switch ((path.number() + stepNo) % 3) {
            case 0 -> call(step, "getBuffer(" + flags + ")", () -> impl.getBuffer(flags));
            case 1 -> call(step, "getBuffer(0, 0, " + flags + ")", () -> impl.getBuffer(0L, 0L, flags));
            default -> {
                // without AM_GBF_NOWAIT a long timeout; with it, a timeout of 0, which also never waits
                Duration timeout = flags == 0 ? PATIENCE.multipliedBy(2) : Duration.ZERO;
                call(step, "getBuffer(0, " + timeout + ")", () -> impl.getBuffer(0, timeout));
            }
        }
    }

    /** A call that returns at once, on the thread's driver. */
    private void call(PathCover.Step step, String description, Callable<Object> body) {
        SpecThread d = driver.thread(step.transition().thread());
        SpecThread.Outcome outcome = d.call(description, body);
        SpecEvent event = oneEvent(step, d.thread());
        checkStep(step, event, outcome, d);
    }

    /**
     * {@code GetBufferBlocks}: starts a blocking getBuffer, timed as the spec's {@code timed} says,
     * and holds the driver once it is parked. Its deadline is {@code timedWait} if the episode
     * ends with {@code WaitTimedOut}, else {@link #WOKEN_WAIT}.
     */
    private void block(PathCover.Step step) throws EarlyTimeout {
        String t = step.transition().thread();
        SpecThread d = driver.thread(t);
        boolean timesOut = episodeEnd(t) == SpecAction.WaitTimedOut; // the spec's timed[t] then holds
        if (timesOut) {
            d.start("getBuffer(0, " + timedWait + ")", () -> impl.getBuffer(0, timedWait));
        } else if (step.transition().target().timed().get(t)) {
            d.start("getBuffer(0, " + WOKEN_WAIT + ")", () -> impl.getBuffer(0, WOKEN_WAIT));
        } else if (stepNo % 2 == 0) {
            d.start("getBuffer(0)", () -> impl.getBuffer(0));
        } else {
            d.start("getBuffer(0, 0, 0)", () -> impl.getBuffer(0L, 0L, 0));
        }
        boolean held = d.hold(); // before its wait can end: a timed wait stops at its deadline
        d.await(() -> d.returned() || hasEventFrom(d.thread()), "block in " + d.currentCall());
        long blockedAt = System.nanoTime();
        if (d.returned() || !held) {
            SpecThread.Outcome o = d.awaitReturn();
            if (timesOut && o.thrown() instanceof MemAllocatorException e && e.hresult() == HResult.VFW_E_TIMEOUT) {
                throw new EarlyTimeout(d.currentCall() + " timed out before it could be held");
            }
            throw new AssertionError(d.currentCall() + " returned instead of blocking: " + o + "; events " + drain());
        }
        if (timesOut) {
            deadline.put(d, blockedAt + timedWait.toNanos()); // the call's own deadline is earlier
        } else {
            deadline.remove(d);
        }
        SpecEvent event = oneEvent(step, d.thread());
        checkStep(step, event, null, d);
    }

    /** The action that ends thread {@code t}'s blocking call, later in the path, or null. */
    private SpecAction episodeEnd(String t) {
        for (PathCover.Step later : path.steps().subList(stepNo, path.steps().size())) {
            Transition tr = later.transition();
            if (tr != null && t.equals(tr.thread()) && isWake(tr.action())) {
                return tr.action();
            }
        }
        return null;
    }

    /**
     * Before a step that may signal (a Release, Decommit or Close): every held waiter whose
     * blocking episode the path ends with {@code WaitInterrupted} is interrupted now, while it is
     * parked and not woken, and every timed waiter (its episode ends with {@code WaitTimedOut}) is
     * let reach its deadline now; either way it leaves the condition's wait queue for the hook's
     * {@code afterWake}, where it stays held, so no signal can land on it (see the class comment).
     * Call before the step runs ({@code stepNo} is already its number).
     */
    private void leaveTheQueueEarly() throws InterruptedException {
        for (String t : driver.names()) {
            SpecThread d = driver.thread(t);
            if (!d.held() || !d.inCall()) {
                continue;
            }
            SpecAction end = episodeEnd(t);
            if (end == SpecAction.WaitInterrupted && !interruptedEarly.contains(d) && !deadline.containsKey(d)) {
                if (!d.parkedNotWoken()) {
                    throw new AssertionError(t + ": its held " + d.currentCall() + " was woken before"
                            + " any step could signal it; " + d.describe());
                }
                d.interruptHeld();
                interruptedEarly.add(d);
            } else if (end == SpecAction.WaitTimedOut && deadline.containsKey(d)) {
                sleepUntil(deadline.get(d));
                d.await(() -> d.woken() || d.returned(), "leave its wait at its deadline");
            }
        }
    }

    private static void sleepUntil(long due) throws InterruptedException {
        for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    private static boolean isWake(SpecAction a) {
        return a == SpecAction.WakeWithSample || a == SpecAction.WakeNotCommitted
                || a == SpecAction.WaitTimedOut || a == SpecAction.WaitInterrupted;
    }

    /** A wake-up step: lets the waiter go (see the class comment for the renaming of waiters). */
    private void wake(PathCover.Step step) throws InterruptedException {
        SpecAction action = step.transition().action();
        String s = step.transition().thread();
        SpecThread d = driver.thread(s);
        if (action == SpecAction.WaitTimedOut) {
            Long due = deadline.get(d);
            if (due == null) {
                throw new AssertionError("the waiter of " + s + " is not a timed getBuffer");
            }
            sleepUntil(due);
        }
        if (action == SpecAction.WaitInterrupted && !interruptedEarly.remove(d)) {
            d = interruptee(s, d);
            d.interrupt();
        }
        SpecThread.Wake wake = d.tryWake();
        SpecThread woke = wake == SpecThread.Wake.RETURNED ? d : null;
        boolean signalled = action == SpecAction.WakeWithSample || action == SpecAction.WakeNotCommitted;
        if (woke == null && signalled) {
            for (String x : step.from().waiters()) {
                SpecThread dx = driver.thread(x);
                if (dx == d || deadline.containsKey(dx) != deadline.containsKey(d) || interruptedEarly.contains(dx)) {
                    continue; // only a waiter of the same kind, timed or not, can stand in
                }
                SpecThread.Wake wx = dx.tryWake();
                if (wx == SpecThread.Wake.RETURNED) {
                    woke = dx;
                    swap(s, x);
                    break;
                }
            }
        }
        if (woke == null) {
            throw new AssertionError(switch (action) {
                case WaitInterrupted -> "the interrupted " + d.currentCall() + " of " + s
                        + " went back to waiting";
                case WaitTimedOut -> d.currentCall() + " of " + s
                        + " went back to waiting after its deadline";
                default -> "no blocked getBuffer returned (" + d.currentCall() + " of " + s
                        + " and every other waiter of its kind went back to waiting): a lost wake-up";
            } + "; state " + implState() + "; events " + drain());
        }
        SpecThread.Outcome outcome = woke.awaitReturn();
        SpecEvent event = oneEvent(step, woke.thread());
        if (event.action() != action) {
            throw different(step, event, outcome);
        }
        checkStep(step, event, outcome, woke);
    }

    /**
     * The driver to interrupt for {@code WaitInterrupted(s)}: {@code s}'s, unless it shows signs of
     * having been woken (its thread is no longer parked, though held) and another blocked driver of
     * the same kind does not; then that one stands in for {@code s}. An interrupt does not stop a
     * waiter that has been woken.
     */
    private SpecThread interruptee(String s, SpecThread d) {
        if (d.parkedNotWoken()) {
            return d;
        }
        for (String x : driver.names()) {
            SpecThread dx = driver.thread(x);
            if (dx != d && dx.held() && dx.parkedNotWoken() && deadline.containsKey(dx) == deadline.containsKey(d)
                    && !interruptedEarly.contains(dx)) {
                swap(s, x);
                return dx;
            }
        }
        return d;
    }

    /** Blocked threads {@code s} and {@code x} are interchangeable: their drivers trade places. */
    private void swap(String s, String x) {
        driver.swap(s, x);
    }

    /** AddRef or Release, on this thread, of the sample standing for the path's buffer. */
    private void sampleStep(PathCover.Step step) {
        int b = step.transition().buffer();
        int n = implOf[b];
        MediaSample sample = sampleOf.get(n);
        if (sample == null) {
            throw new AssertionError("no sample stands for buffer " + b + " (bijection " + bijection() + ")");
        }
        boolean addRef = step.transition().action() == SpecAction.AddRef;
        Object count;
        Throwable thrown = null;
        try {
            count = addRef ? sample.addRef() : sample.release();
        } catch (RuntimeException e) {
            count = null;
            thrown = e;
        }
        SpecEvent event = oneEvent(step, Thread.currentThread());
        checkStep(step, event, new SpecThread.Outcome(count, thrown, false, 0), null);
    }

    // ------------------------------------------------------------ checking a step

    /**
     * Checks the event and outcome of a step against the path and updates the bijection, the
     * samples and the per-driver results; then compares the states. {@code outcome} is null for
     * GetBufferBlocks (no return yet); {@code d} is null for sample steps.
     */
    private void checkStep(PathCover.Step step, SpecEvent event, SpecThread.Outcome outcome, SpecThread d) {
        Transition tr = step.transition();
        SpecAction action = tr.action();
        String t = tr.thread();
        require(event.action() == action, "event " + event + ", expected " + action);
        Result expected = t == null ? Result.S_OK : step.to().result().get(t);
        HResult expectedEventResult = action == SpecAction.GetBufferBlocks || action == SpecAction.WaitInterrupted
                ? null : expected.hresult();
        require(event.result() == expectedEventResult, "event " + event + ", expected result " + expectedEventResult);
        if (action == SpecAction.SetProperties) {
            require(tr.request().example().equals(event.request()), "event " + event + ", expected request "
                    + tr.request().example());
        }
        if (allocates(step)) {
            resetBijection(step.to());
        }
        if (takesBuffer(action)) {
            follow(tr.buffer(), event.buffer(), step.from());
            implRefs.put(event.buffer(), 1);
            sampleOf.put(event.buffer(), (MediaSample) outcome.value());
        }
        if (action == SpecAction.AddRef || action == SpecAction.Release) {
            int b = tr.buffer();
            require(event.buffer() == implOf[b], "event " + event + ", expected sample " + implOf[b]
                    + " for buffer " + b);
            require(event.refs() == step.to().refs(b), "event " + event + ", expected count " + step.to().refs(b));
            require(outcome.thrown() == null, "threw " + outcome.thrown());
            require(Objects.equals(outcome.value(), step.to().refs(b)), (action == SpecAction.AddRef ? "addRef" : "release")
                    + "() returned " + outcome.value() + ", expected " + step.to().refs(b));
            implRefs.put(event.buffer(), event.refs());
        }
        if (outcome != null && d != null) {
            require(resultOf(outcome) == expected, d.currentCall() + " " + outcome + ", expected " + expected);
            require(!takesBuffer(action) || outcome.value() instanceof MediaSample,
                    d.currentCall() + " returned " + outcome.value());
        }
        if (d != null) {
            lastResult.put(d, expected);
        }
        check(step.to(), "the state after the step");
        probeWaiters(step.to());
    }

    /**
     * Where the spec says a blocked thread must go on waiting (committed, nothing free), lets each
     * held untimed waiter run and requires it to wait again: a waiter woken by a release whose
     * buffer someone else took, or by a decommit followed by a commit, must check again and wait
     * (the spec's "re-waits if the allocator was committed again before it ran"). A timed waiter
     * is left alone: after its deadline it may time out here, which the spec also allows.
     */
    private void probeWaiters(State s) {
        if (!s.committed() || !s.freeList().isEmpty()) {
            return;
        }
        for (String t : s.waiters()) {
            SpecThread d = driver.thread(t);
            if (!deadline.containsKey(d) && !interruptedEarly.contains(d) && d.tryWake() == SpecThread.Wake.RETURNED) {
                throw new AssertionError(d.currentCall() + " of " + t + " returned ("
                        + d.awaitReturn() + ") although the spec says it goes on waiting; events " + drain());
            }
        }
    }

    /**
     * The implementation took {@code event}'s step instead of the path's: a failure, whether or
     * not the spec allows that step here (the runner leaves the implementation no other choice).
     */
    private AssertionError different(PathCover.Step step, SpecEvent event, SpecThread.Outcome outcome) {
        String s = step.transition().thread();
        int b = event.buffer() == 0 ? 0 : specOf[event.buffer()];
        Optional<State> allowed = model.step(step.from(), event.action(), s, b, null, false);
        return new AssertionError("the waiter of " + s + " took " + event + " (" + outcome + ") instead of "
                + step.label() + (allowed.isEmpty() ? ", which the spec does not allow here"
                : ": the spec allows it, but the runner took it out of the condition's queue before any signal"));
    }

    private static boolean takesBuffer(SpecAction a) {
        return a == SpecAction.GetBufferOk || a == SpecAction.WakeWithSample;
    }

    /** An allocating Commit: memory from none to {@code 1..count}. */
    private static boolean allocates(PathCover.Step step) {
        return step.from().buffers().isEmpty() && !step.to().buffers().isEmpty();
    }

    private void resetBijection(State s) {
        java.util.Arrays.fill(implOf, 0);
        java.util.Arrays.fill(specOf, 0);
        for (int b : s.buffers()) {
            implOf[b] = b;
            specOf[b] = b;
        }
        sampleOf.clear();
        implRefs.clear();
    }

    /**
     * The implementation handed out sample {@code n} where the path takes buffer {@code b}: if
     * {@code n} stands for another free buffer, swap the two.
     */
    private void follow(int b, int n, State before) {
        require(n >= 1 && n < specOf.length && specOf[n] != 0, "sample " + n + " is not a buffer of this commit"
                + " (bijection " + bijection() + ")");
        int other = specOf[n];
        if (other == b) {
            return;
        }
        require(before.freeList().contains(other), "handed out sample " + n + ", which stands for buffer "
                + other + ", not free in the spec (free: " + before.freeList() + ")");
        int m = implOf[b];
        implOf[b] = n;
        specOf[n] = b;
        implOf[other] = m;
        specOf[m] = other;
    }

    private static Result resultOf(SpecThread.Outcome o) {
        if (o.thrown() == null) {
            return Result.S_OK;
        }
        if (o.thrown() instanceof InterruptedException) {
            return Result.INTERRUPTED;
        }
        if (o.thrown() instanceof MemAllocatorException e) {
            try {
                return Result.of(e.hresult());
            } catch (IllegalArgumentException notASpecResult) {
                throw new AssertionError("threw " + e, e);
            }
        }
        throw new AssertionError("threw " + o.thrown(), o.thrown());
    }

    // ------------------------------------------------------------ the abstraction

    /**
     * Compares the implementation with the spec state {@code s}: committed, decommit pending,
     * free / outstanding / waiting counts (so also the memory, {@code buffers = freeList \cup
     * Outstanding}), whether the client has closed it and the properties (these through
     * {@link AllocatorFields}, as the monitor's runner does), each outstanding sample's reference
     * count (as the implementation reported it), and each thread's call: blocked in getBuffer, or
     * idle with the spec's result.
     */
    private void check(State s, String what) {
        String differences = differences(s);
        if (!differences.isEmpty()) {
            throw new AssertionError(what + " differs:" + differences + "\n  spec: " + s
                    + "\n  implementation: " + implState());
        }
    }

    private String differences(State s) {
        StringBuilder diff = new StringBuilder();
        new AllocatorFields(s.committed(), s.decommitPending(), s.freeList().size(), s.outstanding().size(),
                s.waiters().size(), s.clientRef(), s.props().count(), s.props().layout().tla()).differences(impl, diff);
        for (int b : s.outstanding()) {
            AllocatorFields.differ(diff, "refs of buffer " + b, s.refs(b), implRefs.get(implOf[b]));
        }
        for (String t : driver.names()) {
            SpecThread d = driver.thread(t);
            AllocatorFields.differ(diff, t + " blocked", s.pc().get(t) == Pc.BLOCKED, d.inCall());
            AllocatorFields.differ(diff, t + " held", s.pc().get(t) == Pc.BLOCKED, d.held());
            AllocatorFields.differ(diff, t + " result", s.result().get(t), lastResult.get(d));
        }
        return diff.toString();
    }

    private String implState() {
        return "committed " + impl.isCommitted() + ", decommitPending " + impl.isDecommitPending() + ", free "
                + impl.freeCount() + ", outstanding " + impl.outstandingCount() + ", waiting " + impl.waitingCount()
                + ", refs " + implRefs + ", buffers " + bijection();
    }

    private String bijection() {
        StringBuilder s = new StringBuilder("{");
        for (int b = 1; b < implOf.length; b++) {
            if (implOf[b] != 0) {
                s.append(s.length() > 1 ? ", " : "").append(b).append(" -> sample ").append(implOf[b]);
            }
        }
        return s.append('}').toString();
    }

    // ------------------------------------------------------------ events

    /** The step's one event, which must come from {@code thread}. */
    private SpecEvent oneEvent(PathCover.Step step, Thread thread) {
        List<SpecEvent> all = drain();
        require(all.size() == 1, "expected one event for " + step.label() + ", got " + all);
        SpecEvent e = all.get(0);
        require(e.thread() == thread, "event " + e + " from " + e.thread().getName() + ", expected " + thread.getName());
        return e;
    }

    private void expectNoEvent() {
        List<SpecEvent> all = drain();
        require(all.isEmpty(), "expected no event, got " + all);
    }

    private boolean hasEventFrom(Thread thread) {
        for (SpecEvent e : events) {
            if (e.thread() == thread) {
                return true;
            }
        }
        return false;
    }

    private List<SpecEvent> drain() {
        List<SpecEvent> all = new ArrayList<>();
        for (SpecEvent e = events.poll(); e != null; e = events.poll()) {
            all.add(e);
        }
        return all;
    }

    // ------------------------------------------------------------ messages

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    private String where(PathCover.Step step) {
        StringBuilder s = new StringBuilder("path " + path.number() + ", step " + stepNo + " of "
                + path.steps().size() + ": " + step.label() + "\n  from: " + step.from() + "\n  to:   " + step.to()
                + "\n  steps so far:");
        int first = Math.max(0, stepNo - 12);
        if (first > 0) {
            s.append(" ...");
        }
        for (PathCover.Step p : path.steps().subList(first, stepNo - 1)) {
            s.append(' ').append(p.label()).append(';');
        }
        return s.toString();
    }
}
