package org.memallocator.modeltests.stateful;

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
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A thread that plays one spec thread ({@code t1}, {@code t2}, ...): it makes the allocator calls
 * it is handed, one at a time, so that every call of spec thread {@code t} runs on the same Java
 * thread and a blocking {@code getBuffer} can stay blocked while the test goes on.
 *
 * <p><b>Telling "still blocked" from "not yet run".</b> {@link #probeStillBlocked()} unparks the
 * thread spuriously. A waiter that was not signalled goes straight back to its condition wait
 * (AQS loops until it is signalled), which is a new park: its
 * {@link ThreadInfo#getWaitedCount() waited count} grows and it is parked again with a
 * {@link Condition} as its blocker. A waiter that was signalled (or whose deadline passed, or that
 * was interrupted) takes the lock and either returns or waits again. Both outcomes are positive
 * observations, so no check of this class depends on a sleep: a lost wake-up shows at once, and a
 * timeout fires only when the thread neither returns nor waits again (a hang).
 *
 * <p>Not thread-safe: only the test's main thread drives it.
 */
final class SpecThread implements AutoCloseable {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * What a call ended with.
     *
     * @param value            what it returned
     * @param thrown           what it threw, or null
     * @param interruptPending the interrupt status was set when the call ended (cleared since)
     * @param nanos            how long the call took
     */
    record Outcome(Object value, Throwable thrown, boolean interruptPending, long nanos) {
        @Override
        public String toString() {
            return thrown != null ? "threw " + thrown : "returned " + value;
        }
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

    final String name;
    private final Duration patience;
    private final SynchronousQueue<Call> inbox = new SynchronousQueue<>();
    private final Thread thread;
    private Call current;

    /**
     * @param name     the spec thread's name, also the Java thread's name (with a prefix)
     * @param patience how long any single wait for this thread may take before it is a failure
     */
    SpecThread(String name, String prefix, Duration patience) {
        this.name = name;
        this.patience = patience;
        thread = new Thread(this::loop, prefix + name);
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
            // close() interrupts an idle thread that did not take STOP
        }
    }

    /** Hands {@code body} to the thread; returns once it has taken it. */
    void start(String description, Callable<Object> body) {
        if (inCall()) {
            throw new IllegalStateException(name + " is still in " + current.description);
        }
        Call call = new Call(description, body);
        try {
            if (!inbox.offer(call, patience.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not take " + description + "; " + describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while handing " + description + " to " + name, e);
        }
        current = call;
    }

    /** {@link #start} and wait for the call to return: for calls that must not block. */
    Outcome call(String description, Callable<Object> body) {
        start(description, body);
        return awaitReturn();
    }

    /** Waits for the current call to return; one that does not within the patience is a failure. */
    Outcome awaitReturn() {
        try {
            return current.done.get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(name + ": " + current.description + " did not return within "
                    + patience + "; " + describe(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + name, e);
        }
    }

    /** Whether a call was started and has not returned. */
    boolean inCall() {
        return current != null && !current.done.isDone();
    }

    /** Whether the current call has returned (false before the first call). */
    boolean returned() {
        return current != null && current.done.isDone();
    }

    /** The outcome of the current call, which must have returned. */
    Outcome outcome() {
        return current.done.getNow(null);
    }

    String currentCall() {
        return current == null ? "(none)" : current.description;
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
    boolean awaitParkedOrReturned() {
        await(() -> returned() || parkedOnCondition() && inCall(), "park in or return from " + currentCall());
        return !returned();
    }

    /**
     * Lets a thread that is in a call run: unparks it spuriously and waits until it either
     * returned or parked in a condition wait again (see the class comment).
     *
     * @return true if it is still blocked in its call, false if the call returned
     */
    boolean probeStillBlocked() {
        if (returned()) {
            return false;
        }
        long waited = waitedCount();
        LockSupport.unpark(thread);
        await(() -> returned() || waitedCount() > waited && parkedOnCondition(),
                "return from or wait again in " + currentCall());
        return !returned();
    }

    /**
     * Holds a thread that is parked in a condition wait: suspends it, so that once signalled it
     * is "woken but not yet run" for as long as the test likes, the spec's state between a
     * step that enables a wake-up and the wake-up itself. The thread holds no lock while parked,
     * so the others go on. {@link Thread#suspend} is deprecated for removal and unsupported from
     * JDK 20 on; the project targets Java 17. Returns false, with the thread running, if it could
     * not be held (not parked in a condition wait, or suspend unsupported).
     */
    @SuppressWarnings("removal")
    boolean hold() {
        try {
            thread.suspend();
        } catch (UnsupportedOperationException noSuspend) {
            return false;
        }
        if (parkedOnCondition() && inCall()) {
            return true;
        }
        thread.resume();
        return false;
    }

    /** Lets a held thread run again. */
    @SuppressWarnings("removal")
    void release() {
        thread.resume();
    }

    /** Interrupts the thread (a blocked call should return with InterruptedException). */
    void interrupt() {
        thread.interrupt();
    }

    private void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + patience.toNanos();
        int spins = 0;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(name + " did not " + what + " within " + patience + "; "
                        + describe());
            }
            if (++spins < 200) {
                Thread.onSpinWait();
            } else if (spins < 2000) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(50_000L);
            }
        }
    }

    /** The thread's state, blocker and stack, for failure messages. */
    String describe() {
        Object blocker = LockSupport.getBlocker(thread);
        return thread.getName() + " in " + currentCall() + ": " + thread.getState()
                + (blocker == null ? "" : " on " + blocker.getClass().getSimpleName())
                + Arrays.stream(thread.getStackTrace()).limit(12)
                .map(f -> "\n        at " + f).collect(Collectors.joining());
    }

    /**
     * Ends the thread: an idle thread takes STOP; a thread still in a call is interrupted (a
     * blocked getBuffer returns). Returns false if it is still alive after the patience.
     */
    boolean stop() {
        if (!thread.isAlive()) {
            return true;
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
