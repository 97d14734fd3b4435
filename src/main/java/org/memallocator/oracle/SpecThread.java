package org.memallocator.oracle;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A thread that plays one spec thread ({@code t1}, {@code t2}, ...): it makes the allocator calls
 * it is handed, one at a time, so that every call of spec thread {@code t} runs on the same Java
 * thread, and a blocking {@code getBuffer} can stay blocked, or be held, while the test goes on.
 * {@link VectorRunner} drives the threads of a conformance vector with it, and so do the model
 * tests (the jqwik action chains and the paths generated from the state graph).
 *
 * <p><b>Why holding.</b> In the spec, a thread blocked in GetBuffer returns in a step of its own
 * (WakeWithSample, WakeNotCommitted, WaitTimedOut, WaitInterrupted), and other steps may come
 * between the step that makes its return possible (a Release, a Decommit, its deadline) and that
 * step: another thread may barge in and take the released buffer, or Commit again before the
 * waiter runs. A real woken thread runs as soon as it gets the lock, so such paths cannot be
 * replayed by timing. The test therefore holds a blocked thread with {@link Thread#suspend()}
 * while it is parked in the allocator's wait, where it holds no lock ({@link #hold}), and lets it
 * go at its wake-up step ({@link #tryWake}, {@link #release}). A suspended thread that is
 * signalled cannot take the lock, so it stays "woken but not yet run", exactly the spec's state in
 * between; the lock stays free for the others. {@code Thread.suspend} is deprecated for removal
 * and throws {@code UnsupportedOperationException} from JDK 20 on ({@link #CAN_HOLD}); this
 * project targets Java 17, where it works, and no other means can stop a thread from taking a free
 * lock. A port holds its threads with a test hook in its wait loop instead (PORTING.md).
 *
 * <p><b>Telling "still blocked" from "not yet run".</b> {@link #probeStillBlocked} and
 * {@link #tryWake} unpark the thread spuriously. A waiter that was not signalled goes straight
 * back to its condition wait (AQS loops until it is signalled), which is a new park: its
 * {@link ThreadInfo#getWaitedCount() waited count} grows and it is parked again with a
 * {@link Condition} as its blocker. A waiter that was signalled (or whose deadline passed, or that
 * was interrupted) takes the lock and either returns or waits again, unless a signalled waiter
 * ahead of it in the lock's queue is held: then it parks on the lock instead of the condition
 * ({@link LockSupport#getBlocker}, {@link Wake#QUEUED}). All of these are positive
 * observations, so no check of this class depends on a sleep: a lost wake-up shows at once, and
 * the patience runs out only when the thread neither returns nor parks again (a hang).
 *
 * <p>Every wait of this class is bounded by the patience given to the constructor; one that runs
 * out is an {@link AssertionError} with the thread's state and stack ({@link #describe}). The
 * methods declare no checked exception: an {@link InterruptedException} of the caller's own thread
 * also becomes an {@link AssertionError} (for {@link #stop}, a false result), its interrupt status
 * set again.
 *
 * <p>Not thread-safe: only the test's main thread drives it.
 */
public final class SpecThread implements AutoCloseable {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Whether this JVM can hold a thread: {@code Thread.suspend} works up to JDK 19. */
    public static final boolean CAN_HOLD = Runtime.version().feature() < 20;

    /**
     * What a call ended with.
     *
     * @param value            what it returned
     * @param thrown           what it threw, or null
     * @param interruptPending the interrupt status was set when the call ended (cleared since)
     * @param nanos            how long the call took
     */
    public record Outcome(Object value, Throwable thrown, boolean interruptPending, long nanos) {
        @Override
        public String toString() {
            return thrown != null ? "threw " + thrown : "returned " + value;
        }
    }

    /** What a held thread did when {@link #tryWake let go}. */
    public enum Wake {
        /** Its call returned. */
        RETURNED,
        /** It was not woken: it went back to waiting on the allocator's condition (held again). */
        WAITING,
        /**
         * It was woken but waits for the lock behind a thread woken before it, which is held: the
         * lock's queue is FIFO, so it cannot return first (held again).
         */
        QUEUED
    }

    /** A call handed to the thread. */
    private static final class Call {
        final String description;
        final Callable<Object> body;
        final CompletableFuture<Outcome> done = new CompletableFuture<>();

        Call(String description, Callable<Object> body) {
            this.description = description;
            this.body = body;
        }
    }

    private static final Call STOP = new Call("stop", () -> null);

    private final String name;
    private final Duration patience;
    private final SynchronousQueue<Call> inbox = new SynchronousQueue<>();
    private final Thread thread;
    private Call current;
    private boolean held;

    /**
     * @param name     the spec thread's name, also the Java thread's name (after {@code prefix})
     * @param patience how long any single wait for this thread may take before it is a failure
     */
    public SpecThread(String name, String prefix, Duration patience) {
        this.name = name;
        this.patience = patience;
        thread = new Thread(this::loop, prefix + name);
        thread.setDaemon(true);
        thread.start();
    }

    public Thread thread() {
        return thread;
    }

    private void loop() {
        try {
            for (Call c = inbox.take(); c != STOP; c = inbox.take()) {
                Object value = null;
                Throwable thrown = null;
                long start = System.nanoTime();
                try {
                    value = c.body.call();
                } catch (Throwable t) {
                    thrown = t;
                }
                long nanos = System.nanoTime() - start;
                c.done.complete(new Outcome(value, thrown, Thread.interrupted(), nanos));
            }
        } catch (InterruptedException stopped) {
            // stop() interrupts an idle thread that did not take STOP
        }
    }

    // ------------------------------------------------------------ calls

    /** Hands {@code body} to the thread; returns once it has taken it. */
    public void start(String description, Callable<Object> body) {
        if (inCall()) {
            throw new IllegalStateException(name + " is still in " + current.description);
        }
        Call call = new Call(description, body);
        try {
            if (!inbox.offer(call, patience.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not take " + description + "; " + describe());
            }
        } catch (InterruptedException e) {
            throw interrupted("handing " + description + " to " + name, e);
        }
        current = call;
    }

    /** {@link #start} and wait for the call to return: for calls that must not block. */
    public Outcome call(String description, Callable<Object> body) {
        start(description, body);
        return awaitReturn();
    }

    /** Waits for the current call to return; one that does not within the patience is a failure. */
    public Outcome awaitReturn() {
        try {
            return current.done.get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(name + ": " + current.description + " did not return within "
                    + patience + "; " + describe(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            throw interrupted("waiting for " + name, e);
        }
    }

    /** Whether a call was started and has not returned. */
    public boolean inCall() {
        return current != null && !current.done.isDone();
    }

    /** Whether the current call has returned (false before the first call). */
    public boolean returned() {
        return current != null && current.done.isDone();
    }

    /** The outcome of the current call, which must have returned. */
    public Outcome outcome() {
        return current.done.getNow(null);
    }

    /** The description of the current call, or "(none)" before the first. */
    public String currentCall() {
        return current == null ? "(none)" : current.description;
    }

    // ------------------------------------------------------------ blocked calls

    /** Parked inside a call: WAITING or TIMED_WAITING, and the call has not returned. */
    public boolean parkedInCall() {
        Thread.State s = thread.getState();
        return (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) && inCall();
    }

    /** Parked in a condition wait (WAITING or TIMED_WAITING with a {@link Condition} as blocker). */
    private boolean parkedOnCondition() {
        Thread.State s = thread.getState();
        return (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING)
                && LockSupport.getBlocker(thread) instanceof Condition;
    }

    private long waitedCount() {
        ThreadInfo info = THREADS.getThreadInfo(thread.getId());
        return info == null ? -1 : info.getWaitedCount();
    }

    /**
     * Waits until a just-started call either returned or is parked in a condition wait.
     *
     * @return true if it is parked in its call, false if it returned
     */
    public boolean awaitParkedOrReturned() {
        await(() -> returned() || parkedOnCondition() && inCall(), "park in or return from " + currentCall());
        return !returned();
    }

    /**
     * Lets a thread that is in a call (not held) run: unparks it spuriously and waits until it
     * either returned or parked in a condition wait again (see the class comment).
     *
     * @return true if it is still blocked in its call, false if the call returned
     */
    public boolean probeStillBlocked() {
        if (returned()) {
            return false;
        }
        unparkAndAwait(waitedCount(), this::parkedOnCondition);
        return !returned();
    }

    /**
     * Unparks the thread spuriously and waits until its call returned or, after more parks than
     * {@code waited}, {@code parked} holds.
     */
    private void unparkAndAwait(long waited, BooleanSupplier parked) {
        LockSupport.unpark(thread);
        await(() -> returned() || waitedCount() > waited && parked.getAsBoolean(),
                "return from or wait again in " + currentCall());
    }

    /**
     * Interrupts the thread: a blocked call should return with InterruptedException; a held
     * thread stays held.
     */
    public void interrupt() {
        thread.interrupt();
    }

    // ------------------------------------------------------------ holding

    /**
     * Holds a thread that is parked in its call: suspends it, so that once signalled it is "woken
     * but not yet run" for as long as the test likes (see the class comment). A thread caught
     * running (a stale unpark permit wakes a parked thread once, and it parks again) is resumed and
     * caught again.
     *
     * @return true if it is held; false, with the thread running, if its call returned instead (a
     *         timed wait that had just expired) or {@code Thread.suspend} is unsupported
     */
    @SuppressWarnings("removal")
    public boolean hold() {
        while (true) {
            try {
                thread.suspend();
            } catch (UnsupportedOperationException noSuspend) {
                return false;
            }
            if (parkedInCall()) {
                held = true;
                return true;
            }
            thread.resume();
            await(() -> returned() || parkedInCall(), "park again in " + currentCall());
            if (returned()) {
                return false;
            }
        }
    }

    public boolean held() {
        return held;
    }

    /** Lets a held thread run again. */
    @SuppressWarnings("removal")
    public void release() {
        held = false;
        thread.resume();
    }

    /** Lets a held thread run, unparked spuriously, and reports what it did (see the class comment). */
    public Wake tryWake() {
        long waited = waitedCount();
        release();
        unparkAndAwait(waited, this::parkedInCall);
        if (returned()) {
            return Wake.RETURNED;
        }
        boolean onCondition = LockSupport.getBlocker(thread) instanceof Condition;
        if (!hold()) {
            awaitReturn();
            return Wake.RETURNED;
        }
        return onCondition ? Wake.WAITING : Wake.QUEUED;
    }

    /**
     * Interrupts a held thread that waits on the allocator's condition while the caller holds
     * {@code lock}, the allocator's lock, lets it run until it has left the condition for the
     * lock's queue (where no signal reaches it), and holds it there. Let go, it takes the lock
     * and throws {@link InterruptedException}.
     */
    public void interruptIntoLockQueue(ReentrantLock lock) {
        if (!lock.isHeldByCurrentThread() || !held) {
            throw new IllegalStateException(name + ": hold the lock, and the thread");
        }
        thread.interrupt();
        release();
        await(() -> lock.hasQueuedThread(thread) && thread.getState() == Thread.State.WAITING,
                "leave its wait for the lock's queue");
        if (!hold()) {
            throw new AssertionError(name + ": " + currentCall() + " returned while the test held the"
                    + " allocator's lock");
        }
    }

    // ------------------------------------------------------------ waiting, failing, ending

    /** Spins, then yields, then parks briefly, until {@code condition} holds; a failure after the patience. */
    public void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + patience.toNanos();
        for (int spins = 0; !condition.getAsBoolean(); spins++) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(name + " did not " + what + " within " + patience + "; " + describe());
            }
            if (spins < 200) {
                Thread.onSpinWait();
            } else if (spins < 2000) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(50_000L);
            }
        }
    }

    private static AssertionError interrupted(String what, InterruptedException e) {
        Thread.currentThread().interrupt();
        return new AssertionError("interrupted while " + what, e);
    }

    /** The thread's state, blocker and stack, for failure messages. */
    public String describe() {
        Object blocker = LockSupport.getBlocker(thread);
        return thread.getName() + " in " + currentCall() + ": " + thread.getState()
                + (blocker == null ? "" : " on " + blocker.getClass().getSimpleName())
                + Arrays.stream(thread.getStackTrace()).limit(12)
                .map(f -> "\n        at " + f).collect(Collectors.joining());
    }

    /**
     * Ends the thread, whatever it is doing: a held thread is let go, a thread still in a call is
     * interrupted (a blocked getBuffer returns), an idle one takes STOP. Returns false if it is
     * still alive after the patience (or the caller was interrupted, its status set again): for
     * cleanup, this method does not throw.
     */
    public boolean stop() {
        if (!thread.isAlive()) {
            return true;
        }
        if (held) {
            release();
        }
        if (inCall()) {
            thread.interrupt();
            try {
                current.done.get(patience.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        try {
            if (!inbox.offer(STOP, patience.toMillis(), TimeUnit.MILLISECONDS)) {
                thread.interrupt();
            }
            thread.join(patience.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return name;
    }
}
