package org.memallocator.modeltests.graph;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
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

/**
 * A thread that plays one spec thread: it makes the allocator calls it is given, one at a time,
 * and can be held in a blocking call so that it returns only when the test lets it.
 *
 * <p><b>Why holding.</b> In the spec, a thread blocked in GetBuffer returns in a step of its own
 * (WakeWithSample, WakeNotCommitted, WaitTimedOut, WaitInterrupted), and other steps may come
 * between the step that makes its return possible (a Release, a Decommit, its deadline) and that
 * step: another thread may barge in and take the released buffer, or Commit again before the
 * waiter runs. A real woken thread runs as soon as it gets the lock, so such paths cannot be
 * replayed by timing. The test therefore holds every blocked driver with
 * {@link Thread#suspend()} while it is parked in the allocator's wait (where it holds no lock), and
 * resumes it at its wake-up step ({@link #tryWake}). A suspended thread that is signalled cannot
 * take the lock, so it stays "woken but not yet run", exactly the spec's state in between; the
 * lock stays free for the others. {@code Thread.suspend} is deprecated for removal and throws
 * {@code UnsupportedOperationException} from JDK 20 on; this project targets Java 17, where it
 * works, and no other means can stop a thread from taking a free lock.
 *
 * <p><b>Detecting "not woken".</b> Resuming a held driver that was not signalled must be told
 * apart from one that has not run yet. {@link #tryWake} resumes the driver and unparks it
 * spuriously: a driver that was not signalled goes back to its wait, which parks it again and
 * increments its {@link java.lang.management.ThreadInfo#getWaitedCount() waited count}; a
 * signalled one (or one whose deadline passed, or that was interrupted) returns from its call,
 * unless a signalled driver ahead of it in the lock's queue is held, in which case it parks on
 * the lock instead of the condition ({@link LockSupport#getBlocker}). All three are positive
 * observations: what a driver did is never concluded from a timeout. (The only sleeps of the test
 * wait out the deadline of a timed getBuffer before its WaitTimedOut step.)
 */
final class Driver {

    /** How long any single wait of the test may take before it is a failure. */
    static final Duration PATIENCE = Duration.ofSeconds(10);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * What a call ended with.
     *
     * @param value           what it returned
     * @param thrown          what it threw, or null
     * @param interruptPending the thread's interrupt status was set when the call returned
     *                        (cleared since)
     */
    record Outcome(Object value, Throwable thrown, boolean interruptPending) {
    }

    /** A call handed to the driver. */
    static final class Call {
        final String description;
        final Callable<Object> body;
        final CompletableFuture<Outcome> done = new CompletableFuture<>();

        Call(String description, Callable<Object> body) {
            this.description = description;
            this.body = body;
        }
    }

    private static final Call STOP = new Call("stop", () -> null);

    private final SynchronousQueue<Call> inbox = new SynchronousQueue<>();
    private final Thread thread;
    private Call current;
    private boolean held;

    Driver(String name) {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    Thread thread() {
        return thread;
    }

    private void loop() {
        try {
            for (Call c = inbox.take(); c != STOP; c = inbox.take()) {
                Object value = null;
                Throwable thrown = null;
                try {
                    value = c.body.call();
                } catch (Throwable t) {
                    thrown = t;
                }
                c.done.complete(new Outcome(value, thrown, Thread.interrupted()));
            }
        } catch (InterruptedException stopped) {
            // stop() interrupts a driver that is idle
        }
    }

    /** Hands {@code call} to the driver; returns once the driver has taken it. */
    void start(Call call) throws InterruptedException {
        if (current != null && !current.done.isDone()) {
            throw new IllegalStateException(thread.getName() + " is still in " + current.description);
        }
        current = call;
        if (!inbox.offer(call, PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(thread.getName() + " did not take " + call.description);
        }
    }

    /** {@link #start} and wait for the call to return. */
    Outcome run(Call call) throws InterruptedException {
        start(call);
        return awaitReturn();
    }

    /** Waits for the current call to return; a call that does not is a failure. */
    Outcome awaitReturn() throws InterruptedException {
        try {
            return current.done.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(thread.getName() + ": " + current.description + " did not return within "
                    + PATIENCE + "; thread state " + thread.getState() + stack(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The current call, or null before the first. */
    Call current() {
        return current;
    }

    /** Whether a call has been started and has not returned. */
    boolean inCall() {
        return current != null && !current.done.isDone();
    }

    /** Parked inside a call: WAITING or TIMED_WAITING, and the call has not returned. */
    boolean parkedInCall() {
        Thread.State s = thread.getState();
        return (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) && inCall();
    }

    boolean held() {
        return held;
    }

    /**
     * Suspends the driver, which must be parked in its call. Returns false if the call returned
     * instead (a timed wait that had just expired). A driver caught running (a stale unpark
     * permit wakes a parked thread once, and it parks again) is resumed and caught again.
     */
    @SuppressWarnings("removal")
    boolean hold() throws InterruptedException {
        while (true) {
            thread.suspend();
            Thread.State s = thread.getState();
            if ((s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) && inCall()) {
                held = true;
                return true;
            }
            thread.resume();
            await(() -> current.done.isDone() || parkedInCall(), "park again in " + current.description);
            if (current.done.isDone()) {
                return false;
            }
        }
    }

    /** What a held driver did when {@link #tryWake let go}. */
    enum Wake {
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

    /** Lets a held driver run, and reports what it did. See the class comment. */
    @SuppressWarnings("removal")
    Wake tryWake() throws InterruptedException {
        long waited = waitedCount();
        held = false;
        thread.resume();
        LockSupport.unpark(thread);
        await(() -> current.done.isDone() || waitedCount() > waited && parkedInCall(),
                "return from or wait again in " + current.description);
        if (current.done.isDone()) {
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
     * Interrupts a held driver that waits on the allocator's condition while the caller holds
     * {@code lock}, the allocator's lock, lets it run until it has left the condition for the
     * lock's queue (where no signal reaches it), and holds it there. Let go, it takes the lock
     * and throws {@link InterruptedException}.
     */
    @SuppressWarnings("removal")
    void interruptIntoLockQueue(ReentrantLock lock) throws InterruptedException {
        if (!lock.isHeldByCurrentThread() || !held) {
            throw new IllegalStateException(thread.getName() + ": hold the lock, and the driver");
        }
        thread.interrupt();
        held = false;
        thread.resume();
        await(() -> lock.hasQueuedThread(thread) && thread.getState() == Thread.State.WAITING,
                "leave its wait for the lock's queue");
        if (!hold()) {
            throw new AssertionError(thread.getName() + ": " + current.description + " returned while the test"
                    + " held the allocator's lock");
        }
    }

    /** Interrupts the driver's thread (a held driver stays held). */
    void interrupt() {
        thread.interrupt();
    }

    private long waitedCount() {
        return THREADS.getThreadInfo(thread.getId()).getWaitedCount();
    }

    /** Spins, then yields, until {@code condition} holds; a failure after {@link #PATIENCE}. */
    void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        for (int spins = 0; !condition.getAsBoolean(); spins++) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(thread.getName() + " did not " + what + " within " + PATIENCE
                        + "; thread state " + thread.getState() + stack());
            }
            if (spins < 100) {
                Thread.onSpinWait();
            } else if (spins < 10_000) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(50_000);
            }
        }
    }

    private String stack() {
        StringBuilder s = new StringBuilder();
        for (StackTraceElement e : thread.getStackTrace()) {
            s.append("\n    at ").append(e);
        }
        return s.toString();
    }

    /** Stops the driver whatever it is doing: resumes it, interrupts any blocking call, ends its loop. */
    @SuppressWarnings("removal")
    void stop() throws InterruptedException {
        if (held) {
            held = false;
            thread.resume();
        }
        if (!inbox.offer(STOP)) {
            thread.interrupt(); // in a blocking call: it returns, then takes STOP or sees the interrupt
            inbox.offer(STOP, 100, TimeUnit.MILLISECONDS);
        }
        thread.join(PATIENCE.toMillis());
        if (thread.isAlive()) {
            thread.interrupt();
            thread.join(PATIENCE.toMillis());
        }
    }
}
